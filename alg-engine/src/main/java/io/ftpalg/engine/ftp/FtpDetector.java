package io.ftpalg.engine.ftp;

import io.ftpalg.engine.codec.Checksum;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.FtpConfig;
import io.ftpalg.engine.config.FtpDetect;
import io.ftpalg.engine.flow.FlowTable;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.stats.Counter;

/**
 * Recognises FTP on a port that is not an {@code ftp ports} port ({@code ftp detect}), from the first exchange of
 * a new TCP connection, and only from that: one entry point, {@link #inspect}, called for each segment of a
 * connection still being inspected (flow state bit {@code FTP_DETECT}), before anything in it is interpreted.
 *
 * <h2>What makes a connection FTP</h2>
 *
 * <pre>
 *   server ─► "220 (vsFTPd 3.0.3)\r\n"                         the server's FIRST bytes: a 220 greeting
 *             "220-Welcome\r\n" ... "220 ready\r\n"             (or a multi-line one, RFC 959 section 4.2)
 *   client ─► "USER anonymous\r\n"                              then the client's FIRST bytes: a whitelisted
 *                                                               command, RFC 959 section 4.1 syntax
 * </pre>
 *
 * In that order, and nothing else: every byte of both directions from the SYN on is checked, in sequence, by a
 * byte-at-a-time automaton (a line split over any number of segments is followed without buffering it). The
 * connection is attached to an FTP session only when the client's first line has ended; the caller then hands the
 * same segment to {@link FtpControl}, which reads the rest of the connection exactly as on port 21 (the first
 * command included when the segment holds all of it: {@code AUTH TLS} then makes the connection opaque as
 * usual). Nothing was rewritten before, so sequence adjustment starts at zero offset.
 *
 * <p>It is not FTP, for the rest of the connection (no further inspection, no later switch into FTP), if:
 *
 * <ul>
 *   <li>the client sends anything before the greeting's last line has ended: a client that speaks first (HTTP,
 *       TLS, a browser made to talk to this port) is not an FTP client; this is the NAT-slipstreaming defence;
 *   <li>the server's first bytes are not {@code 220} then space or '-', a greeting line is not ended by CRLF (a
 *       bare LF or CR is refused: LineBasedFrameDecoder's smuggling warning), holds a control character, is
 *       longer than {@code ftp max-line}, or the greeting has more than {@link #MAX_GREETING_LINES} lines;
 *   <li>the server sends more after its greeting before the client's first command;
 *   <li>the client's first line is not one of {@link #FIRST_COMMANDS} (SMTP's {@code EHLO}, HTTP's {@code GET}),
 *       in 3 or 4 letters followed by a space or CRLF (letters of either case, RFC 959 section 5.3), or it ends
 *       like an HTTP request line (contains {@code HTTP/}: a browser's custom method {@code USER / HTTP/1.1});
 *   <li>the first bytes of a direction cannot be seen in order: data beyond a gap, data on a SYN (TCP Fast Open),
 *       data before the handshake, or a FIN/RST before the decision (counted as undecided).
 * </ul>
 *
 * Segments with a bad TCP checksum are skipped (the receiver discards them too), so a forged segment cannot
 * make the gateway see a greeting that the client never does. Cost: only the first bytes of each direction of
 * new connections to a detect port are read; state is 5 ints per flow, allocated only when detection is on.
 */
public final class FtpDetector {
    /**
     * The commands an FTP client may open with: USER (RFC 959), AUTH (RFC 2228/4217, before USER for FTPS), FEAT
     * and OPTS (RFC 2389, lftp opens with FEAT, OPTS UTF8 ON), HOST (RFC 7151, before USER), SYST, CLNT. Left out
     * on purpose: commands other protocols open with or share (SMTP's HELO/EHLO, NOOP, HELP, QUIT, RSET), and
     * anything that is no first command (PASS, PORT...).
     */
    static final String[] FIRST_COMMANDS = {"USER", "AUTH", "FEAT", "OPTS", "HOST", "SYST", "CLNT"};

    /** {@link #FIRST_COMMANDS} packed one letter per byte, as {@link #client} accumulates a verb. */
    private static final int[] FIRST_VERBS = new int[FIRST_COMMANDS.length];

    static {
        for (int i = 0; i < FIRST_COMMANDS.length; i++) {
            for (int k = 0; k < FIRST_COMMANDS[i].length(); k++) {
                FIRST_VERBS[i] = FIRST_VERBS[i] << 8 | FIRST_COMMANDS[i].charAt(k);
            }
        }
    }

    /** Lines a multi-line greeting may have (banners of 20-30 lines exist); more is not a greeting. */
    static final int MAX_GREETING_LINES = 64;

    // Automaton phases (low 4 bits of a lane's state word).
    private static final int WAIT_SYN = 0;
    /** Server: at "220"; the line's bytes so far are counted in the length field. */
    private static final int S_CODE = 1;
    /** Server: text of the greeting's last line (after "220 "). */
    private static final int S_TEXT_LAST = 2;
    /** Server: text of a line of a multi-line greeting (after "220-", or any inner line). */
    private static final int S_TEXT_MORE = 3;
    /** Server: a line of a multi-line greeting that still starts like "220". */
    private static final int S_INNER_CODE = 4;
    /** Server: CR seen; LF must follow (flag LAST tells whether the greeting then ends). */
    private static final int S_LF = 5;
    /** Server: greeting complete; no more server bytes allowed before the client's first line. */
    private static final int S_DONE = 6;
    /** Client: the verb. */
    private static final int C_VERB = 7;
    /** Client: the argument. */
    private static final int C_ARG = 8;
    /** Client: CR seen, LF must follow. */
    private static final int C_LF = 9;

    // State word: phase (4 bits) | line length (16 bits) << 4 | aux (8 bits) << 20 | LAST flag.
    private static final int LEN_SHIFT = 4;
    private static final int LEN_MASK = 0xFFFF;
    private static final int AUX_SHIFT = 20;
    private static final int AUX_MASK = 0xFF;
    /** Server S_LF: the line being ended is the greeting's last. */
    private static final int LAST = 1 << 28;

    private static final byte[] HTTP = {'H', 'T', 'T', 'P', '/'};

    private final int maxLine;
    private final boolean verifyChecksum;
    /** One bit per server port: detection applies (65536 bits). */
    private final long[] ports = new long[1024];

    // Per flow, per lane (flow * 2 + direction): next expected sequence number (low 32 bits), automaton state.
    private final int[] next;
    private final int[] state;
    /** Per flow: the client's verb, upper case, one letter per byte. */
    private final int[] verb;

    // Results of the last attaching inspect(), read by attach().
    private long clientFrom;
    private boolean clientMidLine;
    private boolean clientAuth;

    /** Detection for flows {@code 0..flowCapacity-1}; {@code config.detect()} must be enabled. */
    public FtpDetector(FtpConfig config, int flowCapacity) {
        FtpDetect d = config.detect();
        for (FtpDetect.Range r : d.ranges()) {
            for (int p = r.lo(); p <= r.hi(); p++) {
                ports[p >>> 6] |= 1L << p;
            }
        }
        this.maxLine = Math.min(config.maxLine(), LEN_MASK);
        this.verifyChecksum = config.verifyChecksum();
        this.next = new int[flowCapacity * 2];
        this.state = new int[flowCapacity * 2];
        this.verb = new int[flowCapacity];
    }

    /** True when FTP is looked for on server port {@code port}. */
    public boolean covers(int port) {
        return (ports[port >>> 6] & (1L << port)) != 0;
    }

    /** Starts inspecting {@code flow}, whose first segment (a SYN from the client) is being processed. */
    public void start(int flow) {
        state[flow * 2] = WAIT_SYN;
        state[flow * 2 + 1] = WAIT_SYN;
        verb[flow] = 0;
    }

    /**
     * Follows one segment of a flow under inspection, travelling in {@code dir} (ORIGINAL: client to server).
     *
     * @return null to go on inspecting; {@link Counter#FTP_DETECT_ATTACHED} when this segment ended the client's
     *     first line (call {@link #attach} next); otherwise the reason the connection is not FTP
     */
    public Counter inspect(PacketSlot s, int flow, int dir) {
        int lane = flow * 2 + dir;
        int flags = s.tcpFlags;
        if ((flags & TcpHeader.SYN) != 0) {
            if (s.payloadLength > 0) {
                return Counter.FTP_DETECT_UNDECIDED; // TCP Fast Open data: sent before any greeting
            }
            if (phase(state[lane]) != WAIT_SYN) {
                // A retransmitted SYN changes nothing; one with another ISN would restart the stream.
                return next[lane] == (int) (s.seq + 1) ? null : Counter.FTP_DETECT_UNDECIDED;
            }
            next[lane] = (int) (s.seq + 1);
            state[lane] = dir == FlowTable.ORIGINAL ? C_VERB : S_CODE;
            return null;
        }
        if ((flags & TcpHeader.RST) != 0) {
            return Counter.FTP_DETECT_UNDECIDED;
        }
        int len = s.payloadLength;
        if (len > 0) {
            int st = state[lane];
            if (phase(st) == WAIT_SYN) {
                return Counter.FTP_DETECT_UNDECIDED; // data before this side's SYN was seen
            }
            if (dir == FlowTable.ORIGINAL && phase(state[lane + 1]) != S_DONE) {
                return Counter.FTP_DETECT_NOT_FTP_CLIENT_FIRST;
            }
            int rel = (int) s.seq - next[lane];
            if (rel > 0) {
                return Counter.FTP_DETECT_UNDECIDED; // the bytes in between were not seen
            }
            if (rel + len > 0) {
                if (verifyChecksum && !Checksum.verifyL4(s)) {
                    // The receiver drops it too; the sender retransmits. With 'ftp verify-checksum no' (and in
                    // 'ftp-alg analyze', whose captures taken on a sending host carry checksums the NIC fills in
                    // later) it is inspected: detection attaches a connection, it never opens a pinhole, and
                    // FtpControl still reads no segment with a bad checksum.
                    return null;
                }
                Counter c = dir == FlowTable.ORIGINAL
                        ? client(s.data, s.payloadOffset - rel, s.payloadOffset + len, flow, lane)
                        : server(s.data, s.payloadOffset - rel, s.payloadOffset + len, lane);
                if (c != null) {
                    return c;
                }
            }
        }
        if ((flags & TcpHeader.FIN) != 0) {
            return Counter.FTP_DETECT_UNDECIDED;
        }
        return null;
    }

    /**
     * Gives the session of a connection that {@link #inspect} just recognised its starting point: the client's
     * stream from the first byte of the segment being processed (at a line start, or inside the first command
     * when that began in an earlier segment), the server's right after its greeting.
     */
    public void attach(FtpSessions sessions, int session, int flow) {
        int c = session * 2 + FlowTable.ORIGINAL;
        int sv = session * 2 + FlowTable.REPLY;
        sessions.flags[session] |= FtpSessions.F_DETECTED;
        sessions.next[c] = clientFrom;
        sessions.lineState[c] = clientMidLine ? FtpSessions.LINE_SKIP : FtpSessions.LINE_START;
        if (clientMidLine && clientAuth) {
            // FtpControl will not see the AUTH line's start: it waits for the 234 as if it had read it.
            sessions.flags[session] |= FtpSessions.F_AUTH_PENDING;
        }
        sessions.next[sv] = next[flow * 2 + FlowTable.REPLY] & 0xFFFF_FFFFL;
        sessions.lineState[sv] = FtpSessions.LINE_START;
        // Both sides spoke (the greeting, the first command): a SYN seen again must not move either stream.
        sessions.delivered[c] = true;
        sessions.delivered[sv] = true;
    }

    /** Feeds server bytes {@code b[from..to)}; returns a verdict, or null to go on. */
    private Counter server(byte[] b, int from, int to, int lane) {
        int st = state[lane];
        int ph = phase(st);
        int n = length(st);
        int lines = aux(st);
        boolean last = (st & LAST) != 0;
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xFF;
            switch (ph) {
                case S_CODE, S_INNER_CODE -> {
                    // "220" then ' ' (last line) or '-' (more follow); an inner line that does not start so is text.
                    boolean first = ph == S_CODE;
                    if (n < 3 && c == "220".charAt(n)) {
                        n++;
                    } else if (n == 3 && c == ' ') {
                        ph = S_TEXT_LAST;
                        n++;
                    } else if (n == 3 && c == '-' && first) {
                        ph = S_TEXT_MORE;
                        n++;
                    } else if (first) {
                        return Counter.FTP_DETECT_NOT_FTP_GREETING;
                    } else {
                        ph = S_TEXT_MORE;
                        i--; // judge this byte as text
                    }
                }
                case S_TEXT_LAST, S_TEXT_MORE -> {
                    if (c == '\r') {
                        last = ph == S_TEXT_LAST;
                        ph = S_LF;
                    } else if (!text(c) || ++n > maxLine) {
                        return Counter.FTP_DETECT_NOT_FTP_GREETING;
                    }
                }
                case S_LF -> {
                    if (c != '\n') {
                        return Counter.FTP_DETECT_NOT_FTP_GREETING;
                    }
                    if (last) {
                        ph = S_DONE;
                    } else if (++lines >= MAX_GREETING_LINES) {
                        return Counter.FTP_DETECT_NOT_FTP_GREETING;
                    } else {
                        ph = S_INNER_CODE;
                    }
                    n = 0;
                }
                default -> {
                    // S_DONE: the server speaks again before the client's first command.
                    return Counter.FTP_DETECT_NOT_FTP_GREETING;
                }
            }
        }
        next[lane] += to - from;
        state[lane] = ph | n << LEN_SHIFT | lines << AUX_SHIFT | (last ? LAST : 0);
        return null;
    }

    /** Feeds client bytes {@code b[from..to)}; returns a verdict, or null to go on. */
    private Counter client(byte[] b, int from, int to, int flow, int lane) {
        int st = state[lane];
        int ph = phase(st);
        int n = length(st);
        int http = aux(st);
        int v = verb[flow];
        long segmentFrom = next[lane] & 0xFFFF_FFFFL;
        boolean midLine = n > 0;
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xFF;
            n++;
            switch (ph) {
                case C_VERB -> {
                    if (isLetter(c) && n <= 4) {
                        v = v << 8 | (c & ~0x20);
                    } else if ((c == ' ' || c == '\r') && n >= 4 && firstCommand(v)) {
                        ph = c == ' ' ? C_ARG : C_LF;
                    } else {
                        return Counter.FTP_DETECT_NOT_FTP_COMMAND;
                    }
                }
                case C_ARG -> {
                    if (c == '\r') {
                        ph = C_LF;
                    } else if (!text(c) || n > maxLine) {
                        return Counter.FTP_DETECT_NOT_FTP_COMMAND;
                    } else {
                        // Match "HTTP/" anywhere in the argument (no proper prefix of it recurs inside it).
                        int u = isLetter(c) ? c & ~0x20 : c;
                        http = u == HTTP[http] ? http + 1 : (u == 'H' ? 1 : 0);
                        if (http == HTTP.length) {
                            return Counter.FTP_DETECT_NOT_FTP_COMMAND;
                        }
                    }
                }
                default -> {
                    // C_LF
                    if (c != '\n') {
                        return Counter.FTP_DETECT_NOT_FTP_COMMAND;
                    }
                    clientFrom = segmentFrom;
                    clientMidLine = midLine;
                    clientAuth = v == ('A' << 24 | 'U' << 16 | 'T' << 8 | 'H');
                    return Counter.FTP_DETECT_ATTACHED;
                }
            }
        }
        next[lane] += to - from;
        state[lane] = ph | n << LEN_SHIFT | http << AUX_SHIFT;
        verb[flow] = v;
        return null;
    }

    /** Greeting and command text: printable ASCII, TAB, or 8-bit (UTF-8, RFC 2640); no other control byte. */
    private static boolean text(int c) {
        return c >= 0x20 && c != 0x7F || c == '\t';
    }

    private static boolean isLetter(int c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }

    private static boolean firstCommand(int v) {
        for (int w : FIRST_VERBS) {
            if (w == v) {
                return true;
            }
        }
        return false;
    }

    private static int phase(int st) {
        return st & 0xF;
    }

    private static int length(int st) {
        return st >>> LEN_SHIFT & LEN_MASK;
    }

    private static int aux(int st) {
        return st >>> AUX_SHIFT & AUX_MASK;
    }
}
