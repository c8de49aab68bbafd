package io.ftpalg.engine.ftp;

/**
 * State of the tracked FTP control connections, in primitive arrays sized once: a pool of sessions, each with two
 * lanes ({@code session * 2 + direction}) holding the in-order stream position, the line state, the bytes of a
 * held incomplete line, and a log of recent rewrites so that a retransmission can be rewritten identically.
 *
 * <p>Memory per session: {@code 2 * maxLine} bytes of held lines plus {@code 2 * LOG * (LOG_BYTES + 28)} bytes of
 * rewrite log (about 3 KB at the defaults); see README for the totals at the configured cap.
 */
public final class FtpSessions {
    /** Rewrites remembered per lane for retransmissions. */
    public static final int LOG = 8;
    /** Longest replacement text remembered (an EPRT span is at most 45 bytes). */
    public static final int LOG_BYTES = 64;

    static final int LINE_START = 0;
    static final int LINE_SKIP = 1;

    static final int F_AUTH_PENDING = 2;
    static final int F_PASV_PENDING = 4;
    static final int F_EPSV_PENDING = 8;
    /** The connection does not speak FTP (a line broke the syntax): nothing more is parsed. */
    static final int F_NOT_FTP = 16;
    /**
     * Attached by {@link FtpDetector} on a port that is not an ftp port: its lines are always syntax-checked,
     * whatever {@code ftp syntax-check} says.
     */
    static final int F_DETECTED = 32;
    /**
     * One side's RST was accepted (RFC 5961 section 3.2): neither end delivers anything more to its application,
     * so nothing more is read in either direction.
     */
    static final int F_RESET = 64;

    final int capacity;
    final int maxLine;

    final int[] flow;
    final int[] flags;
    private final int[] freeStack;
    private int freeTop;

    // ---- per lane ----
    final long[] next;
    /** The lane carried data past its SYN: a SYN seen again (late, or injected) no longer moves {@link #next}. */
    final boolean[] delivered;

    final int[] lineState;
    final int[] heldLen;
    final long[] heldSince;
    final byte[] held;

    final long[] logStart;
    final int[] logOldLen;
    final int[] logNewLen;
    final long[] logHash;
    final byte[] logBytes;
    final int[] logCount;
    /** End (original seq) of the newest rewrite that fell out of the log; valid when {@link #logForgot} is set. */
    final long[] logForgottenEnd;

    final boolean[] logForgot;
    /** The logged replacement is {@code logNewLen} bytes of 'X' (a masked or denied text), not stored bytes. */
    final boolean[] logFill;

    // ---- per lane: TLS (RFC 4217) ----
    /** After AUTH TLS/SSL was accepted: the lane carries TLS records, not lines. */
    final boolean[] opaque;
    /** Bytes of the current TLS record still to skip. */
    final int[] tlsSkip;
    /** TLS record boundaries were lost (a gap, a split header): the lane stays opaque for good. */
    final boolean[] tlsDesync;
    /** The lane sent a TLS alert record (type 21): a close_notify may have ended TLS (CCC). */
    final boolean[] tlsAlert;
    /** First bytes of a line that spans segments (passed on unheld), kept until its syntax can be judged. */
    static final int PREFIX = 12;

    final byte[] prefix;
    final int[] prefixLen;
    /** False while the current spanning line's syntax is still to be judged. */
    final boolean[] prefixChecked;
    /** Server lane: the code of the multi-line reply in progress ("ddd-"), or 0. */
    final int[] multiLineCode;
    /** Bytes of the current line forwarded in earlier segments (ftp max-command-line / max-reply-line). */
    final int[] lineBytes;
    /** Server lane: bytes of the current reply so far, all its lines (ftp max-reply). */
    final int[] replyBytes;

    public FtpSessions(int capacity, int maxLine) {
        this.capacity = capacity;
        this.maxLine = maxLine;
        int lanes = capacity * 2;
        flow = new int[capacity];
        java.util.Arrays.fill(flow, -1);
        flags = new int[capacity];
        freeStack = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            freeStack[i] = capacity - 1 - i;
        }
        freeTop = capacity;
        next = new long[lanes];
        delivered = new boolean[lanes];
        lineState = new int[lanes];
        heldLen = new int[lanes];
        heldSince = new long[lanes];
        held = new byte[lanes * maxLine];
        logStart = new long[lanes * LOG];
        logOldLen = new int[lanes * LOG];
        logNewLen = new int[lanes * LOG];
        logHash = new long[lanes * LOG];
        logBytes = new byte[lanes * LOG * LOG_BYTES];
        logCount = new int[lanes];
        logForgottenEnd = new long[lanes];
        logForgot = new boolean[lanes];
        logFill = new boolean[lanes * LOG];
        opaque = new boolean[lanes];
        tlsSkip = new int[lanes];
        tlsDesync = new boolean[lanes];
        tlsAlert = new boolean[lanes];
        multiLineCode = new int[lanes];
        lineBytes = new int[lanes];
        replyBytes = new int[lanes];
        prefix = new byte[lanes * PREFIX];
        prefixLen = new int[lanes];
        prefixChecked = new boolean[lanes];
    }

    /** Takes a session for a control flow, or returns -1 when all are in use. */
    public int allocate(int controlFlow) {
        if (freeTop == 0) {
            return -1;
        }
        int s = freeStack[--freeTop];
        flow[s] = controlFlow;
        flags[s] = 0;
        for (int lane = s * 2; lane < s * 2 + 2; lane++) {
            next[lane] = -1;
            delivered[lane] = false;
            lineState[lane] = LINE_START;
            heldLen[lane] = 0;
            logCount[lane] = 0;
            logForgot[lane] = false;
            opaque[lane] = false;
            tlsSkip[lane] = 0;
            tlsDesync[lane] = false;
            tlsAlert[lane] = false;
            multiLineCode[lane] = 0;
            lineBytes[lane] = 0;
            replyBytes[lane] = 0;
            prefixLen[lane] = 0;
            prefixChecked[lane] = true;
        }
        return s;
    }

    public void free(int s) {
        flow[s] = -1;
        freeStack[freeTop++] = s;
    }

    /**
     * After a restore ({@link FtpSessionRecords#restore}): the free list is every session whose flow is -1, the
     * lowest taken first as in a fresh pool.
     */
    public void rebuildFreeList() {
        freeTop = 0;
        for (int s = capacity - 1; s >= 0; s--) {
            if (flow[s] < 0) {
                freeStack[freeTop++] = s;
            }
        }
    }

    public int inUse() {
        return capacity - freeTop;
    }

    public int capacity() {
        return capacity;
    }

    /** True once a line showed that the connection does not speak FTP. */
    public boolean isNotFtp(int s) {
        return (flags[s] & F_NOT_FTP) != 0;
    }

    /**
     * Remembers a rewrite of {@code oldLen} bytes at original seq {@code start} by {@code text[off..off+len)}, or,
     * with {@code text == null}, by {@code len} bytes of 'X'.
     */
    void log(int lane, long start, int oldLen, long oldHash, byte[] text, int off, int len) {
        int n = logCount[lane];
        int base = lane * LOG;
        if (n == LOG) {
            logForgottenEnd[lane] = (logStart[base] + logOldLen[base]) & 0xFFFF_FFFFL;
            logForgot[lane] = true;
            System.arraycopy(logStart, base + 1, logStart, base, LOG - 1);
            System.arraycopy(logOldLen, base + 1, logOldLen, base, LOG - 1);
            System.arraycopy(logNewLen, base + 1, logNewLen, base, LOG - 1);
            System.arraycopy(logHash, base + 1, logHash, base, LOG - 1);
            System.arraycopy(logFill, base + 1, logFill, base, LOG - 1);
            System.arraycopy(logBytes, (base + 1) * LOG_BYTES, logBytes, base * LOG_BYTES, (LOG - 1) * LOG_BYTES);
            n--;
        }
        logStart[base + n] = start;
        logOldLen[base + n] = oldLen;
        logNewLen[base + n] = len;
        logHash[base + n] = oldHash;
        logFill[base + n] = text == null;
        if (text != null) {
            System.arraycopy(text, off, logBytes, (base + n) * LOG_BYTES, len);
        }
        logCount[lane] = n + 1;
    }

    /** FNV-1a over a byte range: identifies the original text of a rewritten span without storing it. */
    static long hash(byte[] b, int from, int to) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) {
            h ^= b[i] & 0xFF;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
