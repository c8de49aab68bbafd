package io.ftpalg.engine.codec;

import io.ftpalg.engine.pipeline.PacketSlot;

/**
 * Cuts a decoded TCP super-frame (a GRO aggregate or a TSO frame, {@link PacketSlot#gsoType}) into wire-sized
 * segments in software, as the kernel's {@code tcp_gso_segment} and {@code inet_gso_segment} /
 * {@code ipv6_gso_segment} would: for where the frame cannot leave whole (a port without PACKET_VNET_HDR, a
 * segment size above the egress MTU).
 *
 * <pre>
 * super-frame: | Ethernet [VLAN] | IP | TCP (seq S, flags F) | payload P bytes ..................... |
 * segment k:   | Ethernet [VLAN] | IP | TCP (seq S + k*mss)  | P[k*mss, min(P, (k+1)*mss)) |
 *   IPv4: total length of the segment, identification + k (as GSO without FIXEDID), header checksum anew
 *   IPv6: payload length of the segment (extension headers, if any, copied)
 *   TCP:  FIN and PSH only on the last segment, CWR only on the first (RFC 3168 6.1.2: once per window);
 *         a full checksum (never partial: the result goes out as ordinary frames)
 * </pre>
 *
 * Ethernet and IP headers are copied from the frame as it is (after NAT and the router's MAC rewrite). One
 * entry point, allocation-free: {@link #segment}. Stateless.
 */
public final class TcpSegmenter {
    private TcpSegmenter() {}

    /** Segments a frame of {@code payload} bytes makes at {@code mss} bytes each. */
    public static int count(int payload, int mss) {
        return payload <= 0 ? 1 : (payload + mss - 1) / mss;
    }

    /** TCP payload bytes of the decoded slot (its L4 length less the TCP header). */
    public static int payload(PacketSlot s) {
        return s.l4Length - s.tcpHeaderLength;
    }

    /**
     * Writes segment {@code k} (0-based, of {@link #count}) of the TCP frame in {@code s} into {@code out} from
     * offset 0.
     *
     * @return the segment's frame length, or -1 if {@code s} is not a complete TCP frame or {@code out} is short
     */
    public static int segment(PacketSlot s, int mss, int k, byte[] out) {
        if (s.l4Proto != Ipv4Header.PROTO_TCP || s.tcpHeaderLength < TcpHeader.MIN_LENGTH || mss <= 0) {
            return -1;
        }
        byte[] b = s.data;
        int total = payload(s);
        int segments = count(total, mss);
        if (k < 0 || k >= segments) {
            return -1;
        }
        int headers = s.l4Offset + s.tcpHeaderLength;
        int start = k * mss;
        int n = Math.max(0, Math.min(mss, total - start));
        if (headers + n > out.length) {
            return -1;
        }
        System.arraycopy(b, 0, out, 0, headers);
        System.arraycopy(b, headers + start, out, headers, n);
        int l3 = s.l3Offset;
        int l4 = s.l4Offset;
        int l4Len = s.tcpHeaderLength + n;
        long pseudo;
        if (s.ipVersion == 4) {
            Ipv4Header.totalLength(out, l3, l4 - l3 + l4Len);
            int id = Bytes.u16(b, l3 + Ipv4Header.ID_OFFSET);
            Bytes.u16(out, l3 + Ipv4Header.ID_OFFSET, (id + k) & 0xFFFF);
            Checksum.setIpv4Header(out, l3);
            pseudo = Checksum.pseudoIpv4(
                    Bytes.u32(out, l3 + Ipv4Header.SRC_OFFSET),
                    Bytes.u32(out, l3 + Ipv4Header.DST_OFFSET),
                    Ipv4Header.PROTO_TCP,
                    l4Len);
        } else {
            Bytes.u16(out, l3 + Ipv6Header.PAYLOAD_LENGTH_OFFSET, l4 - l3 - Ipv6Header.LENGTH + l4Len);
            pseudo = Checksum.pseudoIpv6(
                    Bytes.i64(out, l3 + Ipv6Header.SRC_OFFSET),
                    Bytes.i64(out, l3 + Ipv6Header.SRC_OFFSET + 8),
                    Bytes.i64(out, l3 + Ipv6Header.DST_OFFSET),
                    Bytes.i64(out, l3 + Ipv6Header.DST_OFFSET + 8),
                    Ipv4Header.PROTO_TCP,
                    l4Len);
        }
        Bytes.u32(out, l4 + TcpHeader.SEQ_OFFSET, (Bytes.u32(b, l4 + TcpHeader.SEQ_OFFSET) + start) & 0xFFFF_FFFFL);
        int flags = out[l4 + TcpHeader.FLAGS_OFFSET] & 0xFF;
        if (k != segments - 1) {
            flags &= ~(TcpHeader.FIN | TcpHeader.PSH);
        }
        if (k != 0) {
            flags &= ~TcpHeader.CWR;
        }
        out[l4 + TcpHeader.FLAGS_OFFSET] = (byte) flags;
        Bytes.u16(out, l4 + TcpHeader.CHECKSUM_OFFSET, 0);
        Bytes.u16(out, l4 + TcpHeader.CHECKSUM_OFFSET, Checksum.finish(Checksum.sum(out, l4, l4Len) + pseudo));
        return headers + n;
    }
}
