package io.ftpalg.engine.ftp;

import io.ftpalg.engine.codec.Bytes;
import io.ftpalg.engine.flow.FlowTable;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.stats.Counters;

/**
 * Frames the in-order bytes of each lane of a control connection into what FTP means by them, so that the
 * negotiation in {@link FtpControl} is only ever handed a complete command or a complete reply:
 *
 * <ul>
 *   <li>Client lane: command lines, {@code VERB [SP args]} (RFC 959 section 4.1), judged by the RFC 959 syntax
 *       that tells FTP from a program that merely uses an FTP port.
 *   <li>Server lane: replies (RFC 959 section 4.2). A one-line reply {@code "227 text"} is a reply. A multi-line
 *       reply runs from {@code "211-text"} to the first line that starts with the same code and a space
 *       ({@code "211 End"}): that last line is the reply, every line before it is free text whatever it looks
 *       like. A server echoes what others choose into such text (STAT, HELP, SITE, a file or directory name in a
 *       211/213/250/257/550 reply), so a {@code "227 Entering Passive Mode (...)"} inside a {@code "211-"} block
 *       must never negotiate (through DNAT it would open an inside server's port to the outside).
 *
 *       <pre>
 *   211-FTP server status:                                         TEXT  (opens the block, code 211)
 *   227 Entering Passive Mode (192,0,2,20,117,48)                  TEXT  (inside the block)
 *   211 End of status                                              REPLY (closes it)
 * </pre>
 *
 *   <li>A lane after AUTH TLS (RFC 4217): TLS records (RFC 8446 section 5.1), walked so that a return to clear text
 *       after CCC is found exactly at a record boundary ({@link #tls}).
 * </ul>
 *
 * A line is framed exactly once: a complete line when the line scanner reaches its end, a line that spans segments
 * (passed on unheld) as soon as its first bytes decide it. The framing is tracked in every mode (lenient, strict,
 * with or without {@code ftp syntax-check}, for connections found by {@code ftp detect}); only what a syntax
 * failure leads to depends on the mode, and that is the caller's decision.
 */
final class ControlFramer {
    /** A line that negotiation may act on: a client's command, or the line that completes a server's reply. */
    static final int ACT = 0;
    /** Free text: the first or an inner line of a multi-line reply. */
    static final int TEXT = 1;
    /** Not FTP by RFC 959 syntax. */
    static final int BAD = 2;
    /** Not enough of a spanning line seen yet to say. */
    static final int UNDECIDED = 3;

    private final FtpSessions sessions;
    private final FlowTable flows;
    private final Counters counters;
    private final EventSink events;

    ControlFramer(FtpSessions sessions, FlowTable flows, Counters counters, EventSink events) {
        this.sessions = sessions;
        this.flows = flows;
        this.counters = counters;
        this.events = events;
    }

    /**
     * Frames {@code buf[from..to)}, a whole line without its line end ({@code complete}) or the first bytes of one,
     * in direction {@code dir} on {@code lane}, and moves the lane's multi-line reply state past it once decided.
     *
     * @return {@link #ACT}, {@link #TEXT}, {@link #BAD} or {@link #UNDECIDED} (only when not {@code complete})
     */
    int frame(byte[] buf, int dir, int lane, int from, int to, boolean complete) {
        if (dir == FlowTable.ORIGINAL) {
            return command(buf, from, to, complete);
        }
        if (!complete && to - from < 4) {
            return UNDECIDED;
        }
        int multi = sessions.multiLineCode[lane];
        int code = FtpCommands.replyCode(buf, from, to);
        if (multi != 0) {
            if (code == multi && FtpCommands.isFinalReply(buf, from, to)) {
                sessions.multiLineCode[lane] = 0;
                return ACT;
            }
            return TEXT;
        }
        if (code < 0) {
            return BAD;
        }
        if (FtpCommands.isMultiLineStart(buf, from, to)) {
            sessions.multiLineCode[lane] = code;
            return TEXT;
        }
        return ACT;
    }

    /**
     * RFC 959 section 4.1 command syntax: a verb of 3 or 4 letters followed by a space or the end of the line
     * (Telnet IAC sequences in front, as clients send before ABOR, are skipped; an empty line is let pass).
     */
    private static int command(byte[] buf, int from, int to, boolean complete) {
        int v = verbStart(buf, from, to);
        if (!complete && v == to - 1 && (buf[v] & 0xFF) == 0xFF) {
            return UNDECIDED; // a Telnet IAC whose command byte is in the next segment
        }
        int e = verbEnd(buf, from, to);
        int n = e - v;
        if (e == to && !complete) {
            return n > 4 ? BAD : UNDECIDED;
        }
        if (v == to) {
            return v == from || v - from >= 2 ? ACT : BAD;
        }
        return n >= 3 && n <= 4 && (e == to || buf[e] == ' ') ? ACT : BAD;
    }

    /** First byte of the verb, after any Telnet IAC (0xFF) two-byte sequences. */
    static int verbStart(byte[] buf, int from, int to) {
        int i = from;
        while (i + 1 < to && (buf[i] & 0xFF) == 0xFF) {
            i += 2;
        }
        return i;
    }

    /** End of the verb's letters. */
    static int verbEnd(byte[] buf, int from, int to) {
        int i = verbStart(buf, from, to);
        while (i < to && isLetter(buf[i] & 0xFF)) {
            i++;
        }
        return i;
    }

    static boolean isLetter(int c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }

    // ------------------------------------------------------------------------------------------------------------
    // TLS records (RFC 4217, RFC 8446 section 5.1)
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Follows the TLS record framing (type, version, 16-bit length) of an opaque lane, so that a return to clear
     * text after CCC (RFC 4217 section 12.3) is found exactly at a record boundary: the next byte there is a command
     * letter (client) or a reply digit (server) instead of a record type 20..23, after that side sent an alert
     * record (TLS 1.2 close_notify; TLS 1.3 hides alerts, and RFC 4217's CCC predates it, so a TLS 1.3 session stays
     * opaque).
     *
     * @return true when clear text resumes in this segment ({@code next} then points at its first byte)
     */
    boolean tls(PacketSlot s, int flow, int dir, int lane) {
        if (sessions.tlsDesync[lane]) {
            return false;
        }
        long next = sessions.next[lane];
        int len = s.payloadLength;
        int rel = (int) (s.seq - next);
        if (rel < 0 && rel + len <= 0) {
            return false; // a retransmission of records already walked
        }
        if (rel != 0) {
            tlsDesync(s, flow, lane);
            return false;
        }
        byte[] b = s.data;
        int po = s.payloadOffset;
        int pos = 0;
        int skip = sessions.tlsSkip[lane];
        while (pos < len) {
            if (skip > 0) {
                int n = Math.min(skip, len - pos);
                pos += n;
                skip -= n;
                continue;
            }
            int t = b[po + pos] & 0xFF;
            if (t >= 20 && t <= 23) {
                if (pos + 5 > len || b[po + pos + 1] != 3) {
                    tlsDesync(s, flow, lane);
                    return false;
                }
                if (t == 21) {
                    sessions.tlsAlert[lane] = true;
                }
                skip = 5 + Bytes.u16(b, po + pos + 3);
                continue;
            }
            // Clear text counts only after this side sent an alert (its close_notify): bytes that merely look like
            // a command right after AUTH TLS, or between records, are not read.
            boolean clear = dir == FlowTable.ORIGINAL ? isLetter(t) : t >= '0' && t <= '9';
            if (!clear || !sessions.tlsAlert[lane]) {
                tlsDesync(s, flow, lane);
                return false;
            }
            sessions.opaque[lane] = false;
            sessions.tlsSkip[lane] = 0;
            sessions.next[lane] = (s.seq + pos) & 0xFFFF_FFFFL;
            sessions.lineState[lane] = FtpSessions.LINE_START;
            sessions.heldLen[lane] = 0;
            sessions.multiLineCode[lane] = 0;
            counters.inc(Counter.FTP_TLS_CLEARTEXT_RESUMED);
            if (events.enabled()) {
                events.notice(
                        s.timestampNanos,
                        "ftps-cleartext",
                        flows.describe(flow, FlowTable.ORIGINAL),
                        (dir == FlowTable.ORIGINAL ? "client" : "server")
                                + " returned to clear text after TLS (CCC): its lines are read again");
            }
            return true;
        }
        sessions.tlsSkip[lane] = skip;
        sessions.next[lane] = (next + len) & 0xFFFF_FFFFL;
        return false;
    }

    /** TLS record boundaries are lost for good on this lane: it stays opaque. */
    void tlsDesync(PacketSlot s, int flow, int lane) {
        sessions.tlsDesync[lane] = true;
        counters.inc(Counter.FTP_TLS_DESYNC);
        if (events.enabled()) {
            events.notice(
                    s.timestampNanos,
                    "ftps-desync",
                    flows.describe(flow, FlowTable.ORIGINAL),
                    "TLS record boundaries lost (gap or split header): the lane stays opaque for the rest of the"
                            + " connection");
        }
    }
}
