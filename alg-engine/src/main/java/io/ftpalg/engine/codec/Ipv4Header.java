package io.ftpalg.engine.codec;

/**
 * IPv4 header view (RFC 791 section 3.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |    DSCP/ECN   |          Total Length         |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |R|D|M|    Fragment Offset      |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |  8
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          | 12
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        | 16
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (IHL > 5)                          | 20
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>IHL and the fragment offset count 4- and 8-byte units; the accessors here return raw field values except
 * where the name says bytes. Options (RFC 791 page 15): kind 0 (end of list) and 1 (no operation) are one byte;
 * every other option is kind, length (counting kind and length, so at least 2), data.
 */
public final class Ipv4Header {
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int ID_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SRC_OFFSET = 12;
    public static final int DST_OFFSET = 16;
    public static final int OPTIONS_OFFSET = 20;

    public static final int MIN_LENGTH = 20;
    public static final int MAX_LENGTH = 60;
    public static final int VERSION = 4;

    /** Flag bits in the 16-bit flags/fragment-offset word. */
    public static final int FLAG_RESERVED = 0x8000;

    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    /** Fragment offset, in 8-byte units. */
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    public static final int OPTION_EOL = 0;
    public static final int OPTION_NOP = 1;

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_ICMPV6 = 58;

    private Ipv4Header() {}

    public static int version(byte[] b, int off) {
        return Bytes.u8(b, off + VERSION_IHL_OFFSET) >>> 4;
    }

    /** Header length in bytes (IHL * 4). */
    public static int headerLength(byte[] b, int off) {
        return (Bytes.u8(b, off + VERSION_IHL_OFFSET) & 0x0F) << 2;
    }

    /** Sets version 4 and the header length in bytes (a multiple of 4). */
    public static void versionAndHeaderLength(byte[] b, int off, int headerLengthBytes) {
        Bytes.u8(b, off + VERSION_IHL_OFFSET, (VERSION << 4) | (headerLengthBytes >>> 2));
    }

    public static int tos(byte[] b, int off) {
        return Bytes.u8(b, off + TOS_OFFSET);
    }

    public static void tos(byte[] b, int off, int v) {
        Bytes.u8(b, off + TOS_OFFSET, v);
    }

    public static int totalLength(byte[] b, int off) {
        return Bytes.u16(b, off + TOTAL_LENGTH_OFFSET);
    }

    public static void totalLength(byte[] b, int off, int v) {
        Bytes.u16(b, off + TOTAL_LENGTH_OFFSET, v);
    }

    public static int id(byte[] b, int off) {
        return Bytes.u16(b, off + ID_OFFSET);
    }

    public static void id(byte[] b, int off, int v) {
        Bytes.u16(b, off + ID_OFFSET, v);
    }

    /** The raw flags and fragment offset word. */
    public static int flagsFragment(byte[] b, int off) {
        return Bytes.u16(b, off + FLAGS_FRAGMENT_OFFSET);
    }

    public static void flagsFragment(byte[] b, int off, int v) {
        Bytes.u16(b, off + FLAGS_FRAGMENT_OFFSET, v);
    }

    /** Fragment offset in bytes. */
    public static int fragmentOffsetBytes(byte[] b, int off) {
        return (flagsFragment(b, off) & FRAGMENT_OFFSET_MASK) << 3;
    }

    public static boolean dontFragment(byte[] b, int off) {
        return (flagsFragment(b, off) & FLAG_DF) != 0;
    }

    public static boolean moreFragments(byte[] b, int off) {
        return (flagsFragment(b, off) & FLAG_MF) != 0;
    }

    public static int ttl(byte[] b, int off) {
        return Bytes.u8(b, off + TTL_OFFSET);
    }

    public static void ttl(byte[] b, int off, int v) {
        Bytes.u8(b, off + TTL_OFFSET, v);
    }

    public static int protocol(byte[] b, int off) {
        return Bytes.u8(b, off + PROTOCOL_OFFSET);
    }

    public static void protocol(byte[] b, int off, int v) {
        Bytes.u8(b, off + PROTOCOL_OFFSET, v);
    }

    public static int checksum(byte[] b, int off) {
        return Bytes.u16(b, off + CHECKSUM_OFFSET);
    }

    public static void checksum(byte[] b, int off, int v) {
        Bytes.u16(b, off + CHECKSUM_OFFSET, v);
    }

    /** Source address as an unsigned 32-bit value. */
    public static long src(byte[] b, int off) {
        return Bytes.u32(b, off + SRC_OFFSET);
    }

    public static void src(byte[] b, int off, long addr) {
        Bytes.u32(b, off + SRC_OFFSET, addr);
    }

    public static long dst(byte[] b, int off) {
        return Bytes.u32(b, off + DST_OFFSET);
    }

    public static void dst(byte[] b, int off, long addr) {
        Bytes.u32(b, off + DST_OFFSET, addr);
    }
}
