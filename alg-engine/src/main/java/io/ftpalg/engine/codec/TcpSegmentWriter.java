package io.ftpalg.engine.codec;

/**
 * Writes the bare TCP segments the gateway sends on its own behalf (resets for unknown flows, keepalive probes):
 * the link-layer header of a frame seen on that link with its two MAC addresses replaced, an IPv4 or IPv6 header,
 * and a 20-byte TCP header with no options and no payload. Slow path; no allocation.
 *
 * <pre>
 *   [ dst MAC | src MAC | (VLAN tags as seen) | EtherType ] [ IPv4 20 / IPv6 40 ] [ TCP 20, no options ]
 *   IPv4: version 4, IHL 5, DF, TTL 64, id 0, protocol 6     IPv6: hop limit 64, next header 6, flow label 0
 * </pre>
 */
public final class TcpSegmentWriter {
    /** Longest link-layer header copied: Ethernet with two VLAN tags. */
    public static final int MAX_L2 =
            EthernetHeader.LENGTH + EthernetHeader.MAX_VLAN_TAGS * EthernetHeader.VLAN_TAG_LENGTH;
    /** Longest frame written. */
    public static final int MAX_FRAME = MAX_L2 + Ipv6Header.LENGTH + TcpHeader.MIN_LENGTH;

    private static final int TTL = 64;

    private TcpSegmentWriter() {}

    /**
     * Writes a segment into {@code o} from offset 0 and returns the frame's length.
     *
     * @param l2 bytes of a link-layer header seen on the egress link ({@code l2Len} bytes from {@code l2Off},
     *     ending with the EtherType of the IP version written); its VLAN tags are kept, its MACs replaced
     */
    public static int write(
            byte[] o,
            byte[] l2,
            int l2Off,
            int l2Len,
            long dstMac,
            long srcMac,
            int ipVersion,
            long srcHi,
            long srcLo,
            long dstHi,
            long dstLo,
            int srcPort,
            int dstPort,
            long seq,
            long ack,
            int flags,
            int window) {
        System.arraycopy(l2, l2Off, o, 0, l2Len);
        EthernetHeader.dstMac(o, 0, dstMac);
        EthernetHeader.srcMac(o, 0, srcMac);
        int ip = l2Len;
        int tcp;
        long pseudo;
        if (ipVersion == 4) {
            o[ip] = 0x45;
            o[ip + Ipv4Header.TOS_OFFSET] = 0;
            Ipv4Header.totalLength(o, ip, Ipv4Header.MIN_LENGTH + TcpHeader.MIN_LENGTH);
            Ipv4Header.id(o, ip, 0);
            Ipv4Header.flagsFragment(o, ip, Ipv4Header.FLAG_DF);
            Ipv4Header.ttl(o, ip, TTL);
            Ipv4Header.protocol(o, ip, Ipv4Header.PROTO_TCP);
            Ipv4Header.src(o, ip, srcLo);
            Ipv4Header.dst(o, ip, dstLo);
            Checksum.setIpv4Header(o, ip);
            tcp = ip + Ipv4Header.MIN_LENGTH;
            pseudo = Checksum.pseudoIpv4(srcLo, dstLo, Ipv4Header.PROTO_TCP, TcpHeader.MIN_LENGTH);
        } else {
            Ipv6Header.versionClassFlow(o, ip, 0x6000_0000L);
            Ipv6Header.payloadLength(o, ip, TcpHeader.MIN_LENGTH);
            Ipv6Header.nextHeader(o, ip, Ipv4Header.PROTO_TCP);
            Ipv6Header.hopLimit(o, ip, TTL);
            Ipv6Header.src(o, ip, srcHi, srcLo);
            Ipv6Header.dst(o, ip, dstHi, dstLo);
            tcp = ip + Ipv6Header.LENGTH;
            pseudo = Checksum.pseudoIpv6(srcHi, srcLo, dstHi, dstLo, Ipv4Header.PROTO_TCP, TcpHeader.MIN_LENGTH);
        }
        Bytes.u16(o, tcp + TcpHeader.SRC_PORT_OFFSET, srcPort);
        Bytes.u16(o, tcp + TcpHeader.DST_PORT_OFFSET, dstPort);
        Bytes.u32(o, tcp + TcpHeader.SEQ_OFFSET, seq & 0xFFFF_FFFFL);
        Bytes.u32(o, tcp + TcpHeader.ACK_OFFSET, ack & 0xFFFF_FFFFL);
        o[tcp + TcpHeader.DATA_OFFSET_OFFSET] = (byte) ((TcpHeader.MIN_LENGTH / 4) << 4);
        o[tcp + TcpHeader.FLAGS_OFFSET] = (byte) flags;
        Bytes.u16(o, tcp + TcpHeader.WINDOW_OFFSET, window);
        Bytes.u16(o, tcp + TcpHeader.CHECKSUM_OFFSET, 0);
        Bytes.u16(o, tcp + TcpHeader.URGENT_OFFSET, 0);
        int sum = Checksum.finish(Checksum.sum(o, tcp, TcpHeader.MIN_LENGTH) + pseudo);
        Bytes.u16(o, tcp + TcpHeader.CHECKSUM_OFFSET, sum);
        return tcp + TcpHeader.MIN_LENGTH;
    }
}
