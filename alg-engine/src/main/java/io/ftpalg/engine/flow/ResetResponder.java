package io.ftpalg.engine.flow;

import io.ftpalg.engine.codec.EthernetHeader;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.codec.TcpSegmentWriter;
import io.ftpalg.engine.config.Limits;
import io.ftpalg.engine.pipeline.Emitter;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.stats.Counter;

/**
 * Answers a TCP segment of a flow the gateway does not know (its state expired or was evicted) with a reset, so
 * that the program that sent it fails at once instead of retransmitting into silence until its own timeout
 * (PROBLEM.md scenario 6). One entry point, {@link #respond}; the caller has established that no flow matches and
 * that the segment is not the start of an expected data connection.
 *
 * <h2>The reset (RFC 9293 section 3.10.7.1, "If the connection does not exist (CLOSED)")</h2>
 *
 * <pre>
 *   offending segment has ACK:   &lt;SEQ=SEG.ACK&gt;&lt;CTL=RST&gt;
 *   otherwise:                   &lt;SEQ=0&gt;&lt;ACK=SEG.SEQ+SEG.LEN&gt;&lt;CTL=RST,ACK&gt;   (SEG.LEN counts SYN and FIN)
 * </pre>
 *
 * Segments carrying SYN or RST are never answered: a SYN that opens no flow was refused by policy (a reset would
 * tell a scanner the port's state), and a reset is never answered with a reset (RFC 9293 3.10.7.1).
 *
 * <h2>Addresses</h2>
 *
 * The reset goes back to the sender as if from the destination it addressed: IP addresses and ports swapped.
 * For an inside host whose NAT mapping is gone that is the outside party's address as the host knows it, because
 * with no state left there is nothing to translate. It leaves on the port the segment came in on, to the MAC it
 * came from (the sender, or the router before it), from the port's own MAC in router mode, else from the MAC the
 * segment was addressed to (bridge mode: the destination host, as if it answered itself); VLAN tags are kept.
 *
 * <h2>Rate</h2>
 *
 * One token bucket for all resets ({@code flows reset-rate} per second, {@code flows reset-burst} deep), refilled
 * by the engine's packet clock: a flood of stray ACKs becomes at most that many resets, the rest counted as
 * {@link Counter#TCP_RESET_RATE_LIMITED}.
 */
public final class ResetResponder {
    private final int sides;
    private final long rate;
    private final long depthMilli;
    private final long[] portMac;
    private final byte[] frame = new byte[TcpSegmentWriter.MAX_FRAME];
    private Emitter emitter = Emitter.NONE;

    /** Tokens in thousandths, so that a millisecond of refill at any rate is whole. */
    private long tokensMilli;

    private long refilledMs;
    private boolean started;

    /**
     * @param portMac each port's own MAC (router mode), or -1 where a reset takes the MAC the segment was sent to
     */
    public ResetResponder(Limits limits, long insideMac, long outsideMac) {
        this.sides = limits.resetExpired();
        this.rate = limits.resetRate();
        this.depthMilli = limits.resetBurst() * 1000L;
        this.portMac = new long[] {insideMac, outsideMac};
        this.tokensMilli = depthMilli;
    }

    public void setEmitter(Emitter emitter) {
        this.emitter = emitter;
    }

    /**
     * True if a segment arriving on this port without a flow would be answered: the option covers the port and the
     * segment carries neither SYN nor RST.
     */
    public boolean wants(PacketSlot s) {
        int side = s.ingressPort == PacketSlot.PORT_INSIDE ? Limits.RESET_INSIDE : Limits.RESET_OUTSIDE;
        return (sides & side) != 0 && (s.tcpFlags & (TcpHeader.SYN | TcpHeader.RST)) == 0;
    }

    /**
     * Sends the reset for a decoded TCP segment {@link #wants} accepted, unless the bucket is empty.
     *
     * @return {@link Counter#TCP_RESET_SENT} or {@link Counter#TCP_RESET_RATE_LIMITED}
     */
    public Counter respond(PacketSlot s, long nowMs) {
        if (!take(nowMs)) {
            return Counter.TCP_RESET_RATE_LIMITED;
        }
        resetSender(s);
        return Counter.TCP_RESET_SENT;
    }

    /**
     * Sends the reset for segment {@code s} back to its sender now, with no rate limit: for a tracked connection
     * the gateway itself ends ({@code ftp max-command-line} and friends), where one reset per offending line is the
     * policy, not a flood to bound. Same addresses and sequence rule as {@link #respond}.
     */
    public void resetSender(PacketSlot s) {
        int flags = s.tcpFlags;
        long seq;
        long ack;
        int ctl;
        if ((flags & TcpHeader.ACK) != 0) {
            seq = s.ack;
            ack = 0;
            ctl = TcpHeader.RST;
        } else {
            int segLen = s.payloadLength + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
            seq = 0;
            ack = (s.seq + segLen) & 0xFFFF_FFFFL;
            ctl = TcpHeader.RST | TcpHeader.ACK;
        }
        byte[] b = s.data;
        long own = portMac[s.ingressPort];
        int len = TcpSegmentWriter.write(
                frame,
                b,
                0,
                s.l3Offset,
                EthernetHeader.srcMac(b, 0),
                own >= 0 ? own : EthernetHeader.dstMac(b, 0),
                s.ipVersion,
                s.dstHi,
                s.dstLo,
                s.srcHi,
                s.srcLo,
                s.dstPort,
                s.srcPort,
                seq,
                ack,
                ctl,
                0);
        emitter.emit(frame, 0, len, s.ingressPort);
    }

    private boolean take(long nowMs) {
        if (!started) {
            started = true;
            refilledMs = nowMs;
        }
        long elapsed = nowMs - refilledMs;
        if (elapsed > 0) {
            // rate thousandths of a token per ms; the product is formed only below the cap, so it cannot overflow.
            long missing = depthMilli - tokensMilli;
            tokensMilli = elapsed > missing / rate ? depthMilli : tokensMilli + elapsed * rate;
            refilledMs = nowMs;
        }
        if (tokensMilli < 1000) {
            return false;
        }
        tokensMilli -= 1000;
        return true;
    }
}
