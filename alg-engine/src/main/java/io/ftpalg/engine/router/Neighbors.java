package io.ftpalg.engine.router;

/**
 * The neighbour table (RFC 826 ARP cache, RFC 4861 neighbour cache, reduced): IP address on a port to MAC, learnt
 * from ARP, neighbour discovery and the source of received IP frames, each entry valid for {@link #REACHABLE_MS}.
 * While an address is being resolved, one packet for it waits (the latest, as Linux keeps a short queue); it is
 * sent when the answer comes and dropped when the next request is due without one.
 *
 * <p>One primitive array of fixed-size records, fixed capacity, open addressing over {@link #PROBE} slots; a full probe run reuses its
 * least recently confirmed slot. Pending packets live in a fixed pool of {@link #PENDING} buffers.
 */
public final class Neighbors {
    public static final long REACHABLE_MS = 30_000;
    /** A request is repeated at most this often while a packet waits. */
    public static final long RETRY_MS = 1_000;

    static final int PROBE = 8;
    static final int PENDING = 64;
    static final int PENDING_BYTES = 2048;

    /**
     * One record of {@link #LONGS} longs per slot, so that a probe reads one cache line, not one line in each of
     * six parallel arrays (the forwarding path probes twice per packet: learn the source, resolve the next hop).
     */
    private static final int LONGS = 8;

    private static final int HI = 0;
    private static final int LO = 1;
    private static final int PORT = 2; // -1 = free slot
    private static final int MAC = 3; // -1 = resolving
    private static final int UPDATED = 4;
    private static final int REQUESTED = 5;
    private static final int PENDING_INDEX = 6; // index into the pool, or -1

    private final long[] slots;
    private final int mask;

    private final byte[][] pool = new byte[PENDING][PENDING_BYTES];
    private final int[] poolLen = new int[PENDING];
    private final int[] poolFree = new int[PENDING];
    private int poolFreeTop;

    public Neighbors(int capacity) {
        int n = Integer.highestOneBit(Math.max(16, capacity - 1)) << 1;
        slots = new long[n * LONGS];
        for (int j = 0; j < n; j++) {
            slots[j * LONGS + PORT] = -1;
            slots[j * LONGS + PENDING_INDEX] = -1;
        }
        mask = n - 1;
        for (int i = 0; i < PENDING; i++) {
            poolFree[i] = PENDING - 1 - i;
        }
        poolFreeTop = PENDING;
    }

    private int home(int p, long hi, long lo) {
        long h = (lo * 0x9E3779B97F4A7C15L) ^ (hi * 0xC2B2AE3D27D4EB4FL) ^ p;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    private boolean matches(int j, int p, long hi, long lo) {
        int r = j * LONGS;
        return slots[r + PORT] == p && slots[r + HI] == hi && slots[r + LO] == lo;
    }

    /** The slot of (port, address), or -1. */
    int find(int p, long hi, long lo) {
        int h = home(p, hi, lo);
        for (int i = 0; i < PROBE; i++) {
            int j = (h + i) & mask;
            if (matches(j, p, hi, lo)) {
                return j;
            }
        }
        return -1;
    }

    /** The slot for (port, address), taking one (and dropping its waiting packet) when absent. */
    private int slotFor(int p, long hi, long lo) {
        int h = home(p, hi, lo);
        int victim = h;
        for (int i = 0; i < PROBE; i++) {
            int j = (h + i) & mask;
            if (matches(j, p, hi, lo)) {
                return j;
            }
            if (slots[j * LONGS + PORT] == -1) {
                victim = j;
                break;
            }
            if (slots[j * LONGS + UPDATED] < slots[victim * LONGS + UPDATED]) {
                victim = j;
            }
        }
        freePending(victim);
        int r = victim * LONGS;
        slots[r + PORT] = p;
        slots[r + HI] = hi;
        slots[r + LO] = lo;
        slots[r + MAC] = -1;
        slots[r + UPDATED] = Long.MIN_VALUE;
        slots[r + REQUESTED] = Long.MIN_VALUE;
        return victim;
    }

    /**
     * Records that {@code address} on port {@code p} is at {@code m}.
     *
     * @return the slot, whose waiting packet (if any) the caller may now send with {@link #takePending}
     */
    public int learn(int p, long hi, long lo, long m, long nowMs) {
        int j = slotFor(p, hi, lo);
        slots[j * LONGS + MAC] = m;
        slots[j * LONGS + UPDATED] = nowMs;
        return j;
    }

    /**
     * True when (port, address) is already known at {@code m}, confirmed within half its lifetime, with nothing
     * waiting: a received packet then has nothing to teach (the common case, checked without writing).
     */
    public boolean current(int p, long hi, long lo, long m, long nowMs) {
        int j = find(p, hi, lo);
        if (j < 0) {
            return false;
        }
        int r = j * LONGS;
        return slots[r + MAC] == m && slots[r + PENDING_INDEX] < 0 && nowMs - slots[r + UPDATED] < REACHABLE_MS / 2;
    }

    /** The MAC of (port, address), or -1 when unknown or stale. */
    public long lookup(int p, long hi, long lo, long nowMs) {
        int j = find(p, hi, lo);
        if (j < 0) {
            return -1;
        }
        int r = j * LONGS;
        long m = slots[r + MAC];
        if (m < 0 || nowMs - slots[r + UPDATED] > REACHABLE_MS) {
            return -1;
        }
        return m;
    }

    /**
     * Keeps a copy of a packet that waits for (port, address) to be resolved, replacing an older one.
     *
     * @return true if a resolution request should be sent now (none was sent in the last {@link #RETRY_MS})
     */
    public boolean park(int p, long hi, long lo, byte[] frame, int len, long nowMs) {
        int j = slotFor(p, hi, lo);
        int r = j * LONGS;
        if (len <= PENDING_BYTES) {
            int k = (int) slots[r + PENDING_INDEX];
            if (k < 0 && poolFreeTop > 0) {
                k = poolFree[--poolFreeTop];
                slots[r + PENDING_INDEX] = k;
            }
            if (k >= 0) {
                System.arraycopy(frame, 0, pool[k], 0, len);
                poolLen[k] = len;
            }
        }
        long requested = slots[r + REQUESTED];
        if (requested == Long.MIN_VALUE || nowMs - requested >= RETRY_MS) {
            slots[r + REQUESTED] = nowMs;
            return true;
        }
        return false;
    }

    /** The packet waiting at slot {@code j}, copied into {@code dst}: its length, or 0 when none. */
    public int takePending(int j, byte[] dst) {
        int k = (int) slots[j * LONGS + PENDING_INDEX];
        if (k < 0) {
            return 0;
        }
        int len = poolLen[k];
        System.arraycopy(pool[k], 0, dst, 0, len);
        freePending(j);
        return len;
    }

    private void freePending(int j) {
        int k = (int) slots[j * LONGS + PENDING_INDEX];
        if (k >= 0) {
            poolFree[poolFreeTop++] = k;
            slots[j * LONGS + PENDING_INDEX] = -1;
        }
    }
}
