package io.ftpalg.engine.ftp;

import io.ftpalg.engine.codec.Bytes;
import io.ftpalg.engine.codec.EthernetHeader;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.codec.TcpSegmentWriter;
import io.ftpalg.engine.flow.FlowState;
import io.ftpalg.engine.flow.FlowTable;
import io.ftpalg.engine.pipeline.Emitter;
import io.ftpalg.engine.pipeline.PacketSlot;

/**
 * TCP keepalive probes on idle FTP control connections ({@code ftp keepalive <interval>}, off by default): while a
 * long transfer runs, the control connection carries nothing, and a NAT or firewall further along the path that
 * expires idle connections drops it; the client then waits for a {@code 226} that never comes (PROBLEM.md
 * scenario 5). The gateway keeps its own state for the control connection while data flows (see the engine); these
 * probes are for the other devices. Each end answers a probe with an ACK that crosses the whole path.
 *
 * <h2>The probe (RFC 9293 section 3.8.4, RFC 1122 section 4.2.3.6)</h2>
 *
 * <pre>
 *   to each end, as if from its peer:  &lt;SEQ=SND.NXT-1&gt;&lt;ACK=RCV.NXT&gt;&lt;CTL=ACK&gt;, no payload
 * </pre>
 *
 * The sequence number lies one below what the end expects next, so the end's stack treats it as an old duplicate
 * and answers with an ACK of its current state (RFC 9293 3.10.7.4, "If a segment's contents straddle the
 * boundary ... send an acknowledgment"). Both numbers are those of the last segment the gateway forwarded
 * <em>to</em> that end, as that end saw it, that is after sequence adjustment: the probe acknowledges nothing the
 * end's peer has not acknowledged itself (a probe that acknowledged bytes still in flight or held by the gateway
 * could make the sender discard them). The answering ACK is an ordinary segment of the control connection: the
 * gateway forwards it to the other end, where it is a duplicate ACK (harmless with no data outstanding), and it
 * refreshes every idle timer on the path, this gateway's included.
 *
 * <h2>Addresses and link layer</h2>
 *
 * A probe to the end that sends direction {@code d} carries that direction's tuple turned around: source the
 * address and port the end sends to (the peer as this end knows it, NAT included), destination the end itself.
 * It leaves on the port that end's segments arrive on, with the link-layer header of that end's last segment, MACs
 * swapped (to the end, or the router before it; from the MAC it sends to, which is the gateway's port in router
 * mode and the peer in bridge mode), VLAN tags kept.
 *
 * <h2>Cost</h2>
 *
 * Per forwarded control segment (never data segments): a few stores ({@link #record}). Per sweep: up to
 * {@link #SCAN} sessions looked at. Per idle interval of each established control connection: two 54-74 byte
 * frames and their answers.
 */
public final class ControlKeepalive {
    /**
     * Sessions looked at per sweep (a sweep runs at most every 100 ms of engine time): at the default 16384
     * sessions the whole table is walked in 400 ms, so a probe goes out at most that late; a look at a free
     * session is one array read.
     */
    public static final int SCAN = 4096;

    private static final int SEQ_VALID = 1;
    private static final int ACK_VALID = 2;
    private static final int L2_VALID = 4;
    private static final int ALL_VALID = SEQ_VALID | ACK_VALID | L2_VALID;

    private final FtpSessions sessions;
    private final FlowTable flows;
    private final long intervalMs;
    private final byte[] frame = new byte[TcpSegmentWriter.MAX_FRAME];
    private Emitter emitter = Emitter.NONE;

    // ---- per session ----
    /** The control flow and its generation the per-lane values below belong to. */
    private final int[] owner;

    private final int[] ownerGeneration;
    private final long[] lastSeenMs;
    private final long[] lastProbeMs;

    // ---- per lane (session * 2 + direction of travel) ----
    private final int[] valid;
    /** End of the newest forwarded segment (seq + length + SYN + FIN), in the receiver's view. */
    private final long[] seqEnd;
    /** Highest ack forwarded in this direction, in the receiver's view. */
    private final long[] ackOut;
    /** Window field of the last forwarded segment (scaled as the receiver expects). */
    private final int[] window;
    /** Link-layer header of the last segment received from this lane's sender. */
    private final byte[] l2;

    private final int[] l2Len;
    private int hand;

    public ControlKeepalive(FtpSessions sessions, FlowTable flows, long intervalMs) {
        this.sessions = sessions;
        this.flows = flows;
        this.intervalMs = intervalMs;
        int n = intervalMs > 0 ? sessions.capacity() : 0; // about 124 bytes per session, only when enabled
        owner = new int[n];
        java.util.Arrays.fill(owner, -1);
        ownerGeneration = new int[n];
        lastSeenMs = new long[n];
        lastProbeMs = new long[n];
        valid = new int[2 * n];
        seqEnd = new long[2 * n];
        ackOut = new long[2 * n];
        window = new int[2 * n];
        l2 = new byte[2 * n * TcpSegmentWriter.MAX_L2];
        l2Len = new int[2 * n];
    }

    public boolean enabled() {
        return intervalMs > 0;
    }

    public void setEmitter(Emitter emitter) {
        this.emitter = emitter;
    }

    /**
     * Notes a segment of control flow {@code flow} (session {@code session}) about to be forwarded in direction
     * {@code dir}, after the FTP stage rewrote it (its seq and ack are final) and before NAT and the router touch
     * its headers (its link-layer header is still the one it arrived with).
     */
    public void record(PacketSlot s, int flow, int session, int dir, long nowMs) {
        if (owner[session] != flow || ownerGeneration[session] != flows.generation[flow]) {
            owner[session] = flow;
            ownerGeneration[session] = flows.generation[flow];
            valid[session * 2] = 0;
            valid[session * 2 + 1] = 0;
            lastProbeMs[session] = nowMs;
        }
        lastSeenMs[session] = nowMs;
        int lane = session * 2 + dir;
        byte[] b = s.data;
        int tcp = s.l4Offset;
        int flags = s.tcpFlags;
        long end = (Bytes.u32(b, tcp + TcpHeader.SEQ_OFFSET)
                        + s.payloadLength
                        + ((flags & TcpHeader.SYN) != 0 ? 1 : 0)
                        + ((flags & TcpHeader.FIN) != 0 ? 1 : 0))
                & 0xFFFF_FFFFL;
        int v = valid[lane];
        if ((v & SEQ_VALID) == 0 || (int) (end - seqEnd[lane]) > 0) {
            seqEnd[lane] = end;
            v |= SEQ_VALID;
        }
        if ((flags & TcpHeader.ACK) != 0) {
            long ack = Bytes.u32(b, tcp + TcpHeader.ACK_OFFSET);
            if ((v & ACK_VALID) == 0 || (int) (ack - ackOut[lane]) > 0) {
                ackOut[lane] = ack;
                v |= ACK_VALID;
            }
            window[lane] = Bytes.u16(b, tcp + TcpHeader.WINDOW_OFFSET);
        }
        int n = s.l3Offset;
        if (n <= TcpSegmentWriter.MAX_L2) {
            System.arraycopy(b, 0, l2, lane * TcpSegmentWriter.MAX_L2, n);
            l2Len[lane] = n;
            v |= L2_VALID;
        }
        valid[lane] = v;
    }

    /**
     * Probes both ends of every established control connection, among the next {@link #SCAN} sessions, that has
     * been quiet (no segment, no probe) for the interval.
     *
     * @return probe frames sent
     */
    public int sweep(long nowMs) {
        if (intervalMs <= 0) {
            return 0;
        }
        int sent = 0;
        int cap = sessions.capacity();
        for (int i = 0, n = Math.min(SCAN, cap); i < n; i++) {
            int s = hand;
            hand = hand + 1 == cap ? 0 : hand + 1;
            int f = sessions.flow[s];
            if (f < 0
                    || f != owner[s]
                    || !flows.inUse(f)
                    || flows.session(f) != s
                    || flows.generation[f] != ownerGeneration[s]
                    || FlowState.tcp(flows.state(f)) != FlowState.TCP_ESTABLISHED
                    || valid[s * 2] != ALL_VALID
                    || valid[s * 2 + 1] != ALL_VALID) {
                continue;
            }
            long quietSince = Math.max(lastSeenMs[s], lastProbeMs[s]);
            if (nowMs - quietSince < intervalMs) {
                continue;
            }
            lastProbeMs[s] = nowMs;
            probe(f, s, FlowTable.ORIGINAL);
            probe(f, s, FlowTable.REPLY);
            sent += 2;
        }
        return sent;
    }

    /** Sends one probe to the end that sends direction {@code e} of flow {@code f}. */
    private void probe(int f, int session, int e) {
        int from = session * 2 + e; // what that end sends: tuple, link-layer header
        int to = session * 2 + (1 - e); // what the gateway forwarded to it: seq, ack, window
        long meta = flows.meta(f, e);
        int l2Off = from * TcpSegmentWriter.MAX_L2;
        int len = TcpSegmentWriter.write(
                frame,
                l2,
                l2Off,
                l2Len[from],
                EthernetHeader.srcMac(l2, l2Off),
                EthernetHeader.dstMac(l2, l2Off),
                FlowTable.metaVersion(meta),
                flows.dstHi(f, e),
                flows.dstLo(f, e),
                flows.srcHi(f, e),
                flows.srcLo(f, e),
                FlowTable.metaDstPort(meta),
                FlowTable.metaSrcPort(meta),
                (seqEnd[to] - 1) & 0xFFFF_FFFFL,
                ackOut[to],
                TcpHeader.ACK,
                window[to]);
        int port = e == FlowTable.ORIGINAL ? flows.originPort(f) : flows.originPort(f) ^ 1;
        emitter.emit(frame, 0, len, port);
    }
}
