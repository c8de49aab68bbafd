package io.ftpalg.engine.expect;

/**
 * An on-heap, primitive "may be present" set of the 64-bit hashes of the live expectation keys. It keeps the
 * Chronicle Map out of every question whose answer is no: a new connection that nobody negotiated (every SYN of a
 * flood), and the NAT port choice probing for a collision. Duplicate hashes are stored as separate entries, so
 * removing one key never hides another with the same hash. Open addressing with linear probing, backward-shift
 * removal, load factor at most one half: 16 bytes per expectation at the cap.
 */
final class KeyFilter {
    private final long[] slots;
    private final int mask;

    KeyFilter(int maxEntries) {
        int n = Integer.highestOneBit(Math.max(16, maxEntries * 2 - 1)) << 1;
        slots = new long[n];
        mask = n - 1;
    }

    static long hash(long peerHi, long peerLo, long dstHi, long dstLo, long meta) {
        long h = meta * 0x9E3779B97F4A7C15L;
        h = (h ^ peerLo) * 0xBF58476D1CE4E5B9L;
        h = (h ^ dstLo) * 0x94D049BB133111EBL;
        h = (h ^ peerHi) * 0x9E3779B97F4A7C15L;
        h = (h ^ dstHi) * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 31;
        return h == 0 ? 1 : h;
    }

    boolean mayContain(long h) {
        for (int i = (int) h & mask; ; i = (i + 1) & mask) {
            long v = slots[i];
            if (v == 0) {
                return false;
            }
            if (v == h) {
                return true;
            }
        }
    }

    void add(long h) {
        int i = (int) h & mask;
        while (slots[i] != 0) {
            i = (i + 1) & mask;
        }
        slots[i] = h;
    }

    void remove(long h) {
        int i = (int) h & mask;
        while (slots[i] != h) {
            if (slots[i] == 0) {
                return;
            }
            i = (i + 1) & mask;
        }
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            long v = slots[j];
            if (v == 0) {
                break;
            }
            int home = (int) v & mask;
            boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!stays) {
                slots[hole] = v;
                hole = j;
            }
        }
        slots[hole] = 0;
    }
}
