package io.ftpalg.engine.pipeline;

import io.ftpalg.engine.codec.Checksum;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.codec.TcpSegmenter;
import io.ftpalg.engine.codec.UdpHeader;
import io.ftpalg.engine.codec.VirtioNetHeader;

/**
 * The transmit half of offloads: sends a forwarded slot on its egress port, whole where the port can take it,
 * in software-cut segments where it cannot. One entry point, {@link #send}; called by the transmit stage only
 * (one thread), allocation-free.
 *
 * <pre>
 * ordinary frame (no offload metadata)          ─► port.send(frame)
 * TCP super-frame (gsoType TCPV4/TCPV6), payload P, segment size m = min(gso_size, egress MTU - IP - TCP):
 *   P &lt;= m                                     ─► full checksum in software, sent as an ordinary frame
 *   port has PACKET_VNET_HDR                    ─► port.send(frame, NEEDS_CSUM | gso_type | gso_size m):
 *                                                  the kernel (or the NIC, TSO) cuts it and finishes every checksum
 *   port without it (pcap, offloads refused)    ─► TcpSegmenter: ceil(P / m) frames with full checksums
 * other super-frames (UDP GSO): whole with PACKET_VNET_HDR if they fit the MTU, else dropped and counted
 * partial checksum of another protocol (not TCP/UDP): whole with its csum_start/offset, or dropped and counted
 * </pre>
 *
 * Why a super-frame stays valid after the engine: the engine keeps its partial checksum right for the final
 * addresses and length ({@link Checksum#setPartialL4}); IP total length is the whole aggregate's, and an FTP
 * rewrite that changed the length changed only the total (gso_size is kept: segmentation makes one segment more
 * or fewer, each at most gso_size, so none exceeds what the original sender sent or the peer's MSS).
 */
public final class OffloadTransmit {
    private final byte[] segment = new byte[Dataplane.SLOT_CAPACITY];

    private long superFramesWhole;
    private long superFramesCut;
    private long segmentsCut;
    private long gsoResized;
    private long unsupported;

    /** @return whether the port took the frame (every segment of it) */
    public boolean send(PacketSlot s, PacketPort port) {
        if (!s.csumPartial && s.gsoType == 0) {
            return port.send(s.data, 0, s.length);
        }
        int kind = s.gsoType & ~VirtioNetHeader.GSO_ECN;
        if (kind == VirtioNetHeader.GSO_NONE) {
            // A partial checksum the engine did not finish (not TCP/UDP: it finishes those): only the kernel can.
            if (port.offloads()) {
                return port.send(
                        s.data,
                        0,
                        s.length,
                        VirtioNetHeader.word(VirtioNetHeader.F_NEEDS_CSUM, 0, 0, s.csumStart, s.csumOffset));
            }
            unsupported++;
            return false;
        }
        if ((kind == VirtioNetHeader.GSO_TCPV4 || kind == VirtioNetHeader.GSO_TCPV6)
                && s.l4Proto == 6
                && s.tcpHeaderLength >= TcpHeader.MIN_LENGTH) {
            return sendTcp(s, port);
        }
        int mtu = port.mtu();
        if (port.offloads()
                && s.l4Proto == 17
                && (mtu == 0 || s.gsoSize + UdpHeader.LENGTH + (s.l4Offset - s.l3Offset) <= mtu)) {
            superFramesWhole++;
            return port.send(s.data, 0, s.length, offloadWord(s, s.gsoSize, UdpHeader.CHECKSUM_OFFSET));
        }
        unsupported++;
        return false;
    }

    private boolean sendTcp(PacketSlot s, PacketPort port) {
        int payload = TcpSegmenter.payload(s);
        int mss = s.gsoSize;
        int mtu = port.mtu();
        int headers = s.l4Offset + s.tcpHeaderLength - s.l3Offset;
        if (mtu > 0 && mss > mtu - headers) {
            // The egress link takes smaller packets than the segments were (an MTU smaller than the ingress
            // one's): cut to what fits. TCP allows any segmentation; the receiver's MSS is not exceeded.
            mss = mtu - headers;
            gsoResized++;
        }
        if (mss <= 0) {
            unsupported++;
            return false;
        }
        if (payload <= mss) {
            // One segment's worth (e.g. an FTP rewrite made it shorter): an ordinary frame.
            Checksum.computeL4(s);
            s.csumPartial = false;
            return port.send(s.data, 0, s.length);
        }
        if (port.offloads()) {
            superFramesWhole++;
            return port.send(s.data, 0, s.length, offloadWord(s, mss, TcpHeader.CHECKSUM_OFFSET));
        }
        int n = TcpSegmenter.count(payload, mss);
        boolean ok = true;
        for (int k = 0; k < n; k++) {
            int len = TcpSegmenter.segment(s, mss, k, segment);
            ok &= len > 0 && port.send(segment, 0, len);
        }
        superFramesCut++;
        segmentsCut += n;
        return ok;
    }

    private static long offloadWord(PacketSlot s, int gsoSize, int checksumField) {
        return VirtioNetHeader.word(VirtioNetHeader.F_NEEDS_CSUM, s.gsoType, gsoSize, s.l4Offset, checksumField);
    }

    /** Super-frames sent whole for the kernel to segment (read while running: approximate). */
    public long superFramesWhole() {
        return superFramesWhole;
    }

    /** Super-frames cut in software ({@link TcpSegmenter}), and the segments that made. */
    public long superFramesCut() {
        return superFramesCut;
    }

    public long segmentsCut() {
        return segmentsCut;
    }

    /** Super-frames whose segment size was lowered to the egress MTU. */
    public long gsoResized() {
        return gsoResized;
    }

    /** Frames with offload metadata that no path here can send (dropped). */
    public long unsupported() {
        return unsupported;
    }
}
