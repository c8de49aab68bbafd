package io.ftpalg.engine.ftp;

import io.ftpalg.engine.codec.Bytes;
import io.ftpalg.engine.codec.Checksum;
import io.ftpalg.engine.codec.Ipv4Header;
import io.ftpalg.engine.codec.Ipv6Header;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.FtpConfig;
import io.ftpalg.engine.flow.FlowState;
import io.ftpalg.engine.flow.FlowTable;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.seqadj.SeqAdjust;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.stats.Counters;
import java.nio.charset.StandardCharsets;

/**
 * The FTP ALG proper: follows the byte stream of each direction of a control connection, finds the lines that
 * announce data endpoints, has them rewritten, and keeps sequence numbers consistent afterwards. One entry
 * point, {@link #process}, called for every TCP segment of a tracked control connection before NAT rewrites its
 * headers.
 *
 * <h2>Where commands are recognised</h2>
 *
 * Only at line starts of the in-order stream (RFC 959 section 4.1: a command or reply is a line ending in CRLF),
 * in the right direction: PORT/EPRT from the client (RFC 959 4.1.2, RFC 2428 2), 227/229 from the server (RFC 959
 * 4.2, RFC 2428 3), AUTH from the client and its 234 answer (RFC 4217 4). A line start is: the first byte after
 * the SYN, or the byte after an LF. A bare LF ends a line, as it does for Linux and most servers; CR before it is
 * not part of the line.
 *
 * <h2>Segments that arrive out of order, split lines, retransmissions</h2>
 *
 * <ul>
 *   <li>A segment beyond the next expected byte (a gap) is dropped: its bytes cannot be interpreted until the gap
 *       is filled, and forwarding them unparsed could deliver a PORT unrewritten. The sender retransmits.
 *   <li>A segment that ends inside a line that may be a PORT/EPRT/227/229/234 (the bytes so far are a prefix of
 *       one) is cut back to the last complete line; the incomplete tail is <em>held</em> (at most
 *       {@code ftp max-line} bytes) and goes out in front of the next segment once its line is complete, rewritten
 *       across the segment boundary if it must be. A held line that is not completed within
 *       {@code ftp hold-timeout} is released unparsed on the next segment, and a FIN releases it at once. Linux
 *       drops such segments and can stall for ever; we never drop data, we delay at most one line.
 *   <li>A retransmission of bytes already forwarded gets exactly the same rewrites and the same sequence shift
 *       as the first time (the rewrite log and {@link SeqAdjust}); one that splits a rewritten span or carries
 *       different bytes where a rewrite was is dropped and counted rather than forwarded inconsistently.
 * </ul>
 */
public final class FtpControl {
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final FtpSessions sessions;
    private final SeqAdjust seqAdjust;
    private final FlowTable flows;
    private final FtpConfig config;
    private final FtpNegotiator negotiator;
    private final Counters counters;
    private final EventSink events;
    private final ControlFramer framer;

    /** Output payload under construction. */
    private final byte[] out;
    /** Held bytes followed by new bytes: the region the line scanner reads. */
    private final byte[] work;

    private final byte[] text = new byte[FtpSessions.LOG_BYTES];
    private final FtpEndpoint announced = new FtpEndpoint();
    private final FtpEndpoint rewriteTo = new FtpEndpoint();
    private int outLen;
    /** Bytes the output of the current segment may take: what the slot and IP's 16-bit length leave. */
    private int outRoom;
    /** Length-changing rewrites made in the current segment. */
    private int segmentRewrites;
    /** Length of the work area of the current segment (held bytes + new bytes). */
    private int workLen;

    public FtpControl(
            FtpSessions sessions,
            SeqAdjust seqAdjust,
            FlowTable flows,
            FtpConfig config,
            FtpNegotiator negotiator,
            Counters counters,
            EventSink events,
            int slotCapacity) {
        this.sessions = sessions;
        this.seqAdjust = seqAdjust;
        this.flows = flows;
        this.config = config;
        this.negotiator = negotiator;
        this.counters = counters;
        this.events = events;
        this.framer = new ControlFramer(sessions, flows, counters, events);
        // Output is held bytes plus a segment's payload, plus growth that outRoom bounds: as large as the work area.
        this.out = new byte[slotCapacity + sessions.maxLine];
        this.work = new byte[slotCapacity + sessions.maxLine];
    }

    /**
     * Processes one segment of control flow {@code flow} travelling in {@code dir}.
     *
     * @return null to forward the (possibly rewritten) segment, {@link Counter#FTP_LINES_HELD} when its bytes are
     *     all held, or the drop counter
     */
    public Counter process(PacketSlot s, int flow, int dir, int session, long nowMs) {
        int lane = session * 2 + dir;
        int otherLane = session * 2 + (1 - dir);
        int flags = s.tcpFlags;
        boolean read;
        // Only bytes the receiving TCP will deliver to its application are read (RFC 9293 section 3.10.7.4); the
        // others are forwarded (or dropped) unparsed, so nothing in them can negotiate.
        if ((flags & TcpHeader.SYN) != 0) {
            syn(s, lane);
            read = false;
        } else if ((flags & TcpHeader.RST) != 0) {
            // Data on a RST is never delivered; an accepted RST (RFC 5961 section 3.2: at the receiver's next
            // expected byte) ends delivery in both directions.
            if (s.payloadLength > 0) {
                counters.inc(Counter.FTP_UNDELIVERED_NOT_PARSED);
            }
            if (resetAccepted(s, flow, dir, lane)) {
                sessions.flags[session] |= FtpSessions.F_RESET;
                int held = sessions.heldLen[lane];
                if (held > 0 && (int) (s.seq - sessions.next[lane]) >= 0) {
                    // The held bytes never reached the receiver and now never will: it expects them next, so the
                    // RST goes at their start, where the receiver accepts it, instead of after them.
                    long at = (sessions.next[lane] - held) & 0xFFFF_FFFFL;
                    setField32(s, s.l4Offset + TcpHeader.SEQ_OFFSET, at);
                    s.seq = at;
                    sessions.heldLen[lane] = 0;
                }
            }
            read = false;
        } else if ((sessions.flags[session] & FtpSessions.F_RESET) != 0) {
            if (s.payloadLength > 0) {
                counters.inc(Counter.FTP_UNDELIVERED_NOT_PARSED);
            }
            read = false;
        } else if ((flags & TcpHeader.ACK) == 0) {
            // On a synchronized connection every segment carries ACK; the receiver drops one without it.
            return Counter.DROP_FTP_NO_ACK;
        } else if (sessions.heldLen[lane] > 0
                && (s.payloadLength > 0 || heldFin(s, lane))
                && (sessions.opaque[lane] || sessions.isNotFtp(session))) {
            // A line was held when the connection stopped being read (a line of the other side showed it is not
            // FTP, or its 234 made this lane opaque): the held bytes go out unparsed in front of this segment, or
            // with this FIN, instead of being left out of the stream for good.
            read = true;
        } else if (sessions.opaque[lane]) {
            read = s.payloadLength > 0 && framer.tls(s, flow, dir, lane) && !sessions.isNotFtp(session);
        } else {
            read = (s.payloadLength > 0 || heldFin(s, lane)) && !sessions.isNotFtp(session) && sessions.next[lane] >= 0;
        }
        if (read) {
            Counter verdict = parse(s, flow, dir, session, lane, nowMs);
            if (verdict != null) {
                return verdict;
            }
        }
        translate(s, lane, otherLane);
        return null;
    }

    /** True once the session's control connection was reset (an accepted RST, or a line-limit reset). */
    public boolean isReset(int session) {
        return (sessions.flags[session] & FtpSessions.F_RESET) != 0;
    }

    /**
     * A SYN (or SYN-ACK) starts the lane's stream at ISN + 1, but only while the lane has carried no data: a late
     * retransmission arriving after data (a lossy or reordering path), or a SYN injected into a synchronized
     * connection, must never move the stream back (every later segment would look beyond a gap and be dropped:
     * the session would wedge for good). The receiving TCP ignores it too (RFC 9293 3.10.7.4, RFC 5961 4).
     */
    private void syn(PacketSlot s, int lane) {
        long start = (s.seq + 1) & 0xFFFF_FFFFL;
        if (sessions.next[lane] >= 0 && sessions.delivered[lane]) {
            if (start != sessions.next[lane]) {
                counters.inc(Counter.FTP_LATE_SYN_IGNORED);
            }
            return;
        }
        sessions.next[lane] = start;
        sessions.lineState[lane] = FtpSessions.LINE_START;
        sessions.heldLen[lane] = 0;
    }

    /** {@link #resetAccepted} for the engine, before the segment moves the flow's TCP state. */
    public boolean resetAcceptable(PacketSlot s, int flow, int dir, int session) {
        return resetAccepted(s, flow, dir, session * 2 + dir);
    }

    /**
     * True if the receiver accepts this RST (RFC 5961 section 3.2): its sequence number is the next byte the
     * receiver expects, which is anywhere from the start of a held line (not yet delivered) to the end of what
     * the sender has sent. A blind RST elsewhere gets only a challenge ACK and leaves the connection alive, so it
     * must not stop the ALG either. A lane whose stream is not followed accepts any RST.
     */
    private boolean resetAccepted(PacketSlot s, int flow, int dir, int lane) {
        long next = sessions.next[lane];
        if (next < 0) {
            return true;
        }
        int rel = (int) (s.seq - next);
        // A FIN this side sent takes one sequence number after its last byte: a RST after it comes at next + 1.
        int fin = (flows.state(flow) & (dir == FlowTable.ORIGINAL ? FlowState.FIN_ORIGINAL : FlowState.FIN_REPLY)) != 0
                ? 1
                : 0;
        return rel <= fin && rel >= -sessions.heldLen[lane];
    }

    /**
     * Verifies the checksum of a segment about to be read, then reads it. A segment with a bad checksum is never
     * read, whatever {@code ftp verify-checksum} says: the receiver discards it, so nothing in it may negotiate
     * or move the stream. {@code verify-checksum yes} drops it; {@code no} forwards it unparsed, its headers
     * updated incrementally so that its checksum stays exactly as wrong as it came (never laundered into a
     * valid one), and the receiver still drops it.
     */
    private Counter parse(PacketSlot s, int flow, int dir, int session, int lane, long nowMs) {
        if (!Checksum.verifyL4(s)) {
            if (config.verifyChecksum()) {
                return Counter.DROP_TCP_BAD_CHECKSUM;
            }
            counters.inc(Counter.FTP_BAD_CHECKSUM_NOT_PARSED);
            return null;
        }
        return stream(s, flow, dir, session, lane, nowMs);
    }

    /** A FIN with no data while a line is held: it carries the held bytes out, unparsed. */
    private boolean heldFin(PacketSlot s, int lane) {
        return (s.tcpFlags & TcpHeader.FIN) != 0 && sessions.heldLen[lane] > 0;
    }

    /** Shifts this segment's seq by its lane's history and maps its ack and SACK edges through the other lane's. */
    private void translate(PacketSlot s, int lane, int otherLane) {
        byte[] b = s.data;
        int tcp = s.l4Offset;
        if (seqAdjust.active(lane)) {
            long seq = (s.seq + seqAdjust.seqDelta(lane, s.seq)) & 0xFFFF_FFFFL;
            setField32(s, tcp + TcpHeader.SEQ_OFFSET, seq);
        }
        if (seqAdjust.active(otherLane)) {
            if ((s.tcpFlags & TcpHeader.ACK) != 0) {
                setField32(s, tcp + TcpHeader.ACK_OFFSET, seqAdjust.mapAck(otherLane, s.ack));
            }
            for (int i = 0; i < s.sackBlocks; i++) {
                int edge = s.sackOffset + i * 8;
                setField32(s, edge, seqAdjust.mapAck(otherLane, Bytes.u32(b, edge)));
                setField32(s, edge + 4, seqAdjust.mapAck(otherLane, Bytes.u32(b, edge + 4)));
            }
        }
    }

    private static void setField32(PacketSlot s, int off, long value) {
        byte[] b = s.data;
        long old = Bytes.u32(b, off);
        if (old == value) {
            return;
        }
        Bytes.u32(b, off, value);
        if (!s.l4Dirty) {
            int ck = s.l4Offset + TcpHeader.CHECKSUM_OFFSET;
            Bytes.u16(b, ck, Checksum.update32(Bytes.u16(b, ck), old, value));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // The in-order stream
    // ------------------------------------------------------------------------------------------------------------

    private Counter stream(PacketSlot s, int flow, int dir, int session, int lane, long nowMs) {
        byte[] b = s.data;
        int po = s.payloadOffset;
        int len = s.payloadLength;
        long seq = s.seq;
        long next = sessions.next[lane];
        int heldLen = sessions.heldLen[lane];
        long heldStart = (next - heldLen) & 0xFFFF_FFFFL;

        int rel = (int) (seq - next);
        if (rel > 0) {
            return Counter.DROP_FTP_OUT_OF_ORDER;
        }
        int newFrom = -rel; // payload index of the first byte never seen before
        int newBytes = len - newFrom;
        int oldLen = Math.max(0, Math.min(len, (int) (heldStart - seq))); // already forwarded bytes
        boolean fin = (s.tcpFlags & TcpHeader.FIN) != 0;
        boolean release = fin || (heldLen > 0 && nowMs - sessions.heldSince[lane] >= config.holdTimeoutMs());

        outLen = 0;
        segmentRewrites = 0;
        outRoom = Math.min(out.length, Math.min(s.capacity() - po, 65535 - (s.l3Length - s.payloadLength)));
        if (oldLen > 0) {
            Counter c = replayOld(lane, b, po, oldLen, seq);
            if (c != null) {
                return c;
            }
        }
        // Held bytes go out only in a segment that reaches them: one of new bytes (it ends past the held line), a
        // FIN at its end, or a retransmission that covers the start of the held line. An old retransmission that
        // ends before it (a far older range) must not carry them: they would be written at that segment's sequence
        // numbers, where the receiver discards them as duplicates, and the stream would have a hole for good.
        boolean lineRegion = newBytes > 0 || (release && heldLen > 0 && (int) (seq + len - heldStart) >= 0);
        if (lineRegion) {
            int lane0 = lane * sessions.maxLine;
            System.arraycopy(sessions.held, lane0, work, 0, heldLen);
            int wl = heldLen;
            if (newBytes > 0) {
                System.arraycopy(b, po + newFrom, work, wl, newBytes);
                wl += newBytes;
            }
            limitHit = false;
            scanLines(s, flow, dir, session, lane, heldStart, wl, release, nowMs);
            if (limitHit) {
                limitSeq = heldStart;
                sessions.flags[session] |= FtpSessions.F_RESET;
                return Counter.FTP_LINE_LIMIT_RESET;
            }
            if (newBytes > 0) {
                sessions.next[lane] = (next + newBytes) & 0xFFFF_FFFFL;
                sessions.delivered[lane] = true;
            }
        } else if (oldLen == 0) {
            return heldLen > 0 ? Counter.DROP_FTP_HELD_RETRANSMIT : null;
        }
        if (outLen == 0) {
            // All of it held: scanLines counted the held line already.
            return Counter.FTP_LINES_HELD;
        }
        long outSeq = oldLen > 0 ? seq : heldStart;
        return writeBack(s, outSeq);
    }

    /**
     * Re-applies logged rewrites to {@code len} bytes at original seq {@code seq} that were forwarded before, and
     * appends them to the output.
     */
    private Counter replayOld(int lane, byte[] b, int from, int len, long seq) {
        int base = lane * FtpSessions.LOG;
        if (sessions.logForgot[lane] && (int) (seq - sessions.logForgottenEnd[lane]) < 0) {
            return Counter.DROP_FTP_RETRANSMIT_SPLITS_REWRITE;
        }
        int copied = 0; // bytes of the old region already appended
        boolean rewrote = false;
        for (int e = 0; e < sessions.logCount[lane]; e++) {
            long start = sessions.logStart[base + e];
            int oldLen = sessions.logOldLen[base + e];
            int at = (int) (start - seq);
            int end = at + oldLen;
            if (end <= 0 || at >= len) {
                continue;
            }
            if (at < 0 || end > len) {
                return Counter.DROP_FTP_RETRANSMIT_SPLITS_REWRITE;
            }
            if (FtpSessions.hash(b, from + at, from + end) != sessions.logHash[base + e]) {
                return Counter.DROP_FTP_RETRANSMIT_CHANGED;
            }
            append(b, from + copied, at - copied);
            if (sessions.logFill[base + e]) {
                appendX(sessions.logNewLen[base + e]);
            } else {
                append(sessions.logBytes, (base + e) * FtpSessions.LOG_BYTES, sessions.logNewLen[base + e]);
            }
            copied = end;
            rewrote = true;
        }
        append(b, from + copied, len - copied);
        if (rewrote) {
            counters.inc(Counter.FTP_RETRANSMIT_REWRITTEN);
        }
        return null;
    }

    /**
     * Splits {@code work[0..wl)} (original seq {@code ws} at index 0) into lines, handles each complete line and
     * holds or releases the incomplete tail.
     */
    private void scanLines(
            PacketSlot s, int flow, int dir, int session, int lane, long ws, int wl, boolean release, long nowMs) {
        int prevHeld = sessions.heldLen[lane];
        sessions.heldLen[lane] = 0;
        workLen = wl;
        int i = 0;
        while (i < wl) {
            int lf = indexOf(work, i, wl, LF);
            if (sessions.isNotFtp(session) || sessions.opaque[lane]) {
                // The rest of this buffer follows a line that ended parsing (not FTP, or AUTH TLS accepted).
                if (sessions.opaque[lane] && i < wl) {
                    framer.tlsDesync(s, flow, lane);
                }
                append(work, i, wl - i);
                return;
            }
            if (sessions.lineState[lane] == FtpSessions.LINE_SKIP) {
                int end = lf < 0 ? wl : lf + 1;
                if (!sessions.prefixChecked[lane]) {
                    // The rest of a line that began in an earlier segment: judge its syntax once enough is known.
                    collectPrefix(lane, work, i, lf < 0 ? wl : lf);
                    judgePrefix(s, flow, dir, session, lane, lf >= 0);
                }
                int content = (lf < 0 ? wl : lf) - i;
                if (overLimit(s, flow, dir, lane, content, end - i)) {
                    return;
                }
                account(lane, content, end - i, lf >= 0);
                append(work, i, end - i);
                if (lf >= 0) {
                    sessions.lineState[lane] = FtpSessions.LINE_START;
                }
                i = end;
                continue;
            }
            if (lf >= 0) {
                int lineEnd = lf > i && work[lf - 1] == CR ? lf - 1 : lf;
                if (overLimit(s, flow, dir, lane, lineEnd - i, lf + 1 - i)) {
                    return;
                }
                lineEmitted = false;
                handleLine(s, flow, dir, session, lane, ws, i, lineEnd, lineEnd != lf, nowMs);
                account(lane, lineEnd - i, lf + 1 - i, true);
                if (!lineEmitted) {
                    append(work, i, lineEnd - i);
                }
                append(work, lineEnd, lf + 1 - lineEnd);
                i = lf + 1;
                continue;
            }
            // Incomplete tail [i, wl).
            int tail = wl - i;
            if (overLimit(s, flow, dir, lane, tail, tail)) {
                return;
            }
            if (!release && isCandidatePrefix(dir, work, i, wl)) {
                if (tail <= sessions.maxLine) {
                    // Not accounted yet: its bytes count with the whole line when it completes.
                    System.arraycopy(work, i, sessions.held, lane * sessions.maxLine, tail);
                    sessions.heldLen[lane] = tail;
                    if (prevHeld == 0 || i != 0) {
                        sessions.heldSince[lane] = nowMs;
                    }
                    counters.inc(Counter.FTP_LINES_HELD);
                    return;
                }
                counters.inc(Counter.FTP_LINE_TOO_LONG);
                noticeIfEnabled(
                        s,
                        "line-too-long",
                        flow,
                        "incomplete candidate line longer than ftp max-line " + sessions.maxLine
                                + " bytes was forwarded unparsed");
            } else if (release && prevHeld > 0 && i == 0) {
                counters.inc(Counter.FTP_HOLD_RELEASED_UNPARSED);
                noticeIfEnabled(
                        s,
                        "hold-released",
                        flow,
                        "held incomplete line released unparsed: \"" + printable(work, i, wl) + "\"");
            }
            sessions.prefixLen[lane] = 0;
            sessions.prefixChecked[lane] = false;
            collectPrefix(lane, work, i, wl);
            judgePrefix(s, flow, dir, session, lane, false);
            account(lane, tail, tail, false);
            append(work, i, tail);
            sessions.lineState[lane] = FtpSessions.LINE_SKIP;
            i = wl;
        }
    }

    /**
     * {@code ftp max-command-line}, {@code max-reply-line}, {@code max-reply}: counts {@code content} bytes of the
     * current line ({@code bytes} with its line end, if any) and, on the server lane, of the current reply. When a
     * bound is passed, the segment is not forwarded: the connection is reset at both ends instead ({@link
     * #resetTowardsReceiver}), so the end behind the gateway never receives the rest of the line or reply (a client
     * whose reply buffer overflows on the stack, a server whose command parser does). A line or reply that stays
     * within the bounds costs two additions.
     *
     * @return true when a bound was passed (the caller stops scanning)
     */
    private boolean overLimit(PacketSlot s, int flow, int dir, int lane, int content, int bytes) {
        FtpConfig.LineLimits lim = config.lineLimits();
        int lineMax = dir == FlowTable.ORIGINAL ? lim.command() : lim.replyLine();
        int replyMax = dir == FlowTable.ORIGINAL ? 0 : lim.reply();
        boolean line = lineMax > 0 && sessions.lineBytes[lane] + content > lineMax;
        boolean reply = replyMax > 0 && sessions.replyBytes[lane] + bytes > replyMax;
        if (!line && !reply) {
            return false;
        }
        limitHit = true;
        counters.inc(Counter.FTP_LINE_LIMIT_RESET);
        noticeIfEnabled(
                s,
                "line-limit-reset",
                flow,
                (dir == FlowTable.ORIGINAL
                                ? "client command line longer than ftp max-command-line " + lineMax
                                : line
                                        ? "server reply line longer than ftp max-reply-line " + lineMax
                                        : "server reply longer than ftp max-reply " + replyMax)
                        + " bytes: the control connection is reset at both ends before the rest reaches the other end");
        return true;
    }

    /**
     * Counts {@code content} bytes of the current line ({@code bytes} with its line end) and of the current reply,
     * for {@link #overLimit}; {@code lineDone} when the line ended here. A reply ends with its one-line form or the
     * closing line of a multi-line one (the framer has moved the lane out of the multi-line state by then).
     */
    private void account(int lane, int content, int bytes, boolean lineDone) {
        if (!config.lineLimits().on()) {
            return;
        }
        int reply = sessions.replyBytes[lane] + bytes;
        if (lineDone) {
            sessions.lineBytes[lane] = 0;
            sessions.replyBytes[lane] = sessions.multiLineCode[lane] == 0 ? 0 : reply;
        } else {
            sessions.lineBytes[lane] += content;
            sessions.replyBytes[lane] = reply;
        }
    }

    /** Set by {@link #overLimit} in the current segment. */
    private boolean limitHit;

    /**
     * Turns the segment that passed a line limit into a RST towards its receiver, at the receiver's next expected
     * byte (the first byte not yet forwarded: RFC 5961 section 3.2 accepts it there), with the lane's sequence
     * shift applied like any segment's. Its payload goes; the sender gets its own RST from the engine. Nothing
     * more is read on the connection.
     */
    public void resetTowardsReceiver(PacketSlot s, int session, int dir) {
        int lane = session * 2 + dir;
        byte[] b = s.data;
        int delta = -s.payloadLength;
        s.payloadLength = 0;
        s.l4Length += delta;
        s.l3Length += delta;
        s.length = s.payloadOffset;
        if (s.ipVersion == 4) {
            Ipv4Header.totalLength(b, s.l3Offset, s.l3Length);
            Checksum.setIpv4Header(b, s.l3Offset);
        } else {
            Ipv6Header.payloadLength(b, s.l3Offset, s.l3Length - Ipv6Header.LENGTH);
        }
        s.seq = limitSeq;
        Bytes.u32(b, s.l4Offset + TcpHeader.SEQ_OFFSET, limitSeq);
        s.tcpFlags = TcpHeader.RST | TcpHeader.ACK;
        b[s.l4Offset + TcpHeader.FLAGS_OFFSET] = (byte) s.tcpFlags;
        s.l4Dirty = true;
        translate(s, lane, session * 2 + (1 - dir));
    }

    /** Original seq of the first byte of the segment that passed a line limit not yet forwarded. */
    private long limitSeq;

    /** Handles one complete line {@code work[from..to)} (line end excluded) at original seq {@code ws + from}. */
    private void handleLine(
            PacketSlot s,
            int flow,
            int dir,
            int session,
            int lane,
            long ws,
            int from,
            int to,
            boolean crlf,
            long nowMs) {
        int framed = framer.frame(work, dir, lane, from, to, true);
        if (framed == ControlFramer.BAD && syntaxChecked(session)) {
            markNotFtp(s, flow, dir, session, work, from, to);
            return;
        }
        if (framed != ControlFramer.ACT) {
            // Only a complete command or reply negotiates: a line inside a multi-line reply is text.
            if (dir == FlowTable.REPLY && framed == ControlFramer.TEXT && negotiationLike(work, from, to)) {
                counters.inc(Counter.FTP_REPLY_TEXT_IN_MULTILINE);
                noticeIfEnabled(
                        s,
                        "reply-text-in-multiline",
                        flow,
                        "line inside a multi-line reply left alone (RFC 959 section 4.2: free text, not a reply): \""
                                + printable(work, from, to) + "\"");
            }
            return;
        }
        boolean strict = config.strict();
        if (to - from > sessions.maxLine) {
            counters.inc(Counter.FTP_LINE_TOO_LONG);
            return;
        }
        if (strict && !crlf) {
            counters.inc(Counter.FTP_BARE_LF);
            noticeIfEnabled(
                    s,
                    "bare-lf",
                    flow,
                    "line ended by a bare LF, not parsed in strict mode: \"" + printable(work, from, to) + "\"");
            return;
        }
        int kind = 0;
        boolean parsed = false;
        announced.clear();
        if (dir == FlowTable.ORIGINAL) {
            int cmd = FtpCommands.classifyCommand(work, from, to);
            if (!config.denyCommands().isEmpty() && denied(from, to)) {
                counters.inc(Counter.FTP_COMMAND_DENIED);
                noticeIfEnabled(
                        s,
                        "command-denied",
                        flow,
                        "command \"" + printable(work, from, to)
                                + "\" denied by ftp deny-command: its verb is replaced by XXXX, which the server refuses");
                fill(s, flow, dir, lane, ws, from, to, verbStart(from, to), verbEnd(from, to));
                return;
            }
            switch (cmd) {
                case FtpCommands.CMD_PORT:
                    counters.inc(Counter.FTP_PORT);
                    kind = FtpNegotiator.PORT;
                    parsed = FtpParsers.parsePort(
                            work, FtpCommands.argumentStart(work, from, to, strict), to, strict, announced);
                    break;
                case FtpCommands.CMD_EPRT:
                    counters.inc(Counter.FTP_EPRT);
                    kind = FtpNegotiator.EPRT;
                    parsed = FtpParsers.parseEprt(
                            work, FtpCommands.argumentStart(work, from, to, strict), to, strict, announced);
                    break;
                case FtpCommands.CMD_PASV:
                    counters.inc(Counter.FTP_PASV);
                    sessions.flags[session] |= FtpSessions.F_PASV_PENDING;
                    return;
                case FtpCommands.CMD_EPSV:
                    counters.inc(Counter.FTP_EPSV);
                    sessions.flags[session] |= FtpSessions.F_EPSV_PENDING;
                    return;
                case FtpCommands.CMD_AUTH:
                    counters.inc(Counter.FTP_AUTH);
                    if (FtpCommands.authIsTls(work, FtpCommands.argumentStart(work, from, to, strict), to)) {
                        sessions.flags[session] |= FtpSessions.F_AUTH_PENDING;
                    }
                    return;
                default:
                    return;
            }
        } else {
            int code = FtpCommands.replyCode(work, from, to);
            if (code < 0) {
                return;
            }
            int arg = Math.min(from + 4, to);
            switch (code) {
                case 215:
                    if (config.maskSyst() && to - (from + 4) > 0) {
                        counters.inc(Counter.FTP_SYST_MASKED);
                        fill(s, flow, dir, lane, ws, from, to, from + 4, to);
                    }
                    return;
                case 227:
                    counters.inc(Counter.FTP_227);
                    kind = FtpNegotiator.PASV_227;
                    if (unsolicited(s, flow, session, FtpSessions.F_PASV_PENDING, strict, "227 without PASV")) {
                        return;
                    }
                    sessions.flags[session] &= ~FtpSessions.F_PASV_PENDING;
                    parsed = FtpParsers.parse227(work, arg, to, strict, announced);
                    break;
                case 229:
                    counters.inc(Counter.FTP_229);
                    kind = FtpNegotiator.EPSV_229;
                    if (unsolicited(s, flow, session, FtpSessions.F_EPSV_PENDING, strict, "229 without EPSV")) {
                        return;
                    }
                    sessions.flags[session] &= ~FtpSessions.F_EPSV_PENDING;
                    parsed = FtpParsers.parse229(work, arg, to, strict, announced);
                    break;
                case 234:
                    if ((sessions.flags[session] & FtpSessions.F_AUTH_PENDING) != 0) {
                        sessions.flags[session] &= ~FtpSessions.F_AUTH_PENDING;
                        sessions.opaque[session * 2] = true;
                        sessions.opaque[session * 2 + 1] = true;
                        counters.inc(Counter.FTP_TLS_OPAQUE);
                        noticeIfEnabled(
                                s,
                                "ftps-opaque",
                                flow,
                                "AUTH TLS accepted (234): the control connection is encrypted from here on; ftp-alg"
                                        + " can no longer read or rewrite PORT/PASV, so data connections through NAT"
                                        + " or a closed firewall will fail unless the server and client are set up"
                                        + " for it (e.g. server-side passive ports forwarded and a public PASV"
                                        + " address)");
                    }
                    return;
                default:
                    if (code >= 400) {
                        sessions.flags[session] &= ~FtpSessions.F_AUTH_PENDING;
                    }
                    return;
            }
        }
        if (!parsed) {
            counters.inc(Counter.FTP_PARSE_ERRORS);
            noticeIfEnabled(
                    s,
                    "parse-error",
                    flow,
                    "unparsable " + FtpNegotiator.name(kind) + " line left unchanged, no" + " expectation: \""
                            + printable(work, from, to) + "\"");
            return;
        }
        int spanStart = announced.spanStart;
        int spanEnd = announced.spanEnd;
        // The rewrite must fit the segment: everything already output, this line around the span, the longest
        // span this kind can be rewritten to, and the rest of the buffer unchanged. If it might not, the line is
        // left as it is and opens nothing: growing past the slot overran the output buffer, and a segment dropped
        // after its expectation was made is dropped again on every retransmission (a stall), since the ALG does
        // not re-segment.
        // Likewise at most SeqAdjust.HISTORY rewrites per segment: one more would merge a boundary inside this
        // very segment into the lane's base, shifting the segment's own start (its bytes would arrive misplaced).
        if (outLen + (spanStart - from) + maxSpan(kind) + (workLen - spanEnd) > outRoom
                || segmentRewrites >= SeqAdjust.HISTORY) {
            counters.inc(Counter.FTP_REWRITE_NO_ROOM);
            noticeIfEnabled(
                    s,
                    "rewrite-no-room",
                    flow,
                    FtpNegotiator.name(kind) + " line left unchanged, no expectation: a rewrite might not fit the"
                            + " segment (slot capacity, 65535-byte IP length, or more than " + SeqAdjust.HISTORY
                            + " rewrites in one segment)");
            return;
        }
        rewriteTo.clear();
        if (!negotiator.negotiate(flow, dir, kind, announced, rewriteTo, nowMs)) {
            return;
        }
        if (sameEndpoint(kind, announced, rewriteTo)) {
            // Nothing to translate (a firewall without NAT, IPv6 without NAT66): the text passes byte for byte,
            // however it writes the address (an uncompressed IPv6 EPRT, leading zeros): no rewrite, no seq delta.
            return;
        }
        int n = writeSpan(kind, rewriteTo, announced.delimiter);
        if (n == spanEnd - spanStart && equalRange(text, 0, work, spanStart, n)) {
            return;
        }
        lineRewritten(s, flow, dir, lane, ws, from, to, spanStart, spanEnd, n, kind);
    }

    private void lineRewritten(
            PacketSlot s,
            int flow,
            int dir,
            int lane,
            long ws,
            int from,
            int to,
            int spanStart,
            int spanEnd,
            int n,
            int kind) {
        int oldLen = spanEnd - spanStart;
        int delta = n - oldLen;
        long spanSeq = (ws + spanStart) & 0xFFFF_FFFFL;
        sessions.log(lane, spanSeq, oldLen, FtpSessions.hash(work, spanStart, spanEnd), text, 0, n);
        if (delta != 0) {
            segmentRewrites++;
        }
        if (seqAdjust.add(lane, (ws + spanEnd) & 0xFFFF_FFFFL, delta)) {
            counters.inc(Counter.SEQADJ_HISTORY_MERGED);
        }
        counters.inc(Counter.FTP_REWRITES);
        if (events.enabled()) {
            String before = new String(work, from, to - from, StandardCharsets.ISO_8859_1);
            String after = new String(work, from, spanStart - from, StandardCharsets.ISO_8859_1)
                    + new String(text, 0, n, StandardCharsets.ISO_8859_1)
                    + new String(work, spanEnd, to - spanEnd, StandardCharsets.ISO_8859_1);
            events.rewrite(
                    s.timestampNanos,
                    flows.describe(flow, FlowTable.ORIGINAL),
                    dir == FlowTable.ORIGINAL ? "client-to-server" : "server-to-client",
                    FtpNegotiator.name(kind),
                    before,
                    after,
                    delta,
                    spanSeq);
        }
        append(work, from, spanStart - from);
        append(text, 0, n);
        append(work, spanEnd, to - spanEnd);
        lineEmitted = true;
    }

    /** Adds the bytes of a spanning line to its kept prefix (up to {@link FtpSessions#PREFIX}). */
    private void collectPrefix(int lane, byte[] b, int from, int to) {
        int have = sessions.prefixLen[lane];
        int n = Math.min(to - from, FtpSessions.PREFIX - have);
        if (n > 0) {
            System.arraycopy(b, from, sessions.prefix, lane * FtpSessions.PREFIX + have, n);
            sessions.prefixLen[lane] = have + n;
        }
    }

    /**
     * Frames a spanning line as soon as its prefix decides it (or the line ends): its place in a multi-line reply
     * is tracked in every mode, and, where lines are syntax-checked, a line that is not FTP ends interpretation
     * of the connection exactly as a whole line would (a small MSS must not smuggle an HTTP header past the
     * check).
     */
    private void judgePrefix(PacketSlot s, int flow, int dir, int session, int lane, boolean complete) {
        int base = lane * FtpSessions.PREFIX;
        int len = sessions.prefixLen[lane];
        int to = base + len;
        if (complete && len > 0 && sessions.prefix[to - 1] == CR) {
            to--;
        }
        boolean full = len == FtpSessions.PREFIX;
        int r = framer.frame(sessions.prefix, dir, lane, base, to, complete || full);
        if (r == ControlFramer.UNDECIDED) {
            return;
        }
        sessions.prefixChecked[lane] = true;
        if (r == ControlFramer.BAD && syntaxChecked(session)) {
            markNotFtp(s, flow, dir, session, sessions.prefix, base, to);
        }
    }

    /** {@code ftp syntax-check}, always on for a connection attached by FTP detection on another port. */
    private boolean syntaxChecked(int session) {
        return config.syntaxCheck() || (sessions.flags[session] & FtpSessions.F_DETECTED) != 0;
    }

    private void markNotFtp(PacketSlot s, int flow, int dir, int session, byte[] b, int from, int to) {
        sessions.flags[session] |= FtpSessions.F_NOT_FTP;
        counters.inc(Counter.FTP_NOT_FTP);
        noticeIfEnabled(
                s,
                "not-ftp",
                flow,
                (dir == FlowTable.ORIGINAL ? "client" : "server") + " line \"" + printable(b, from, to)
                        + "\" is not FTP (RFC 959 section 4.1 syntax): ftp-alg stops interpreting this connection,"
                        + " so nothing in it can open a pinhole (a non-FTP program on an FTP port, or an attempt"
                        + " to inject commands)");
    }

    private int verbStart(int from, int to) {
        return ControlFramer.verbStart(work, from, to);
    }

    private int verbEnd(int from, int to) {
        return ControlFramer.verbEnd(work, from, to);
    }

    private boolean denied(int from, int to) {
        int v = verbStart(from, to);
        int e = verbEnd(from, to);
        java.util.List<String> deny = config.denyCommands();
        for (int k = 0, n = deny.size(); k < n; k++) {
            String d = deny.get(k);
            if (d.length() == e - v && startsLike(work, v, e, d)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Strict mode (after Cisco's): a 227/229 only answers a pending PASV/EPSV. Returns true when the reply must be
     * ignored.
     */
    private boolean unsolicited(PacketSlot s, int flow, int session, int pendingFlag, boolean strict, String what) {
        if (!strict || (sessions.flags[session] & pendingFlag) != 0) {
            return false;
        }
        counters.inc(Counter.FTP_UNSOLICITED_REPLY);
        noticeIfEnabled(s, "unsolicited-reply", flow, what + " (strict mode): no expectation");
        return true;
    }

    /**
     * Emits the line with {@code work[spanStart..spanEnd)} replaced by as many 'X' (same length, so no sequence
     * shift), and logs it so a retransmission is masked the same way.
     */
    private void fill(
            PacketSlot s, int flow, int dir, int lane, long ws, int from, int to, int spanStart, int spanEnd) {
        int n = spanEnd - spanStart;
        sessions.log(lane, (ws + spanStart) & 0xFFFF_FFFFL, n, FtpSessions.hash(work, spanStart, spanEnd), null, 0, n);
        append(work, from, spanStart - from);
        appendX(n);
        append(work, spanEnd, to - spanEnd);
        lineEmitted = true;
    }

    private void appendX(int n) {
        for (int i = 0; i < n; i++) {
            out[outLen++] = 'X';
        }
    }

    /** True if the negotiation maps the announced endpoint to itself: its text needs no change. */
    private static boolean sameEndpoint(int kind, FtpEndpoint announced, FtpEndpoint to) {
        if (announced.port != to.port) {
            return false;
        }
        if (kind == FtpNegotiator.EPSV_229) {
            return true; // a 229 carries only the port
        }
        return announced.ipVersion == to.ipVersion && announced.addrHi == to.addrHi && announced.addrLo == to.addrLo;
    }

    /** A server line that starts like a reply that negotiates or changes the lane: "227 ", "229 ", "234 ". */
    private static boolean negotiationLike(byte[] b, int from, int to) {
        return startsLike(b, from, to, "227 ") && to - from >= 4
                || startsLike(b, from, to, "229 ") && to - from >= 4
                || startsLike(b, from, to, "234 ") && to - from >= 4;
    }

    /** Set when {@link #handleLine} appended the (rewritten) line itself. */
    private boolean lineEmitted;

    /**
     * The longest text {@link #writeSpan} can produce for {@code kind}: "255,255,255,255,255,255" (23),
     * a full IPv6 address, delimiter and port (39 + 1 + 5), or a port (5).
     */
    private static int maxSpan(int kind) {
        switch (kind) {
            case FtpNegotiator.PORT:
            case FtpNegotiator.PASV_227:
                return 23;
            case FtpNegotiator.EPRT:
                return 45;
            default:
                return 5;
        }
    }

    private int writeSpan(int kind, FtpEndpoint to, byte delimiter) {
        switch (kind) {
            case FtpNegotiator.PORT:
            case FtpNegotiator.PASV_227:
                return FtpFormat.writePortArgs(text, 0, to.addrLo, to.port);
            case FtpNegotiator.EPRT:
                return FtpFormat.writeEprtArgs(text, 0, to.ipVersion, to.addrHi, to.addrLo, to.port, delimiter);
            default:
                return FtpFormat.writeDecimal(text, 0, to.port);
        }
    }

    /** Copies the output over the segment's payload, fixing lengths; the seq becomes {@code outSeq}. */
    private Counter writeBack(PacketSlot s, long outSeq) {
        int po = s.payloadOffset;
        if (po + outLen > s.capacity() || s.l3Length - s.payloadLength + outLen > 65535) {
            return Counter.DROP_FTP_REWRITE_TOO_LARGE;
        }
        byte[] b = s.data;
        boolean changed = outLen != s.payloadLength || !equalRange(out, 0, b, po, outLen) || outSeq != s.seq;
        if (!changed) {
            return null;
        }
        System.arraycopy(out, 0, b, po, outLen);
        int delta = outLen - s.payloadLength;
        s.payloadLength = outLen;
        s.l4Length += delta;
        s.l3Length += delta;
        s.length = po + outLen;
        if (outSeq != s.seq) {
            Bytes.u32(b, s.l4Offset + TcpHeader.SEQ_OFFSET, outSeq);
            s.seq = outSeq;
        }
        if (s.ipVersion == 4) {
            Ipv4Header.totalLength(b, s.l3Offset, s.l3Length);
            Checksum.setIpv4Header(b, s.l3Offset);
        } else {
            Ipv6Header.payloadLength(b, s.l3Offset, s.l3Length - Ipv6Header.LENGTH);
        }
        s.l4Dirty = true;
        return null;
    }

    // ------------------------------------------------------------------------------------------------------------
    // helpers
    // ------------------------------------------------------------------------------------------------------------

    /**
     * True if {@code b[from..to)}, the start of a line with no LF yet, could still become a line this direction
     * rewrites or tracks: a prefix of "PORT ", "EPRT ", "AUTH " (client) or "227 ", "229 ", "234 " (server),
     * case-insensitively, or a longer line that starts with one of them.
     */
    static boolean isCandidatePrefix(int dir, byte[] b, int from, int to) {
        if (dir == FlowTable.ORIGINAL) {
            return startsLike(b, from, to, "PORT ")
                    || startsLike(b, from, to, "EPRT ")
                    || startsLike(b, from, to, "AUTH ");
        }
        return startsLike(b, from, to, "227 ") || startsLike(b, from, to, "229 ") || startsLike(b, from, to, "234 ");
    }

    private static boolean startsLike(byte[] b, int from, int to, String word) {
        int n = Math.min(to - from, word.length());
        for (int i = 0; i < n; i++) {
            int c = b[from + i] & 0xFF;
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            }
            if (c != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void append(byte[] src, int from, int len) {
        if (len <= 0) {
            return;
        }
        System.arraycopy(src, from, out, outLen, len);
        outLen += len;
    }

    private static int indexOf(byte[] b, int from, int to, byte v) {
        for (int i = from; i < to; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static boolean equalRange(byte[] a, int ao, byte[] b, int bo, int n) {
        for (int i = 0; i < n; i++) {
            if (a[ao + i] != b[bo + i]) {
                return false;
            }
        }
        return true;
    }

    private void noticeIfEnabled(PacketSlot s, String kind, int flow, String text) {
        if (events.enabled()) {
            events.notice(s.timestampNanos, kind, flows.describe(flow, FlowTable.ORIGINAL), text);
        }
    }

    /** A line as text for a report, with control and non-ASCII bytes escaped (slow path). */
    static String printable(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder();
        int end = Math.min(to, from + 200);
        for (int i = from; i < end; i++) {
            int c = b[i] & 0xFF;
            if (c >= 32 && c < 127 && c != '"' && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        if (end < to) {
            sb.append("...");
        }
        return sb.toString();
    }
}
