package io.ftpalg.engine.codec;

import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.stats.Counter;

/**
 * Decodes one Ethernet frame into the metadata fields of its {@link PacketSlot}: the single place where frame
 * bytes are validated. Later stages read the slot's fields and trust them.
 *
 * <pre>
 *  Ethernet [802.1ad/802.1Q tag]{0,2} --+-- 0x0800 IPv4 [options] ---------------+-- TCP [options] [payload]
 *                                       +-- 0x86DD IPv6 [extension headers]{0,8} +-- UDP [payload]
 *                                       +-- anything else: PASS_NON_IP           +-- ICMP / ICMPv6
 *                                                                                +-- other: l4Proto only
 * </pre>
 *
 * <p>Contract of {@link #decode}: {@code null} means "an IP packet, decoded, process it"; {@link
 * Counter#PASS_NON_IP} means "not IP, forward untouched"; any other counter is a drop reason. No exception is
 * thrown for any content of {@code data[0..length)}, and nothing is allocated.
 *
 * <p>Strictness, in short: every length field is checked against the bytes that are there and against the
 * enclosing length, because later stages index the array with them. Bytes beyond the IP packet's own length are
 * Ethernet padding (frames are padded to 60 bytes) and are ignored. Checksums: the IPv4 header checksum is checked
 * here (a corrupt header could name the wrong flow); L4 checksums are not (the engine checks where it matters,
 * with {@link Checksum#verifyL4}).
 *
 * <p>Fragments: a later fragment ({@link PacketSlot#FRAG_LATER}) carries no L4 header and is returned with
 * {@code l4Proto} and {@code l4Offset} only, for the engine's fragment policy. A first fragment is decoded up to
 * L4 only if the whole L4 header (TCP options included) is inside it; otherwise it is returned like a later
 * fragment ({@code tcpHeaderLength == 0}, ports 0) — the RFC 1858 tiny-fragment case, for the engine to refuse.
 */
public final class Decoder {
    /** RFC 8200 section 4.1 sets no limit; more than this many headers is an evasion attempt, not traffic. */
    public static final int MAX_IPV6_EXTENSION_HEADERS = 8;

    public Decoder() {}

    /**
     * Decodes {@code s.data[0..s.length)}.
     *
     * @return {@code null} for a decoded IP packet, {@link Counter#PASS_NON_IP}, or a drop counter
     */
    public Counter decode(PacketSlot s) {
        s.resetMetadata();
        byte[] b = s.data;
        int len = s.length;
        if (len > b.length || len < 0) {
            return Counter.DROP_FRAME_TOO_LARGE;
        }
        if (len < EthernetHeader.LENGTH) {
            return Counter.DROP_TRUNCATED_ETHERNET;
        }
        // typeOff: where the EtherType (or a TPID) of the current level is.
        int typeOff = EthernetHeader.ETHER_TYPE_OFFSET;
        int type = Bytes.u16(b, typeOff);
        while (EthernetHeader.isVlanTpid(type)) {
            if (s.vlanCount == EthernetHeader.MAX_VLAN_TAGS) {
                // QinQinQ is not deployed; refusing it keeps the L3 offset bounded.
                return Counter.DROP_TOO_MANY_VLAN_TAGS;
            }
            // The tag (TPID + TCI) and the next EtherType must all be there.
            if (typeOff + EthernetHeader.VLAN_TAG_LENGTH + 2 > len) {
                return Counter.DROP_TRUNCATED_VLAN;
            }
            if (s.vlanCount == 0) {
                s.vlanId = EthernetHeader.vlanId(b, typeOff);
            }
            s.vlanCount++;
            typeOff += EthernetHeader.VLAN_TAG_LENGTH;
            type = Bytes.u16(b, typeOff);
        }
        s.etherType = type;
        s.l3Offset = typeOff + 2;
        switch (type) {
            case EthernetHeader.ETHER_TYPE_IPV4:
                return decodeIpv4(s, b, len);
            case EthernetHeader.ETHER_TYPE_IPV6:
                return decodeIpv6(s, b, len);
            default:
                return Counter.PASS_NON_IP;
        }
    }

    private static Counter decodeIpv4(PacketSlot s, byte[] b, int len) {
        int ip = s.l3Offset;
        int avail = len - ip;
        if (avail < Ipv4Header.MIN_LENGTH) {
            return Counter.DROP_IPV4_TRUNCATED;
        }
        if (Ipv4Header.version(b, ip) != Ipv4Header.VERSION) {
            return Counter.DROP_IPV4_BAD_VERSION;
        }
        int hl = Ipv4Header.headerLength(b, ip);
        if (hl < Ipv4Header.MIN_LENGTH) {
            return Counter.DROP_IPV4_BAD_HEADER_LENGTH;
        }
        if (hl > avail) {
            return Counter.DROP_IPV4_TRUNCATED;
        }
        int total = Ipv4Header.totalLength(b, ip);
        if (total < hl) {
            return Counter.DROP_IPV4_BAD_TOTAL_LENGTH;
        }
        if (total > avail) {
            // The packet is shorter than its header says: cut in capture or a lying length, either way unusable.
            return Counter.DROP_IPV4_TRUNCATED;
        }
        if (!Checksum.verifyIpv4Header(b, ip, hl)) {
            return Counter.DROP_IPV4_BAD_CHECKSUM;
        }
        if (hl > Ipv4Header.MIN_LENGTH && !ipv4OptionsValid(b, ip + Ipv4Header.OPTIONS_OFFSET, ip + hl)) {
            return Counter.DROP_IPV4_BAD_OPTIONS;
        }
        s.ipVersion = 4;
        s.l3Length = total;
        s.ttl = Ipv4Header.ttl(b, ip);
        s.ipId = Ipv4Header.id(b, ip);
        s.srcLo = Ipv4Header.src(b, ip);
        s.dstLo = Ipv4Header.dst(b, ip);
        s.l4Proto = Ipv4Header.protocol(b, ip);
        s.l4Offset = ip + hl;
        s.l4Length = total - hl;
        // The reserved flag (RFC 791, "must be zero") is ignored: dropping on it buys nothing. An unfragmented
        // packet with DF clear is FRAG_NONE, as is the "atomic" offset 0, MF clear case.
        int ff = Ipv4Header.flagsFragment(b, ip);
        if ((ff & Ipv4Header.FRAGMENT_OFFSET_MASK) != 0) {
            s.fragment = PacketSlot.FRAG_LATER;
            return null;
        }
        if ((ff & Ipv4Header.FLAG_MF) != 0) {
            s.fragment = PacketSlot.FRAG_FIRST;
        }
        return decodeL4(s, b);
    }

    /**
     * Walks IPv4 options in {@code [p, end)} (RFC 791 page 15): EOL ends the list (what follows is padding), NOP is
     * one byte, any other option is kind, length, data with {@code 2 <= length} and the option inside the header.
     * Option contents (source routes, timestamps) are not interpreted: the ALG neither routes by nor rewrites them.
     */
    private static boolean ipv4OptionsValid(byte[] b, int p, int end) {
        while (p < end) {
            int kind = Bytes.u8(b, p);
            if (kind == Ipv4Header.OPTION_EOL) {
                return true;
            }
            if (kind == Ipv4Header.OPTION_NOP) {
                p++;
                continue;
            }
            if (p + 1 >= end) {
                return false;
            }
            int olen = Bytes.u8(b, p + 1);
            if (olen < 2 || olen > end - p) {
                return false;
            }
            p += olen;
        }
        return true;
    }

    private static Counter decodeIpv6(PacketSlot s, byte[] b, int len) {
        int ip = s.l3Offset;
        int avail = len - ip;
        if (avail < Ipv6Header.LENGTH) {
            return Counter.DROP_IPV6_TRUNCATED;
        }
        if (Ipv6Header.version(b, ip) != Ipv6Header.VERSION) {
            return Counter.DROP_IPV6_BAD_VERSION;
        }
        int plen = Ipv6Header.payloadLength(b, ip);
        if (plen == 0) {
            // Jumbogram (RFC 2675): payload length 0 with a hop-by-hop jumbo option. Not on Ethernet; refused
            // rather than trusting a 32-bit length from an option.
            return Counter.DROP_IPV6_BAD_PAYLOAD_LENGTH;
        }
        if (Ipv6Header.LENGTH + plen > avail) {
            return Counter.DROP_IPV6_TRUNCATED;
        }
        s.ipVersion = 6;
        s.l3Length = Ipv6Header.LENGTH + plen;
        s.ttl = Ipv6Header.hopLimit(b, ip);
        s.srcHi = Ipv6Header.srcHi(b, ip);
        s.srcLo = Ipv6Header.srcLo(b, ip);
        s.dstHi = Ipv6Header.dstHi(b, ip);
        s.dstLo = Ipv6Header.dstLo(b, ip);

        int end = ip + s.l3Length;
        int nhOff = ip + Ipv6Header.NEXT_HEADER_OFFSET;
        int nh = Bytes.u8(b, nhOff);
        int p = ip + Ipv6Header.LENGTH;
        int count = 0;
        boolean later = false;
        boolean sawFragment = false;
        while (Ipv6Header.isWalkedExtension(nh)) {
            if (++count > MAX_IPV6_EXTENSION_HEADERS) {
                return Counter.DROP_IPV6_BAD_EXTENSION_CHAIN;
            }
            // RFC 8200 section 4.3: hop-by-hop options only immediately after the IPv6 header.
            if (nh == Ipv6Header.EXT_HOP_BY_HOP && count != 1) {
                return Counter.DROP_IPV6_BAD_EXTENSION_CHAIN;
            }
            if (end - p < Ipv6Header.EXT_MIN_LENGTH) {
                // Every extension header, AH and fragment included, is at least 8 bytes.
                return Counter.DROP_IPV6_BAD_EXTENSION_CHAIN;
            }
            int hlen;
            if (nh == Ipv6Header.EXT_FRAGMENT) {
                if (sawFragment) {
                    // Two fragment headers: nested fragmentation is meaningless and only serves evasion.
                    return Counter.DROP_IPV6_BAD_EXTENSION_CHAIN;
                }
                sawFragment = true;
                hlen = Ipv6Header.FRAG_HEADER_LENGTH;
                int ofl = Bytes.u16(b, p + Ipv6Header.FRAG_OFFSET_FLAGS_OFFSET);
                s.ipId = Bytes.u32(b, p + Ipv6Header.FRAG_ID_OFFSET);
                if ((ofl & Ipv6Header.FRAG_OFFSET_MASK) != 0) {
                    s.fragment = PacketSlot.FRAG_LATER;
                    later = true;
                } else if ((ofl & Ipv6Header.FRAG_MORE) != 0) {
                    s.fragment = PacketSlot.FRAG_FIRST;
                }
                // Offset 0 and M clear: an atomic fragment (RFC 6946), processed as a whole packet.
            } else if (nh == Ipv6Header.EXT_AH) {
                hlen = (Bytes.u8(b, p + Ipv6Header.EXT_LENGTH_OFFSET) + 2) << 2;
            } else {
                hlen = (Bytes.u8(b, p + Ipv6Header.EXT_LENGTH_OFFSET) + 1) << 3;
            }
            if (hlen > end - p) {
                return Counter.DROP_IPV6_BAD_EXTENSION_CHAIN;
            }
            nhOff = p + Ipv6Header.EXT_NEXT_HEADER_OFFSET;
            nh = Bytes.u8(b, nhOff);
            p += hlen;
            if (later) {
                // What follows a non-first fragment header is the middle of the datagram, not a header.
                break;
            }
        }
        s.nextHeaderFieldOffset = nhOff;
        s.l4Proto = nh;
        s.l4Offset = p;
        s.l4Length = end - p;
        if (later || nh == Ipv6Header.EXT_ESP || nh == Ipv6Header.EXT_NO_NEXT_HEADER) {
            return null;
        }
        return decodeL4(s, b);
    }

    private static Counter decodeL4(PacketSlot s, byte[] b) {
        switch (s.l4Proto) {
            case Ipv4Header.PROTO_TCP:
                return decodeTcp(s, b);
            case Ipv4Header.PROTO_UDP:
                return decodeUdp(s, b);
            case Ipv4Header.PROTO_ICMP:
                return s.ipVersion == 4 ? decodeIcmp(s, b, false) : null;
            case Ipv4Header.PROTO_ICMPV6:
                return s.ipVersion == 6 ? decodeIcmp(s, b, true) : null;
            default:
                return null;
        }
    }

    private static Counter decodeTcp(PacketSlot s, byte[] b) {
        int o = s.l4Offset;
        boolean frag = s.fragment != PacketSlot.FRAG_NONE;
        if (s.l4Length < TcpHeader.MIN_LENGTH) {
            return frag ? null : Counter.DROP_TCP_TRUNCATED;
        }
        int hl = TcpHeader.headerLength(b, o);
        if (hl < TcpHeader.MIN_LENGTH) {
            return Counter.DROP_TCP_BAD_HEADER_LENGTH;
        }
        if (hl > s.l4Length) {
            return frag ? null : Counter.DROP_TCP_TRUNCATED;
        }
        if (hl > TcpHeader.MIN_LENGTH && !tcpOptions(s, b, o + TcpHeader.OPTIONS_OFFSET, o + hl)) {
            return Counter.DROP_TCP_BAD_OPTIONS;
        }
        s.srcPort = TcpHeader.srcPort(b, o);
        s.dstPort = TcpHeader.dstPort(b, o);
        s.seq = TcpHeader.seq(b, o);
        s.ack = TcpHeader.ack(b, o);
        s.tcpFlags = TcpHeader.flags(b, o);
        s.window = TcpHeader.window(b, o);
        s.tcpHeaderLength = hl;
        s.payloadOffset = o + hl;
        s.payloadLength = s.l4Length - hl;
        return null;
    }

    /**
     * Walks TCP options in {@code [p, end)}. Strict on the options the ALG depends on: a SACK option must be 2 + 8n
     * bytes with n in 1..4 and appear once, because sequence adjustment rewrites its blocks in place; MSS, window
     * scale, SACK-permitted and timestamps must have their RFC lengths (RFC 9293 section 3.2 lets a receiver treat
     * a wrong length as malformed). Unknown kinds pass if their length is at least 2 and fits.
     */
    private static boolean tcpOptions(PacketSlot s, byte[] b, int p, int end) {
        while (p < end) {
            int kind = Bytes.u8(b, p);
            if (kind == TcpHeader.OPT_EOL) {
                return true;
            }
            if (kind == TcpHeader.OPT_NOP) {
                p++;
                continue;
            }
            if (p + 1 >= end) {
                return false;
            }
            int olen = Bytes.u8(b, p + 1);
            if (olen > end - p) {
                return false;
            }
            switch (kind) {
                case TcpHeader.OPT_MSS:
                    if (olen != TcpHeader.OPT_MSS_LENGTH) {
                        return false;
                    }
                    break;
                case TcpHeader.OPT_WSCALE:
                    if (olen != TcpHeader.OPT_WSCALE_LENGTH) {
                        return false;
                    }
                    break;
                case TcpHeader.OPT_SACK_PERMITTED:
                    if (olen != TcpHeader.OPT_SACK_PERMITTED_LENGTH) {
                        return false;
                    }
                    break;
                case TcpHeader.OPT_TIMESTAMPS:
                    if (olen != TcpHeader.OPT_TIMESTAMPS_LENGTH) {
                        return false;
                    }
                    break;
                case TcpHeader.OPT_SACK:
                    int blocks = (olen - 2) >> 3;
                    if (s.sackOffset >= 0
                            || olen != 2 + blocks * TcpHeader.SACK_BLOCK_LENGTH
                            || blocks < 1
                            || blocks > TcpHeader.MAX_SACK_BLOCKS) {
                        return false;
                    }
                    s.sackOffset = p + 2;
                    s.sackBlocks = blocks;
                    break;
                default:
                    if (olen < 2) {
                        return false;
                    }
            }
            p += olen;
        }
        return true;
    }

    private static Counter decodeUdp(PacketSlot s, byte[] b) {
        int o = s.l4Offset;
        boolean frag = s.fragment != PacketSlot.FRAG_NONE;
        if (s.l4Length < UdpHeader.LENGTH) {
            return frag ? null : Counter.DROP_UDP_TRUNCATED;
        }
        int ulen = UdpHeader.length(b, o);
        if (ulen < UdpHeader.LENGTH) {
            return Counter.DROP_UDP_BAD_LENGTH;
        }
        if (frag) {
            // A first fragment holds only part of the datagram that the length field describes.
            s.payloadLength = s.l4Length - UdpHeader.LENGTH;
        } else {
            if (ulen > s.l4Length) {
                return Counter.DROP_UDP_BAD_LENGTH;
            }
            // A UDP length shorter than the IP payload is accepted, the surplus ignored (as Linux trims it).
            s.payloadLength = ulen - UdpHeader.LENGTH;
        }
        s.srcPort = UdpHeader.srcPort(b, o);
        s.dstPort = UdpHeader.dstPort(b, o);
        s.payloadOffset = o + UdpHeader.LENGTH;
        return null;
    }

    /** ICMP and ICMPv6: 8 bytes of header; for errors the payload is the quoted packet. */
    private static Counter decodeIcmp(PacketSlot s, byte[] b, boolean v6) {
        int o = s.l4Offset;
        if (s.l4Length < IcmpHeader.LENGTH) {
            return s.fragment != PacketSlot.FRAG_NONE ? null : Counter.DROP_ICMP_TRUNCATED;
        }
        s.icmpType = IcmpHeader.type(b, o);
        s.icmpCode = IcmpHeader.code(b, o);
        if (IcmpHeader.isEcho(v6, s.icmpType)) {
            s.srcPort = s.dstPort = IcmpHeader.identifier(b, o);
        }
        s.payloadOffset = o + IcmpHeader.LENGTH;
        s.payloadLength = s.l4Length - IcmpHeader.LENGTH;
        return null;
    }
}
