package io.ftpalg.cli.analyze;

import io.ftpalg.engine.codec.Bytes;
import io.ftpalg.engine.codec.Decoder;
import io.ftpalg.engine.codec.EthernetHeader;
import io.ftpalg.engine.codec.IcmpHeader;
import io.ftpalg.engine.codec.Ipv4Header;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.IpAddress;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.pcap.CaptureReader;
import io.ftpalg.pcap.LinkType;
import io.ftpalg.pcap.PcapRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a pcap or pcapng file (pcap-io's {@link CaptureReader}) and decodes every frame with the engine's
 * {@link Decoder}, keeping the TCP segments and ICMP errors. Link types: Ethernet, Linux cooked v1 and v2
 * ({@code tcpdump -i any}), raw IPv4/IPv6. Frames of other link types, non-IP frames and frames the decoder
 * refuses (truncated by the snap length, bad IPv4 header checksum...) are counted, not analysed.
 */
final class FrameReader {
    /** What the reader skipped, by reason, for the report. */
    static final class Skipped {
        int nonIp;
        int undecodable;
        int otherProtocol;
        int otherLinkType;
        /** Frames cut by the snap length (padded with zeros, analysed). */
        int truncated;
    }

    private FrameReader() {}

    static List<Frame> read(Path file, Skipped skipped) throws IOException {
        List<Frame> out = new ArrayList<>();
        PcapRecord r = new PcapRecord(CaptureReader.MAX_BLOCK_LENGTH);
        PacketSlot slot = new PacketSlot(CaptureReader.MAX_BLOCK_LENGTH + 64);
        Decoder decoder = new Decoder();
        int number = 0;
        try (CaptureReader reader = CaptureReader.open(file)) {
            while (reader.next(r)) {
                number++;
                // The pcapng interface name (or id); "0" for classic pcap. Interfaces may be declared after the first
                // packet, so the name is used even when only one is known yet.
                String iface = reader.isPcapng() ? ifaceName(reader, r.interfaceId) : "0";
                if (r.capturedLength < r.originalLength) {
                    skipped.truncated++;
                }
                // Every link type is turned into an Ethernet frame for the Decoder: a zero MAC header and the
                // EtherType the link header names (or the IP version nibble says).
                int l3; // offset of the IP header in r.data
                int etherType;
                switch (r.linkType) {
                    case LinkType.ETHERNET -> {
                        l3 = -1;
                        etherType = 0;
                    }
                    case LinkType.LINUX_SLL -> {
                        // SLL v1: packet type u16 | ARPHRD u16 | addr len u16 | addr 8 | protocol u16 (16 bytes)
                        if (r.capturedLength < 16) {
                            skipped.undecodable++;
                            continue;
                        }
                        l3 = 16;
                        etherType = Bytes.u16(r.data, 14);
                    }
                    case LinkType.LINUX_SLL2 -> {
                        // SLL v2: protocol u16 | reserved u16 | ifindex u32 | ARPHRD u16 | type u8 | addr len u8
                        // | addr 8 (20 bytes). The ifindex tells the two sides of a router apart in -i any.
                        if (r.capturedLength < 20) {
                            skipped.undecodable++;
                            continue;
                        }
                        l3 = 20;
                        etherType = Bytes.u16(r.data, 0);
                        iface = iface + "/if" + Bytes.u32(r.data, 4);
                    }
                    case LinkType.RAW, LinkType.IPV4, LinkType.IPV6 -> {
                        if (r.capturedLength < 1) {
                            skipped.undecodable++;
                            continue;
                        }
                        l3 = 0;
                        etherType = (r.data[0] >> 4 & 0xF) == 6
                                ? EthernetHeader.ETHER_TYPE_IPV6
                                : EthernetHeader.ETHER_TYPE_IPV4;
                    }
                    default -> {
                        skipped.otherLinkType++;
                        continue;
                    }
                }
                if (l3 < 0) {
                    System.arraycopy(r.data, 0, slot.data, 0, r.capturedLength);
                    slot.length = r.capturedLength;
                } else {
                    int n = r.capturedLength - l3;
                    Arrays.fill(slot.data, 0, 12, (byte) 0);
                    Bytes.u16(slot.data, 12, etherType);
                    System.arraycopy(r.data, l3, slot.data, EthernetHeader.LENGTH, n);
                    slot.length = EthernetHeader.LENGTH + n;
                }
                if (r.capturedLength < r.originalLength) {
                    // Cut by the snap length (tcpdump -s): the headers are there, the rest is padded with zeros
                    // so that the lengths (bytes moved, sequence space) stay right. Control lines are short and
                    // fit in any usual snap length; data bytes are only counted.
                    int full = Math.min(slot.length + (r.originalLength - r.capturedLength), slot.data.length);
                    Arrays.fill(slot.data, slot.length, full, (byte) 0);
                    slot.length = full;
                }
                Counter c = decoder.decode(slot);
                if (c == Counter.PASS_NON_IP) {
                    skipped.nonIp++;
                    continue;
                }
                if (c != null || slot.fragment == PacketSlot.FRAG_LATER) {
                    skipped.undecodable++;
                    continue;
                }
                Frame f = toFrame(number, r.timestampNanos, iface, slot);
                if (f == null) {
                    skipped.otherProtocol++;
                } else {
                    out.add(f);
                }
            }
        }
        return out;
    }

    private static String ifaceName(CaptureReader reader, int id) {
        String name = reader.interfaceName(id);
        return name != null ? name : Integer.toString(id);
    }

    private static IpAddress address(int version, long hi, long lo) {
        return version == 6 ? IpAddress.v6(hi, lo) : IpAddress.v4(lo);
    }

    private static Frame toFrame(int number, long time, String iface, PacketSlot s) {
        IpAddress src = address(s.ipVersion, s.srcHi, s.srcLo);
        IpAddress dst = address(s.ipVersion, s.dstHi, s.dstLo);
        byte[] b = s.data;
        if (s.l4Proto == Ipv4Header.PROTO_TCP && s.tcpHeaderLength > 0) {
            byte[] payload = Arrays.copyOfRange(b, s.payloadOffset, s.payloadOffset + s.payloadLength);
            return new Frame(
                    number,
                    time,
                    iface,
                    src,
                    dst,
                    6,
                    s.ttl,
                    s.srcPort,
                    s.dstPort,
                    s.tcpFlags,
                    s.seq,
                    s.ack,
                    payload,
                    0,
                    0,
                    null);
        }
        boolean v6 = s.ipVersion == 6;
        if ((s.l4Proto == Ipv4Header.PROTO_ICMP && !v6) || (s.l4Proto == Ipv4Header.PROTO_ICMPV6 && v6)) {
            if (s.l4Length < IcmpHeader.LENGTH || !IcmpHeader.isError(v6, s.icmpType)) {
                return null;
            }
            Frame.Quoted q = quoted(b, s.payloadOffset, s.payloadOffset + s.payloadLength, v6);
            if (q == null) {
                return null;
            }
            return new Frame(
                    number,
                    time,
                    iface,
                    src,
                    dst,
                    v6 ? 58 : 1,
                    s.ttl,
                    0,
                    0,
                    0,
                    0,
                    0,
                    new byte[0],
                    s.icmpType,
                    s.icmpCode,
                    q);
        }
        return null;
    }

    /**
     * The packet an ICMP error quotes: its IP header (IPv4 with options, or the fixed IPv6 header; extension
     * headers are not walked) and at least the first 8 bytes of its TCP header: ports and sequence number. Null
     * when it is not TCP or is cut shorter than that.
     */
    private static Frame.Quoted quoted(byte[] b, int from, int to, boolean v6) {
        if (!v6) {
            if (to - from < 20 || (b[from] >> 4 & 0xF) != 4) {
                return null;
            }
            int hl = (b[from] & 0xF) * 4;
            if (b[from + 9] != 6 || to - from < hl + 8) {
                return null;
            }
            int t = from + hl;
            return new Frame.Quoted(
                    IpAddress.v4(Bytes.u32(b, from + 12)),
                    IpAddress.v4(Bytes.u32(b, from + 16)),
                    TcpHeader.srcPort(b, t),
                    TcpHeader.dstPort(b, t),
                    TcpHeader.seq(b, t));
        }
        if (to - from < 48 || (b[from] >> 4 & 0xF) != 6 || b[from + 6] != 6) {
            return null;
        }
        int t = from + 40;
        return new Frame.Quoted(
                IpAddress.v6(Bytes.i64(b, from + 8), Bytes.i64(b, from + 16)),
                IpAddress.v6(Bytes.i64(b, from + 24), Bytes.i64(b, from + 32)),
                TcpHeader.srcPort(b, t),
                TcpHeader.dstPort(b, t),
                TcpHeader.seq(b, t));
    }
}
