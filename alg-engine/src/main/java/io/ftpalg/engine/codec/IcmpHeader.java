package io.ftpalg.engine.codec;

/**
 * ICMP (RFC 792) and ICMPv6 (RFC 4443) header view: both share the first 8 bytes' layout.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   echo: Identifier            |   echo: Sequence Number       |  4
 * |   v4 frag needed: unused      |   Next-hop MTU (RFC 1191)     |
 * |   v4 param problem: Pointer (8 bits), unused                  |
 * |   v6 packet too big: MTU (32 bits); v6 param problem: Pointer |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   errors: as much of the invoking packet as fits (IP header   |  8
 * |   first), RFC 792: IP header + 8 bytes; RFC 4443: up to 1280  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The ICMPv4 checksum covers the ICMP message only; the ICMPv6 checksum also covers the IPv6 pseudo-header
 * (RFC 4443 section 2.3).
 */
public final class IcmpHeader {
    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int IDENTIFIER_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 6;
    /** The 32-bit word after the checksum (MTU, pointer, unused). */
    public static final int REST_OFFSET = 4;
    /** ICMPv4 "fragmentation needed": next-hop MTU, 16 bits. */
    public static final int V4_MTU_OFFSET = 6;
    /** Start of the quoted invoking packet in error messages. */
    public static final int QUOTE_OFFSET = 8;

    public static final int LENGTH = 8;

    // ---- ICMPv4 types and codes (RFC 792, RFC 1191) ----
    public static final int V4_ECHO_REPLY = 0;
    public static final int V4_DEST_UNREACHABLE = 3;
    public static final int V4_ECHO_REQUEST = 8;
    public static final int V4_TIME_EXCEEDED = 11;
    public static final int V4_PARAMETER_PROBLEM = 12;
    /** Code of {@link #V4_DEST_UNREACHABLE}: fragmentation needed and DF set. */
    public static final int V4_CODE_FRAG_NEEDED = 4;

    // ---- ICMPv6 types (RFC 4443) ----
    public static final int V6_DEST_UNREACHABLE = 1;
    public static final int V6_PACKET_TOO_BIG = 2;
    public static final int V6_TIME_EXCEEDED = 3;
    public static final int V6_PARAMETER_PROBLEM = 4;
    public static final int V6_ECHO_REQUEST = 128;
    public static final int V6_ECHO_REPLY = 129;

    private IcmpHeader() {}

    public static int type(byte[] b, int off) {
        return Bytes.u8(b, off + TYPE_OFFSET);
    }

    public static void type(byte[] b, int off, int v) {
        Bytes.u8(b, off + TYPE_OFFSET, v);
    }

    public static int code(byte[] b, int off) {
        return Bytes.u8(b, off + CODE_OFFSET);
    }

    public static void code(byte[] b, int off, int v) {
        Bytes.u8(b, off + CODE_OFFSET, v);
    }

    public static int checksum(byte[] b, int off) {
        return Bytes.u16(b, off + CHECKSUM_OFFSET);
    }

    public static void checksum(byte[] b, int off, int v) {
        Bytes.u16(b, off + CHECKSUM_OFFSET, v);
    }

    public static int identifier(byte[] b, int off) {
        return Bytes.u16(b, off + IDENTIFIER_OFFSET);
    }

    public static void identifier(byte[] b, int off, int v) {
        Bytes.u16(b, off + IDENTIFIER_OFFSET, v);
    }

    public static int sequence(byte[] b, int off) {
        return Bytes.u16(b, off + SEQUENCE_OFFSET);
    }

    public static void sequence(byte[] b, int off, int v) {
        Bytes.u16(b, off + SEQUENCE_OFFSET, v);
    }

    public static long rest(byte[] b, int off) {
        return Bytes.u32(b, off + REST_OFFSET);
    }

    public static void rest(byte[] b, int off, long v) {
        Bytes.u32(b, off + REST_OFFSET, v);
    }

    /** Echo request or reply: the identifier plays the role of a port. */
    public static boolean isEcho(boolean v6, int type) {
        return v6 ? type == V6_ECHO_REQUEST || type == V6_ECHO_REPLY : type == V4_ECHO_REQUEST || type == V4_ECHO_REPLY;
    }

    /** An error message that quotes the invoking packet (RFC 1812 section 4.3.2.3; RFC 4443 section 2.1). */
    public static boolean isError(boolean v6, int type) {
        return v6
                ? type < 128
                : type == V4_DEST_UNREACHABLE || type == V4_TIME_EXCEEDED || type == V4_PARAMETER_PROBLEM;
    }
}
