package io.ftpalg.engine.codec;

import io.ftpalg.engine.pipeline.PacketSlot;

/**
 * The Internet checksum (RFC 1071): full computation, pseudo-headers, and incremental update (RFC 1624).
 *
 * <p>Vocabulary used below: a <em>sum</em> is an unfolded {@code long} accumulator of big-endian 16-bit words (or
 * 32-bit words: since 2^16 = 1 modulo 0xFFFF, adding 32-bit words and folding later gives the same one's-complement
 * sum, RFC 1071 section 2(C)); {@link #fold} reduces a sum to 16 bits with end-around carries; a <em>checksum</em>
 * is the complement of a folded sum, as it travels in a header.
 *
 * <p>Every method is static, allocation-free and exception-free for in-bounds ranges.
 */
public final class Checksum {
    private Checksum() {}

    /**
     * One's-complement sum of {@code len} bytes from {@code off}, unfolded. An odd last byte counts as the high
     * byte of a word padded with zero (RFC 1071 section 4.1). Reads 32 bits at a time; a {@code long} accumulator
     * cannot overflow for any array a JVM can hold.
     */
    public static long sum(byte[] b, int off, int len) {
        long s = 0;
        int p = off;
        int end4 = off + (len & ~3);
        while (p < end4) {
            s += Bytes.u32(b, p);
            p += 4;
        }
        if ((len & 2) != 0) {
            s += Bytes.u16(b, p);
            p += 2;
        }
        if ((len & 1) != 0) {
            s += (b[p] & 0xFF) << 8;
        }
        return s;
    }

    /**
     * Folds a sum to 16 bits with end-around carry. A positive sum folds to 1..0xFFFF, never 0: that keeps
     * one's-complement "negative zero" (0xFFFF) distinct from positive zero, which is what makes {@link #update16}
     * agree with a full recomputation (RFC 1624 section 3).
     */
    public static int fold(long sum) {
        long s = (sum & 0xFFFF_FFFFL) + (sum >>> 32);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        return (int) s;
    }

    /** The checksum that goes on the wire for a sum: the complement of its fold. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xFFFF;
    }

    // ---- IPv4 header (RFC 791 section 3.1) ----

    /** Computes the IPv4 header checksum, treating the checksum field as zero. Does not write it. */
    public static int ipv4Header(byte[] b, int off) {
        int hl = Ipv4Header.headerLength(b, off);
        long s = sum(b, off, Ipv4Header.CHECKSUM_OFFSET)
                + sum(b, off + Ipv4Header.SRC_OFFSET, hl - Ipv4Header.SRC_OFFSET);
        return finish(s);
    }

    /** Computes and writes the IPv4 header checksum of the header at {@code off}. */
    public static void setIpv4Header(byte[] b, int off) {
        Ipv4Header.checksum(b, off, ipv4Header(b, off));
    }

    /**
     * Whether the {@code headerLength}-byte IPv4 header at {@code off} carries a correct checksum: its sum, field
     * included, folds to 0xFFFF (RFC 1071 section 1(4)).
     */
    public static boolean verifyIpv4Header(byte[] b, int off, int headerLength) {
        if (headerLength == Ipv4Header.MIN_LENGTH) {
            // The common header without options, every packet: two 64-bit loads and one 32-bit load instead of a
            // loop of five; the sum of the four 32-bit halves folds to the same one's-complement sum.
            long w0 = Bytes.i64(b, off);
            long w1 = Bytes.i64(b, off + 8);
            long s = (w0 >>> 32) + (w0 & 0xFFFF_FFFFL) + (w1 >>> 32) + (w1 & 0xFFFF_FFFFL) + Bytes.u32(b, off + 16);
            return fold(s) == 0xFFFF;
        }
        return fold(sum(b, off, headerLength)) == 0xFFFF;
    }

    // ---- pseudo-headers ----

    /** IPv4 pseudo-header sum (RFC 9293 section 3.1): src, dst, zero, protocol, TCP/UDP length. */
    public static long pseudoIpv4(long src, long dst, int proto, int l4Length) {
        return (src & 0xFFFF_FFFFL) + (dst & 0xFFFF_FFFFL) + proto + l4Length;
    }

    /** IPv6 pseudo-header sum (RFC 8200 section 8.1): src, dst, upper-layer length (32 bits), next header. */
    public static long pseudoIpv6(long srcHi, long srcLo, long dstHi, long dstLo, int proto, int l4Length) {
        return (srcHi >>> 32)
                + (srcHi & 0xFFFF_FFFFL)
                + (srcLo >>> 32)
                + (srcLo & 0xFFFF_FFFFL)
                + (dstHi >>> 32)
                + (dstHi & 0xFFFF_FFFFL)
                + (dstLo >>> 32)
                + (dstLo & 0xFFFF_FFFFL)
                + proto
                + (l4Length & 0xFFFF_FFFFL);
    }

    /** The pseudo-header sum for the slot's decoded addresses and {@link PacketSlot#l4Proto}. */
    public static long pseudoHeader(PacketSlot s, int l4Length) {
        return s.ipVersion == 6
                ? pseudoIpv6(s.srcHi, s.srcLo, s.dstHi, s.dstLo, s.l4Proto, l4Length)
                : pseudoIpv4(s.srcLo, s.dstLo, s.l4Proto, l4Length);
    }

    // ---- upper layer, from a decoded slot ----

    /**
     * Offset of the checksum field inside the L4 header of {@code proto} in an IP packet of {@code ipVersion}, or
     * -1 when the decoder does not know one (other protocols; ICMP over IPv6 and ICMPv6 over IPv4 are nonsense).
     */
    public static int l4ChecksumOffset(int ipVersion, int proto) {
        switch (proto) {
            case Ipv4Header.PROTO_TCP:
                return TcpHeader.CHECKSUM_OFFSET;
            case Ipv4Header.PROTO_UDP:
                return UdpHeader.CHECKSUM_OFFSET;
            case Ipv4Header.PROTO_ICMP:
                return ipVersion == 4 ? IcmpHeader.CHECKSUM_OFFSET : -1;
            case Ipv4Header.PROTO_ICMPV6:
                return ipVersion == 6 ? IcmpHeader.CHECKSUM_OFFSET : -1;
            default:
                return -1;
        }
    }

    /**
     * The sum over the slot's L4 message, pseudo-header included where the protocol has one. UDP covers its own
     * length field's bytes (which the decoder checked to be within {@code l4Length}); the others cover
     * {@code l4Length}.
     */
    private static long l4Sum(PacketSlot s) {
        byte[] b = s.data;
        int len = s.l4Length;
        if (s.l4Proto == Ipv4Header.PROTO_UDP) {
            len = UdpHeader.length(b, s.l4Offset);
        }
        long sum = sum(b, s.l4Offset, len);
        if (s.l4Proto != Ipv4Header.PROTO_ICMP) {
            sum += pseudoHeader(s, len);
        }
        return sum;
    }

    /**
     * Writes a fresh TCP, UDP, ICMP or ICMPv6 checksum for a decoded slot. UDP's computed zero is sent as 0xFFFF
     * (RFC 768). Meaningless for fragments (the checksum covers the reassembled datagram): nothing is written for
     * them.
     *
     * @return whether a checksum was written
     */
    public static boolean computeL4(PacketSlot s) {
        int field = l4ChecksumOffset(s.ipVersion, s.l4Proto);
        if (field < 0 || s.fragment != PacketSlot.FRAG_NONE) {
            return false;
        }
        Bytes.u16(s.data, s.l4Offset + field, 0);
        int c = finish(l4Sum(s));
        if (c == 0 && s.l4Proto == Ipv4Header.PROTO_UDP) {
            c = 0xFFFF;
        }
        Bytes.u16(s.data, s.l4Offset + field, c);
        return true;
    }

    /**
     * Whether the slot's L4 checksum is correct. Answers {@code true} where it cannot be judged: fragments,
     * protocols without a known checksum, and a zero UDP checksum over IPv4 (RFC 768: "no checksum"). A zero UDP
     * checksum over IPv6 is wrong (RFC 8200 section 8.1).
     */
    public static boolean verifyL4(PacketSlot s) {
        int field = l4ChecksumOffset(s.ipVersion, s.l4Proto);
        if (field < 0 || s.fragment != PacketSlot.FRAG_NONE) {
            return true;
        }
        if (s.csumPartial) {
            // CHECKSUM_PARTIAL (virtio NEEDS_CSUM): the field holds the pseudo-header sum only. The kernel marks
            // only frames of a local stack or of GRO (which verified every merged segment) so: nothing to verify.
            return true;
        }
        if (s.l4Proto == Ipv4Header.PROTO_UDP && UdpHeader.checksum(s.data, s.l4Offset) == 0) {
            return s.ipVersion == 4;
        }
        return fold(l4Sum(s)) == 0xFFFF;
    }

    // ---- offloads (PACKET_VNET_HDR: CHECKSUM_PARTIAL and GSO super-frames) ----

    /**
     * Writes the partial checksum of a TCP or UDP slot, as Linux's {@code tcp_v4_send_check} and GRO leave it for a
     * CHECKSUM_PARTIAL frame: the folded one's-complement sum of the pseudo-header (addresses, protocol, and the
     * L4 length of the whole, possibly super-, frame), <em>not</em> complemented; the kernel or NIC that finishes
     * it sums the L4 bytes on top (the field included) and stores the complement. For a super-frame, GSO adjusts
     * the length part per segment ({@code tcp_gso_segment}). Written from the slot's current addresses and
     * length, so every rewrite before (NAT, FTP text of another length) is covered, and whatever the incremental
     * updates did to the field is overwritten.
     *
     * @return false (nothing written) for other protocols and fragments
     */
    public static boolean setPartialL4(PacketSlot s) {
        if ((s.l4Proto != Ipv4Header.PROTO_TCP && s.l4Proto != Ipv4Header.PROTO_UDP)
                || s.fragment != PacketSlot.FRAG_NONE) {
            return false;
        }
        int len = s.l4Proto == Ipv4Header.PROTO_UDP ? UdpHeader.length(s.data, s.l4Offset) : s.l4Length;
        int f = fold(pseudoHeader(s, len));
        Bytes.u16(s.data, s.l4Offset + l4ChecksumOffset(s.ipVersion, s.l4Proto), f);
        return true;
    }

    /**
     * The checksum step for a frame that arrived with offload metadata ({@link PacketSlot#csumPartial} or a
     * super-frame, {@link PacketSlot#gsoType}): a TCP/UDP super-frame keeps a partial checksum ({@link
     * #setPartialL4}) for the segmentation that cuts and finishes it; a single TCP/UDP frame gets its full
     * checksum here, in software (at most an MTU of bytes), and loses the partial mark, so that it is a complete
     * frame on every path (parked for a next hop, copied, sent on a port without PACKET_VNET_HDR). Other
     * protocols keep the mark and the received csum_start/csum_offset, passed on untouched.
     */
    public static void finishOffloaded(PacketSlot s) {
        if ((s.l4Proto != Ipv4Header.PROTO_TCP && s.l4Proto != Ipv4Header.PROTO_UDP)
                || s.fragment != PacketSlot.FRAG_NONE) {
            return;
        }
        if (s.gsoType != 0) {
            setPartialL4(s);
            s.csumPartial = true;
            s.csumStart = s.l4Offset;
            s.csumOffset = l4ChecksumOffset(s.ipVersion, s.l4Proto);
        } else {
            computeL4(s);
            s.csumPartial = false;
        }
        s.l4Dirty = false;
    }

    // ---- incremental update (RFC 1624) ----

    /**
     * The checksum after a 16-bit field changed from {@code oldVal} to {@code newVal}: RFC 1624 equation 3,
     * {@code HC' = ~(~HC + ~m + m')}. Equation 2 ({@code HC - ~m - m'}) is not used: it yields 0xFFFF where a full
     * recomputation gives 0x0000 (RFC 1624 section 3). The result equals a full recomputation as long as the
     * covered data is not all zero (always the case under a pseudo-header or IPv4 header).
     *
     * <p>UDP: a result of 0 must be sent as 0xFFFF, and a UDP checksum of 0 over IPv4 means "none" and must be
     * left alone; see {@link #updateUdp}.
     */
    public static int update16(int oldCksum, int oldVal, int newVal) {
        long s = (~oldCksum & 0xFFFF) + (~oldVal & 0xFFFF) + (newVal & 0xFFFF);
        return finishNonZero(s);
    }

    /** As {@link #update16} for a 32-bit field (an IPv4 address, a TCP sequence number). */
    public static int update32(int oldCksum, long oldVal, long newVal) {
        long s = (~oldCksum & 0xFFFF)
                + (~(oldVal >>> 16) & 0xFFFF)
                + (~oldVal & 0xFFFF)
                + ((newVal >>> 16) & 0xFFFF)
                + (newVal & 0xFFFF);
        return finishNonZero(s);
    }

    /** As {@link #update32} for a 64-bit field (one half of an IPv6 address). */
    public static int update64(int oldCksum, long oldVal, long newVal) {
        return finishNonZero(~oldCksum & 0xFFFF, oldVal, newVal);
    }

    /**
     * The checksum after an address stored as (hi, lo) changed: IPv4 ({@code ipVersion} 4) uses the low 32 bits of
     * {@code lo}, IPv6 all 128 bits. Use it for the IPv4 header checksum and for TCP/UDP/ICMPv6 pseudo-headers.
     */
    public static int updateAddress(int oldCksum, int ipVersion, long oldHi, long oldLo, long newHi, long newLo) {
        if (ipVersion == 4) {
            return update32(oldCksum, oldLo & 0xFFFF_FFFFL, newLo & 0xFFFF_FFFFL);
        }
        long s = partial(~oldCksum & 0xFFFF, oldHi, newHi);
        return finishNonZero(s, oldLo, newLo);
    }

    /**
     * {@code updated} as UDP must send it given the {@code oldCksum} the packet carried: an absent checksum (0)
     * stays absent, and a computed 0 goes out as 0xFFFF (RFC 768).
     */
    public static int updateUdp(int oldCksum, int updated) {
        if (oldCksum == 0) {
            return 0;
        }
        return updated == 0 ? 0xFFFF : updated;
    }

    private static long partial(long s, long oldVal, long newVal) {
        for (int shift = 48; shift >= 0; shift -= 16) {
            s += (~(oldVal >>> shift) & 0xFFFF) + ((newVal >>> shift) & 0xFFFF);
        }
        return s;
    }

    private static int finishNonZero(long s, long oldVal, long newVal) {
        return finishNonZero(partial(s, oldVal, newVal));
    }

    /**
     * Complement of the fold, where a zero sum stands for 0xFFFF: the true sum of a real header is positive, so its
     * fold is in 1..0xFFFF, and 0 and 0xFFFF are the same one's-complement number.
     */
    private static int finishNonZero(long s) {
        int f = fold(s);
        if (f == 0) {
            f = 0xFFFF;
        }
        return ~f & 0xFFFF;
    }
}
