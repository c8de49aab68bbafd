package io.ftpalg.engine.router;

import java.util.Arrays;

/**
 * The neighbour table (RFC 826 ARP cache, RFC 4861 neighbour cache, reduced): IP address on a port to MAC, learnt
 * from ARP, neighbour discovery and the source of received IP frames, each entry valid for {@link #REACHABLE_MS}.
 * While an address is being resolved, one packet for it waits (the latest, as Linux keeps a short queue); it is
 * sent when the answer comes and dropped when the next request is due without one.
 *
 * <p>Primitive arrays, fixed capacity, open addressing over {@link #PROBE} slots; a full probe run reuses its
 * least recently confirmed slot. Pending packets live in a fixed pool of {@link #PENDING} buffers.
 */
public final class Neighbors {
    public static final long REACHABLE_MS = 30_000;
    /** A request is repeated at most this often while a packet waits. */
    public static final long RETRY_MS = 1_000;

    static final int PROBE = 8;
    static final int PENDING = 64;
    static final int PENDING_BYTES = 2048;

    private final long[] keyHi;
    private final long[] keyLo;
    private final int[] port;
    private final long[] mac; // -1 = resolving
    private final long[] updated;
    private final long[] requested;
    private final int[] pending; // index into the pool, or -1
    private final int mask;

    private final byte[][] pool = new byte[PENDING][PENDING_BYTES];
    private final int[] poolLen = new int[PENDING];
    private final int[] poolFree = new int[PENDING];
    private int poolFreeTop;

    public Neighbors(int capacity) {
        int n = Integer.highestOneBit(Math.max(16, capacity - 1)) << 1;
        keyHi = new long[n];
        keyLo = new long[n];
        port = new int[n];
        mac = new long[n];
        updated = new long[n];
        requested = new long[n];
        pending = new int[n];
        Arrays.fill(port, -1);
        Arrays.fill(pending, -1);
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

    /** The slot of (port, address), or -1. */
    int find(int p, long hi, long lo) {
        int h = home(p, hi, lo);
        for (int i = 0; i < PROBE; i++) {
            int j = (h + i) & mask;
            if (port[j] == p && keyHi[j] == hi && keyLo[j] == lo) {
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
            if (port[j] == p && keyHi[j] == hi && keyLo[j] == lo) {
                return j;
            }
            if (port[j] == -1) {
                victim = j;
                break;
            }
            if (updated[j] < updated[victim]) {
                victim = j;
            }
        }
        freePending(victim);
        port[victim] = p;
        keyHi[victim] = hi;
        keyLo[victim] = lo;
        mac[victim] = -1;
        updated[victim] = Long.MIN_VALUE;
        requested[victim] = Long.MIN_VALUE;
        return victim;
    }

    /**
     * Records that {@code address} on port {@code p} is at {@code m}.
     *
     * @return the slot, whose waiting packet (if any) the caller may now send with {@link #takePending}
     */
    public int learn(int p, long hi, long lo, long m, long nowMs) {
        int j = slotFor(p, hi, lo);
        mac[j] = m;
        updated[j] = nowMs;
        return j;
    }

    /**
     * True when (port, address) is already known at {@code m}, confirmed within half its lifetime, with nothing
     * waiting: a received packet then has nothing to teach (the common case, checked without writing).
     */
    public boolean current(int p, long hi, long lo, long m, long nowMs) {
        int j = find(p, hi, lo);
        return j >= 0 && mac[j] == m && pending[j] < 0 && nowMs - updated[j] < REACHABLE_MS / 2;
    }

    /** The MAC of (port, address), or -1 when unknown or stale. */
    public long lookup(int p, long hi, long lo, long nowMs) {
        int j = find(p, hi, lo);
        if (j < 0 || mac[j] < 0 || nowMs - updated[j] > REACHABLE_MS) {
            return -1;
        }
        return mac[j];
    }

    /**
     * Keeps a copy of a packet that waits for (port, address) to be resolved, replacing an older one.
     *
     * @return true if a resolution request should be sent now (none was sent in the last {@link #RETRY_MS})
     */
    public boolean park(int p, long hi, long lo, byte[] frame, int len, long nowMs) {
        int j = slotFor(p, hi, lo);
        if (len <= PENDING_BYTES) {
            int k = pending[j];
            if (k < 0 && poolFreeTop > 0) {
                k = poolFree[--poolFreeTop];
                pending[j] = k;
            }
            if (k >= 0) {
                System.arraycopy(frame, 0, pool[k], 0, len);
                poolLen[k] = len;
            }
        }
        if (requested[j] == Long.MIN_VALUE || nowMs - requested[j] >= RETRY_MS) {
            requested[j] = nowMs;
            return true;
        }
        return false;
    }

    /** The packet waiting at slot {@code j}, copied into {@code dst}: its length, or 0 when none. */
    public int takePending(int j, byte[] dst) {
        int k = pending[j];
        if (k < 0) {
            return 0;
        }
        int len = poolLen[k];
        System.arraycopy(pool[k], 0, dst, 0, len);
        freePending(j);
        return len;
    }

    private void freePending(int j) {
        int k = pending[j];
        if (k >= 0) {
            poolFree[poolFreeTop++] = k;
            pending[j] = -1;
        }
    }
}
