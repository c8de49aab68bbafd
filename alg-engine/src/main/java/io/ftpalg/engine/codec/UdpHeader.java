package io.ftpalg.engine.codec;

/**
 * UDP header view (RFC 768).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Length             |           Checksum            |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Length counts header and data. A checksum of zero means "none" over IPv4 (RFC 768) and is invalid over IPv6
 * (RFC 8200 section 8.1); a computed zero is sent as 0xFFFF.
 */
public final class UdpHeader {
    public static final int SRC_PORT_OFFSET = 0;
    public static final int DST_PORT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;
    public static final int LENGTH = 8;

    private UdpHeader() {}

    public static int srcPort(byte[] b, int off) {
        return Bytes.u16(b, off + SRC_PORT_OFFSET);
    }

    public static void srcPort(byte[] b, int off, int v) {
        Bytes.u16(b, off + SRC_PORT_OFFSET, v);
    }

    public static int dstPort(byte[] b, int off) {
        return Bytes.u16(b, off + DST_PORT_OFFSET);
    }

    public static void dstPort(byte[] b, int off, int v) {
        Bytes.u16(b, off + DST_PORT_OFFSET, v);
    }

    public static int length(byte[] b, int off) {
        return Bytes.u16(b, off + LENGTH_OFFSET);
    }

    public static void length(byte[] b, int off, int v) {
        Bytes.u16(b, off + LENGTH_OFFSET, v);
    }

    public static int checksum(byte[] b, int off) {
        return Bytes.u16(b, off + CHECKSUM_OFFSET);
    }

    public static void checksum(byte[] b, int off, int v) {
        Bytes.u16(b, off + CHECKSUM_OFFSET, v);
    }
}
