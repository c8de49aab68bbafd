package io.ftpalg.engine.seqadj;

/**
 * Sequence and acknowledgement adjustment after payload rewrites that change a segment's length (PROBLEM.md,
 * last section; RFC 9293 section 3.4 for the sequence space).
 *
 * <h2>Model</h2>
 *
 * Each adjusted direction ("lane", {@code session * 2 + direction}) keeps a history of boundaries in the
 * sender's ORIGINAL sequence space. Boundary {@code e} is the end of a rewritten span, {@code pos[e]}, and the
 * cumulative delta {@code cum[e]} that applies to every byte at or after it; bytes before the oldest boundary get
 * {@code base}. A segment's sequence number is shifted by the delta at its first byte, so a retransmission of
 * ANY earlier segment, rewritten or not, gets exactly the shift it got the first time (Linux keeps one boundary
 * per direction and gets the second-older one wrong).
 *
 * <pre>
 *   orig  ....[PORT 192,0,2,2,4,1\r\n]....[PORT 192,0,2,2,4,2\r\n]....
 *                                    ^pos0 cum0=+6              ^pos1 cum1=+12
 *   seq &lt; pos0: +0;  pos0 &lt;= seq &lt; pos1: +6;  seq &gt;= pos1: +12
 * </pre>
 *
 * Acknowledgements (and SACK edges) travel the other way and name positions in the TRANSLATED space; they are
 * mapped back through the same history. An ack that falls inside a rewritten span that grew (the receiver
 * acknowledged part of text the sender never sent) is clamped to the span's end.
 *
 * <p>All arithmetic is modulo 2^32 (RFC 9293 section 3.4: comparisons by signed difference), so the history
 * survives sequence wrap-around.
 *
 * <h2>Bound</h2>
 *
 * {@link #HISTORY} boundaries per lane. When a lane is full, the oldest boundary is merged into {@code base};
 * only segments that start before it (data older than the last {@value #HISTORY} rewrites, long since
 * acknowledged on any FTP connection, which negotiates one transfer at a time) would then be shifted by the
 * newer delta. Each merge is counted by the caller.
 */
public final class SeqAdjust {
    public static final int HISTORY = 16;

    private final int[] count;
    private final int[] base;
    private final int[] pos;
    private final int[] cum;

    public SeqAdjust(int lanes) {
        this.count = new int[lanes];
        this.base = new int[lanes];
        this.pos = new int[lanes * HISTORY];
        this.cum = new int[lanes * HISTORY];
    }

    /** Forgets a lane (a new connection takes the session). */
    public void reset(int lane) {
        count[lane] = 0;
        base[lane] = 0;
    }

    /** True if any segment of this lane needs adjusting. */
    public boolean active(int lane) {
        return count[lane] != 0 || base[lane] != 0;
    }

    /** The delta to add to the sequence number of a segment that starts at original {@code seq}. */
    public int seqDelta(int lane, long seq) {
        int s = (int) seq;
        int h = lane * HISTORY;
        for (int e = count[lane] - 1; e >= 0; e--) {
            if (s - pos[h + e] >= 0) {
                return cum[h + e];
            }
        }
        return base[lane];
    }

    /** The current (newest) delta: what data not yet sent will be shifted by. */
    public int currentDelta(int lane) {
        int n = count[lane];
        return n == 0 ? base[lane] : cum[lane * HISTORY + n - 1];
    }

    /**
     * Maps an acknowledgement number (or SACK edge) in the translated space back to the original space of the
     * lane's sender.
     */
    public long mapAck(int lane, long ackTranslated) {
        int a = (int) ackTranslated;
        int h = lane * HISTORY;
        int limit = 0;
        boolean limited = false;
        for (int e = count[lane] - 1; e >= 0; e--) {
            int p = pos[h + e];
            int c = cum[h + e];
            if (a - (p + c) >= 0) {
                return clamp(a - c, limit, limited);
            }
            limit = p;
            limited = true;
        }
        return clamp(a - base[lane], limit, limited);
    }

    private static long clamp(int mapped, int limit, boolean limited) {
        if (limited && mapped - limit > 0) {
            mapped = limit;
        }
        return mapped & 0xFFFF_FFFFL;
    }

    /**
     * Records a rewrite whose span ends at original sequence {@code spanEnd} and changed the length by
     * {@code delta}. Must be called in stream order (each {@code spanEnd} after the previous one).
     *
     * @return true if the history was full and its oldest boundary was merged into the base
     */
    public boolean add(int lane, long spanEnd, int delta) {
        if (delta == 0) {
            return false;
        }
        int h = lane * HISTORY;
        int n = count[lane];
        int newCum = currentDelta(lane) + delta;
        boolean merged = false;
        if (n == HISTORY) {
            base[lane] = cum[h];
            System.arraycopy(pos, h + 1, pos, h, HISTORY - 1);
            System.arraycopy(cum, h + 1, cum, h, HISTORY - 1);
            n--;
            merged = true;
        }
        pos[h + n] = (int) spanEnd;
        cum[h + n] = newCum;
        count[lane] = n + 1;
        return merged;
    }
    /** Longs {@link #exportLane} writes: {@code count << 32 | base}, then {@code pos << 32 | cum} per boundary. */
    public static final int EXPORT_LONGS = 1 + HISTORY;

    /** Copies one lane's history into {@code dst[off..off+EXPORT_LONGS)} (persistence, slow path). */
    public void exportLane(int lane, long[] dst, int off) {
        dst[off] = ((long) count[lane] << 32) | (base[lane] & 0xFFFF_FFFFL);
        int h = lane * HISTORY;
        for (int e = 0; e < HISTORY; e++) {
            dst[off + 1 + e] = ((long) pos[h + e] << 32) | (cum[h + e] & 0xFFFF_FFFFL);
        }
    }

    /**
     * The inverse of {@link #exportLane}. A count outside [0, {@value #HISTORY}] (a damaged record) leaves the lane
     * reset and returns false.
     */
    public boolean importLane(int lane, long[] src, int off) {
        int n = (int) (src[off] >> 32);
        if (n < 0 || n > HISTORY) {
            reset(lane);
            return false;
        }
        count[lane] = n;
        base[lane] = (int) src[off];
        int h = lane * HISTORY;
        for (int e = 0; e < HISTORY; e++) {
            pos[h + e] = (int) (src[off + 1 + e] >> 32);
            cum[h + e] = (int) src[off + 1 + e];
        }
        return true;
    }
}
