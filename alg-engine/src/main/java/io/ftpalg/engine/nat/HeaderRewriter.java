package io.ftpalg.engine.nat;

import io.ftpalg.engine.codec.Bytes;
import io.ftpalg.engine.codec.Checksum;
import io.ftpalg.engine.codec.IcmpHeader;
import io.ftpalg.engine.codec.Ipv4Header;
import io.ftpalg.engine.codec.Ipv6Header;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.codec.UdpHeader;
import io.ftpalg.engine.pipeline.PacketSlot;

/**
 * Rewrites addresses and ports in place with incremental checksum updates (RFC 1624): the IPv4 header checksum
 * for addresses and TTL, and the TCP/UDP/ICMPv6 checksum for addresses (the pseudo-header, RFC 9293 3.1, RFC 8200
 * 8.1) and ports. When a stage has already changed the payload ({@link PacketSlot#l4Dirty}) the L4 checksum is
 * left for the full recompute that follows.
 */
public final class HeaderRewriter {
    private HeaderRewriter() {}

    /** Sets the source address and port (for ICMP echo, the identifier). */
    public static void setSource(PacketSlot s, long hi, long lo, int port) {
        if (s.srcHi != hi || s.srcLo != lo) {
            setAddress(s, true, hi, lo);
        }
        if (s.srcPort != port) {
            setPort(s, true, port);
        }
    }

    /** Sets the destination address and port. */
    public static void setDestination(PacketSlot s, long hi, long lo, int port) {
        if (s.dstHi != hi || s.dstLo != lo) {
            setAddress(s, false, hi, lo);
        }
        if (s.dstPort != port) {
            setPort(s, false, port);
        }
    }

    private static void setAddress(PacketSlot s, boolean source, long hi, long lo) {
        byte[] b = s.data;
        int l3 = s.l3Offset;
        int ck = l4ChecksumOffset(s, true);
        if (s.ipVersion == 4) {
            int off = l3 + (source ? Ipv4Header.SRC_OFFSET : Ipv4Header.DST_OFFSET);
            long old = Bytes.u32(b, off);
            Bytes.u32(b, off, lo);
            int hc = l3 + Ipv4Header.CHECKSUM_OFFSET;
            Bytes.u16(b, hc, Checksum.update32(Bytes.u16(b, hc), old, lo));
            if (ck >= 0) {
                int oldCk = Bytes.u16(b, ck);
                Bytes.u16(b, ck, fixUdp(s, oldCk, Checksum.update32(oldCk, old, lo)));
            }
        } else {
            int off = l3 + (source ? Ipv6Header.SRC_OFFSET : Ipv6Header.DST_OFFSET);
            long oldHi = Bytes.i64(b, off);
            long oldLo = Bytes.i64(b, off + 8);
            Bytes.i64(b, off, hi);
            Bytes.i64(b, off + 8, lo);
            if (ck >= 0) {
                int oldCk = Bytes.u16(b, ck);
                Bytes.u16(b, ck, fixUdp(s, oldCk, Checksum.updateAddress(oldCk, 6, oldHi, oldLo, hi, lo)));
            }
        }
        if (source) {
            s.srcHi = hi;
            s.srcLo = lo;
        } else {
            s.dstHi = hi;
            s.dstLo = lo;
        }
    }

    private static void setPort(PacketSlot s, boolean source, int port) {
        byte[] b = s.data;
        int l4 = s.l4Offset;
        int off;
        switch (s.l4Proto) {
            case 6:
                off = l4 + (source ? TcpHeader.SRC_PORT_OFFSET : TcpHeader.DST_PORT_OFFSET);
                break;
            case 17:
                off = l4 + (source ? UdpHeader.SRC_PORT_OFFSET : UdpHeader.DST_PORT_OFFSET);
                break;
            case 1:
            case 58:
                // Echo identifier: one field stands for both "ports"; write it once.
                off = l4 + IcmpHeader.IDENTIFIER_OFFSET;
                if (!source) {
                    s.dstPort = port;
                    if (s.srcPort == port) {
                        return;
                    }
                }
                break;
            default:
                return;
        }
        int old = Bytes.u16(b, off);
        Bytes.u16(b, off, port);
        int ck = l4ChecksumOffset(s, false);
        if (ck >= 0) {
            int oldCk = Bytes.u16(b, ck);
            Bytes.u16(b, ck, fixUdp(s, oldCk, Checksum.update16(oldCk, old, port)));
        }
        if (s.l4Proto == 1 || s.l4Proto == 58) {
            s.srcPort = port;
            s.dstPort = port;
        } else if (source) {
            s.srcPort = port;
        } else {
            s.dstPort = port;
        }
    }

    private static int fixUdp(PacketSlot s, int oldCk, int updated) {
        return s.l4Proto == 17 ? Checksum.updateUdp(oldCk, updated) : updated;
    }

    /**
     * Offset of the L4 checksum that covers what is being changed, or -1 when none must be updated here: no L4
     * header, a UDP/IPv4 datagram without checksum (zero, RFC 768), ICMPv4 for an address change (no
     * pseudo-header), or a payload already marked for full recompute.
     */
    private static int l4ChecksumOffset(PacketSlot s, boolean addressChange) {
        if (s.l4Dirty || s.fragment == PacketSlot.FRAG_LATER) {
            return -1;
        }
        int l4 = s.l4Offset;
        switch (s.l4Proto) {
            case 6:
                return l4 + TcpHeader.CHECKSUM_OFFSET;
            case 17:
                if (s.ipVersion == 4 && Bytes.u16(s.data, l4 + UdpHeader.CHECKSUM_OFFSET) == 0) {
                    return -1;
                }
                return l4 + UdpHeader.CHECKSUM_OFFSET;
            case 58:
                return l4 + IcmpHeader.CHECKSUM_OFFSET;
            case 1:
                return addressChange ? -1 : l4 + IcmpHeader.CHECKSUM_OFFSET;
            default:
                return -1;
        }
    }

    /** Decrements the IPv4 TTL or IPv6 hop limit (RFC 1812 5.3.1, RFC 8200 3). */
    public static void decrementTtl(PacketSlot s) {
        byte[] b = s.data;
        int l3 = s.l3Offset;
        if (s.ipVersion == 4) {
            int off = l3 + Ipv4Header.TTL_OFFSET;
            int oldWord = Bytes.u16(b, off);
            Bytes.u8(b, off, s.ttl - 1);
            int hc = l3 + Ipv4Header.CHECKSUM_OFFSET;
            Bytes.u16(b, hc, Checksum.update16(Bytes.u16(b, hc), oldWord, Bytes.u16(b, off)));
        } else {
            Bytes.u8(b, l3 + Ipv6Header.HOP_LIMIT_OFFSET, s.ttl - 1);
        }
        s.ttl--;
    }
}
