package io.ftpalg.engine.flow;

/**
 * New-flow budget per source address: a token bucket each (rate per second, burst), so that one host cannot fill
 * the flow table or churn the NAT port space, whatever it sends. Expected FTP data connections do not draw on it:
 * their control connection already did, and expectations have caps of their own.
 *
 * <p>Primitive open-addressing table of fixed capacity, probed over {@link #PROBE} slots; when all are taken, the
 * slot idle longest is reused (a source forgotten that way comes back with a full bucket, which only errs on the
 * generous side). Tokens are kept in thousandths so that refill needs no floating point. Memory: 32 bytes per
 * slot.
 */
public final class SourceBudget {
    static final int PROBE = 8;

    private final long ratePerMs; // thousandths of a token per millisecond == tokens per second
    private final long burst; // thousandths
    private final long[] keyHi;
    private final long[] keyLo; // IPv4 addresses carry bit 63 set so they never equal an IPv6 key
    private final long[] tokens;
    private final long[] last;
    private final boolean[] used;
    private final int mask;

    /**
     * @param ratePerSecond new flows per second per source; 0 disables the budget
     * @param burst flows a source may open at once
     */
    public SourceBudget(int ratePerSecond, int burst, int capacity) {
        this.ratePerMs = ratePerSecond;
        this.burst = (long) burst * 1000;
        int n = ratePerSecond == 0 ? 1 : Integer.highestOneBit(Math.max(16, capacity - 1)) << 1;
        keyHi = new long[n];
        keyLo = new long[n];
        tokens = new long[n];
        last = new long[n];
        used = new boolean[n];
        mask = n - 1;
    }

    /** Takes one new-flow token for the source; false when its budget is spent. */
    public boolean take(int ipVersion, long hi, long lo, long nowMs) {
        if (ratePerMs == 0) {
            return true;
        }
        long klo = ipVersion == 4 ? lo | Long.MIN_VALUE : lo;
        long h = (klo * 0x9E3779B97F4A7C15L) ^ (hi * 0xC2B2AE3D27D4EB4FL);
        int home = (int) (h ^ (h >>> 31)) & mask;
        int victim = home;
        for (int i = 0; i < PROBE; i++) {
            int j = (home + i) & mask;
            if (!used[j]) {
                return fresh(j, hi, klo, nowMs);
            }
            if (keyHi[j] == hi && keyLo[j] == klo) {
                long t = Math.min(burst, tokens[j] + Math.max(0, nowMs - last[j]) * ratePerMs);
                last[j] = nowMs;
                if (t < 1000) {
                    tokens[j] = t;
                    return false;
                }
                tokens[j] = t - 1000;
                return true;
            }
            if (last[j] < last[victim]) {
                victim = j;
            }
        }
        return fresh(victim, hi, klo, nowMs);
    }

    private boolean fresh(int j, long hi, long klo, long nowMs) {
        used[j] = true;
        keyHi[j] = hi;
        keyLo[j] = klo;
        last[j] = nowMs;
        tokens[j] = burst - 1000;
        return burst >= 1000;
    }
}
