package io.ftpalg.engine.codec;

/**
 * TCP header view (RFC 9293 section 3.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |  8
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |     |N|C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsv |S|W|C|R|C|S|S|Y|I|            Window             | 12
 * |       |     | |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        | 16
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (data offset > 5)                  | 20
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Flags are handled as 9 bits: the byte at offset 13 plus NS (RFC 3540, historic) as bit 8. Options: kinds 0
 * (end of list) and 1 (no operation) are one byte; all others are kind, length (including kind and length), data.
 */
public final class TcpHeader {
    public static final int SRC_PORT_OFFSET = 0;
    public static final int DST_PORT_OFFSET = 2;
    public static final int SEQ_OFFSET = 4;
    public static final int ACK_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_OFFSET = 18;
    public static final int OPTIONS_OFFSET = 20;

    public static final int MIN_LENGTH = 20;
    public static final int MAX_LENGTH = 60;

    public static final int FIN = 1;
    public static final int SYN = 2;
    public static final int RST = 4;
    public static final int PSH = 8;
    public static final int ACK = 16;
    public static final int URG = 32;
    public static final int ECE = 64;
    public static final int CWR = 128;
    /** RFC 3540 nonce sum, the low bit of byte 12; bit 8 of {@link #flags}. */
    public static final int NS = 256;

    // ---- option kinds (IANA "TCP Option Kind Numbers") and their fixed lengths ----
    public static final int OPT_EOL = 0;
    public static final int OPT_NOP = 1;
    /** RFC 9293 section 3.2: maximum segment size, length 4. */
    public static final int OPT_MSS = 2;
    /** RFC 7323 section 2: window scale, length 3. */
    public static final int OPT_WSCALE = 3;
    /** RFC 2018 section 2: SACK permitted, length 2. */
    public static final int OPT_SACK_PERMITTED = 4;
    /** RFC 2018 section 3: SACK, length 2 + 8n. */
    public static final int OPT_SACK = 5;
    /** RFC 7323 section 3: timestamps, length 10. */
    public static final int OPT_TIMESTAMPS = 8;

    public static final int OPT_MSS_LENGTH = 4;
    public static final int OPT_WSCALE_LENGTH = 3;
    public static final int OPT_SACK_PERMITTED_LENGTH = 2;
    public static final int OPT_TIMESTAMPS_LENGTH = 10;
    public static final int SACK_BLOCK_LENGTH = 8;
    /** 40 bytes of option space hold at most 4 SACK blocks (2 + 4 * 8 = 34). */
    public static final int MAX_SACK_BLOCKS = 4;

    private TcpHeader() {}

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

    public static long seq(byte[] b, int off) {
        return Bytes.u32(b, off + SEQ_OFFSET);
    }

    public static void seq(byte[] b, int off, long v) {
        Bytes.u32(b, off + SEQ_OFFSET, v);
    }

    public static long ack(byte[] b, int off) {
        return Bytes.u32(b, off + ACK_OFFSET);
    }

    public static void ack(byte[] b, int off, long v) {
        Bytes.u32(b, off + ACK_OFFSET, v);
    }

    /** Header length in bytes (data offset * 4). */
    public static int headerLength(byte[] b, int off) {
        return (Bytes.u8(b, off + DATA_OFFSET_OFFSET) >>> 4) << 2;
    }

    /** Sets the data offset from a header length in bytes, keeping the reserved bits and NS. */
    public static void headerLength(byte[] b, int off, int bytes) {
        int keep = Bytes.u8(b, off + DATA_OFFSET_OFFSET) & 0x0F;
        Bytes.u8(b, off + DATA_OFFSET_OFFSET, ((bytes >>> 2) << 4) | keep);
    }

    /** The 9 flag bits, NS included. */
    public static int flags(byte[] b, int off) {
        return ((Bytes.u8(b, off + DATA_OFFSET_OFFSET) & 1) << 8) | Bytes.u8(b, off + FLAGS_OFFSET);
    }

    public static void flags(byte[] b, int off, int flags) {
        int doff = Bytes.u8(b, off + DATA_OFFSET_OFFSET) & 0xFE;
        Bytes.u8(b, off + DATA_OFFSET_OFFSET, doff | ((flags >>> 8) & 1));
        Bytes.u8(b, off + FLAGS_OFFSET, flags);
    }

    public static int window(byte[] b, int off) {
        return Bytes.u16(b, off + WINDOW_OFFSET);
    }

    public static void window(byte[] b, int off, int v) {
        Bytes.u16(b, off + WINDOW_OFFSET, v);
    }

    public static int checksum(byte[] b, int off) {
        return Bytes.u16(b, off + CHECKSUM_OFFSET);
    }

    public static void checksum(byte[] b, int off, int v) {
        Bytes.u16(b, off + CHECKSUM_OFFSET, v);
    }

    public static int urgent(byte[] b, int off) {
        return Bytes.u16(b, off + URGENT_OFFSET);
    }

    public static void urgent(byte[] b, int off, int v) {
        Bytes.u16(b, off + URGENT_OFFSET, v);
    }
}
