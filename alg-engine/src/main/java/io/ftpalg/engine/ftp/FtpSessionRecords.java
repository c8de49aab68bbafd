package io.ftpalg.engine.ftp;

/**
 * One FTP session of {@link FtpSessions} as a flat run of longs, for the state files (io.ftpalg.engine.state): the
 * same fields in the same order as the pool's arrays, session fields first, then lane 0 (client to server) and lane
 * 1 (server to client). Scalars take one long each; byte arrays (held line, rewrite log texts, line prefix) are
 * packed eight bytes to a long, big-endian.
 *
 * <pre>
 *   session: flow, flags
 *   lane:    next, lineState, heldLen, heldSince, logCount, logForgottenEnd, logForgot, opaque, tlsSkip,
 *            tlsDesync, tlsAlert, prefixLen, prefixChecked, multiLineCode, delivered, lineBytes, replyBytes,
 *            LOG x (logStart, logOldLen, logNewLen, logHash, logFill),
 *            held[maxLine], logBytes[LOG * LOG_BYTES], prefix[PREFIX]   (packed)
 * </pre>
 *
 * Slow path only: written when the state is synced, read once at start.
 */
public final class FtpSessionRecords {
    private static final int LANE_SCALARS = 17;

    private final FtpSessions sessions;
    private final int laneLongs;
    private final int longs;

    public FtpSessionRecords(FtpSessions sessions) {
        this.sessions = sessions;
        this.laneLongs = LANE_SCALARS
                + FtpSessions.LOG * 5
                + packed(sessions.maxLine)
                + packed(FtpSessions.LOG * FtpSessions.LOG_BYTES)
                + packed(FtpSessions.PREFIX);
        this.longs = 2 + 2 * laneLongs;
    }

    /** Longs per session record. */
    public int longs() {
        return longs;
    }

    private static int packed(int bytes) {
        return (bytes + 7) / 8;
    }

    /** Whether session {@code s} is in use (its control flow, or -1). */
    public int flow(int s) {
        return sessions.flow[s];
    }

    /** Writes session {@code s} into {@code dst[off..off+longs())}. */
    public void export(int s, long[] dst, int off) {
        FtpSessions p = sessions;
        int o = off;
        dst[o++] = p.flow[s];
        dst[o++] = p.flags[s];
        for (int lane = s * 2; lane < s * 2 + 2; lane++) {
            dst[o++] = p.next[lane];
            dst[o++] = p.lineState[lane];
            dst[o++] = p.heldLen[lane];
            dst[o++] = p.heldSince[lane];
            dst[o++] = p.logCount[lane];
            dst[o++] = p.logForgottenEnd[lane];
            dst[o++] = p.logForgot[lane] ? 1 : 0;
            dst[o++] = p.opaque[lane] ? 1 : 0;
            dst[o++] = p.tlsSkip[lane];
            dst[o++] = p.tlsDesync[lane] ? 1 : 0;
            dst[o++] = p.tlsAlert[lane] ? 1 : 0;
            dst[o++] = p.prefixLen[lane];
            dst[o++] = p.prefixChecked[lane] ? 1 : 0;
            dst[o++] = p.multiLineCode[lane];
            dst[o++] = p.delivered[lane] ? 1 : 0;
            dst[o++] = p.lineBytes[lane];
            dst[o++] = p.replyBytes[lane];
            for (int i = lane * FtpSessions.LOG; i < (lane + 1) * FtpSessions.LOG; i++) {
                dst[o++] = p.logStart[i];
                dst[o++] = p.logOldLen[i];
                dst[o++] = p.logNewLen[i];
                dst[o++] = p.logHash[i];
                dst[o++] = p.logFill[i] ? 1 : 0;
            }
            o = pack(p.held, lane * p.maxLine, p.maxLine, dst, o);
            int lb = FtpSessions.LOG * FtpSessions.LOG_BYTES;
            o = pack(p.logBytes, lane * lb, lb, dst, o);
            o = pack(p.prefix, lane * FtpSessions.PREFIX, FtpSessions.PREFIX, dst, o);
        }
    }

    /**
     * Reads session {@code s} back from {@code src[off..off+longs())} (a restore, before {@link
     * FtpSessions#rebuildFreeList}). Values out of range (a record the checksum passed but that no engine could
     * have written) leave the session free and return false.
     */
    public boolean restore(int s, long[] src, int off) {
        FtpSessions p = sessions;
        if (!valid(src, off)) {
            p.flow[s] = -1;
            return false;
        }
        int o = off;
        p.flow[s] = (int) src[o++];
        p.flags[s] = (int) src[o++];
        for (int lane = s * 2; lane < s * 2 + 2; lane++) {
            p.next[lane] = src[o++];
            p.lineState[lane] = (int) src[o++];
            p.heldLen[lane] = (int) src[o++];
            p.heldSince[lane] = src[o++];
            p.logCount[lane] = (int) src[o++];
            p.logForgottenEnd[lane] = src[o++];
            p.logForgot[lane] = src[o++] != 0;
            p.opaque[lane] = src[o++] != 0;
            p.tlsSkip[lane] = (int) src[o++];
            p.tlsDesync[lane] = src[o++] != 0;
            p.tlsAlert[lane] = src[o++] != 0;
            p.prefixLen[lane] = (int) src[o++];
            p.prefixChecked[lane] = src[o++] != 0;
            p.multiLineCode[lane] = (int) src[o++];
            p.delivered[lane] = src[o++] != 0;
            p.lineBytes[lane] = (int) src[o++];
            p.replyBytes[lane] = (int) src[o++];
            for (int i = lane * FtpSessions.LOG; i < (lane + 1) * FtpSessions.LOG; i++) {
                p.logStart[i] = src[o++];
                p.logOldLen[i] = (int) src[o++];
                p.logNewLen[i] = (int) src[o++];
                p.logHash[i] = src[o++];
                p.logFill[i] = src[o++] != 0;
            }
            o = unpack(src, o, p.held, lane * p.maxLine, p.maxLine);
            int lb = FtpSessions.LOG * FtpSessions.LOG_BYTES;
            o = unpack(src, o, p.logBytes, lane * lb, lb);
            o = unpack(src, o, p.prefix, lane * FtpSessions.PREFIX, FtpSessions.PREFIX);
        }
        return true;
    }

    /** Moves the session's held-line and log times by {@code shiftMs} (a wall clock that stepped back). */
    public void shiftTime(int s, long shiftMs) {
        for (int lane = s * 2; lane < s * 2 + 2; lane++) {
            if (sessions.heldLen[lane] > 0) {
                sessions.heldSince[lane] += shiftMs;
            }
        }
    }

    private boolean valid(long[] src, int off) {
        int o = off + 2;
        for (int lane = 0; lane < 2; lane++) {
            long heldLen = src[o + 2];
            long logCount = src[o + 4];
            long tlsSkip = src[o + 8];
            long prefixLen = src[o + 11];
            if (heldLen < 0
                    || heldLen > sessions.maxLine
                    || logCount < 0
                    || logCount > FtpSessions.LOG
                    || tlsSkip < 0
                    || tlsSkip > 0x1_0000 + 5
                    || prefixLen < 0
                    || prefixLen > FtpSessions.PREFIX) {
                return false;
            }
            for (int i = 0; i < FtpSessions.LOG; i++) {
                long newLen = src[o + LANE_SCALARS + i * 5 + 2];
                if (newLen < 0 || newLen > FtpSessions.LOG_BYTES) {
                    return false;
                }
            }
            o += laneLongs;
        }
        return true;
    }

    private static int pack(byte[] b, int from, int len, long[] dst, int o) {
        for (int i = 0; i < len; i += 8) {
            long v = 0;
            for (int k = 0; k < 8; k++) {
                v = (v << 8) | (i + k < len ? b[from + i + k] & 0xFF : 0);
            }
            dst[o++] = v;
        }
        return o;
    }

    private static int unpack(long[] src, int o, byte[] b, int from, int len) {
        for (int i = 0; i < len; i += 8) {
            long v = src[o++];
            for (int k = 0; k < 8; k++) {
                if (i + k < len) {
                    b[from + i + k] = (byte) (v >>> (56 - 8 * k));
                }
            }
        }
        return o;
    }
}
