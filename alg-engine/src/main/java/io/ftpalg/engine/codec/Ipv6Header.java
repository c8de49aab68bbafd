package io.ftpalg.engine.codec;

/**
 * IPv6 fixed header view (RFC 8200 section 3) and the extension-header numbers the decoder walks (section 4).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                    Source Address (128 bits)                  +  8
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                 Destination Address (128 bits)                + 24
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Generic extension header (hop-by-hop, routing, destination options, 135, 139, 140):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |  Hdr Ext Len  |  ... (Hdr Ext Len + 1) * 8 bytes in all
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * AH (RFC 4302 section 2.2) counts (Payload Len + 2) * 4 bytes instead.
 *
 * Fragment header (RFC 8200 section 4.5), always 8 bytes:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Identification                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Addresses are read and written as two longs, the high and low 64 bits, as {@code PacketSlot} stores them.
 */
public final class Ipv6Header {
    public static final int VERSION_CLASS_FLOW_OFFSET = 0;
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    public static final int NEXT_HEADER_OFFSET = 6;
    public static final int HOP_LIMIT_OFFSET = 7;
    public static final int SRC_OFFSET = 8;
    public static final int DST_OFFSET = 24;
    public static final int LENGTH = 40;
    public static final int VERSION = 6;

    // ---- extension headers (IANA "IPv6 Extension Header Types") ----
    public static final int EXT_HOP_BY_HOP = 0;
    public static final int EXT_ROUTING = 43;
    public static final int EXT_FRAGMENT = 44;
    public static final int EXT_ESP = 50;
    public static final int EXT_AH = 51;
    public static final int EXT_NO_NEXT_HEADER = 59;
    public static final int EXT_DEST_OPTS = 60;
    public static final int EXT_MOBILITY = 135;
    public static final int EXT_HIP = 139;
    public static final int EXT_SHIM6 = 140;

    /** Offsets inside any extension header. */
    public static final int EXT_NEXT_HEADER_OFFSET = 0;

    public static final int EXT_LENGTH_OFFSET = 1;
    /** Extension headers are at least 8 bytes (RFC 8200 section 4). */
    public static final int EXT_MIN_LENGTH = 8;

    /** Offsets inside the fragment header. */
    public static final int FRAG_OFFSET_FLAGS_OFFSET = 2;

    public static final int FRAG_ID_OFFSET = 4;
    public static final int FRAG_HEADER_LENGTH = 8;
    /** In the offset/flags word: the offset (already in bytes once masked, since it sits 3 bits up) and M. */
    public static final int FRAG_OFFSET_MASK = 0xFFF8;

    public static final int FRAG_MORE = 0x0001;

    private Ipv6Header() {}

    public static int version(byte[] b, int off) {
        return Bytes.u8(b, off + VERSION_CLASS_FLOW_OFFSET) >>> 4;
    }

    /** The first 32-bit word: version (4), traffic class (8), flow label (20). */
    public static long versionClassFlow(byte[] b, int off) {
        return Bytes.u32(b, off + VERSION_CLASS_FLOW_OFFSET);
    }

    public static void versionClassFlow(byte[] b, int off, long v) {
        Bytes.u32(b, off + VERSION_CLASS_FLOW_OFFSET, v);
    }

    public static int payloadLength(byte[] b, int off) {
        return Bytes.u16(b, off + PAYLOAD_LENGTH_OFFSET);
    }

    public static void payloadLength(byte[] b, int off, int v) {
        Bytes.u16(b, off + PAYLOAD_LENGTH_OFFSET, v);
    }

    public static int nextHeader(byte[] b, int off) {
        return Bytes.u8(b, off + NEXT_HEADER_OFFSET);
    }

    public static void nextHeader(byte[] b, int off, int v) {
        Bytes.u8(b, off + NEXT_HEADER_OFFSET, v);
    }

    public static int hopLimit(byte[] b, int off) {
        return Bytes.u8(b, off + HOP_LIMIT_OFFSET);
    }

    public static void hopLimit(byte[] b, int off, int v) {
        Bytes.u8(b, off + HOP_LIMIT_OFFSET, v);
    }

    public static long srcHi(byte[] b, int off) {
        return Bytes.i64(b, off + SRC_OFFSET);
    }

    public static long srcLo(byte[] b, int off) {
        return Bytes.i64(b, off + SRC_OFFSET + 8);
    }

    public static void src(byte[] b, int off, long hi, long lo) {
        Bytes.i64(b, off + SRC_OFFSET, hi);
        Bytes.i64(b, off + SRC_OFFSET + 8, lo);
    }

    public static long dstHi(byte[] b, int off) {
        return Bytes.i64(b, off + DST_OFFSET);
    }

    public static long dstLo(byte[] b, int off) {
        return Bytes.i64(b, off + DST_OFFSET + 8);
    }

    public static void dst(byte[] b, int off, long hi, long lo) {
        Bytes.i64(b, off + DST_OFFSET, hi);
        Bytes.i64(b, off + DST_OFFSET + 8, lo);
    }

    /**
     * Whether the decoder walks over {@code nextHeader} as an extension header. ESP (50) and no-next-header (59)
     * are not walked: nothing readable follows them.
     */
    public static boolean isWalkedExtension(int nextHeader) {
        switch (nextHeader) {
            case EXT_HOP_BY_HOP:
            case EXT_ROUTING:
            case EXT_FRAGMENT:
            case EXT_AH:
            case EXT_DEST_OPTS:
            case EXT_MOBILITY:
            case EXT_HIP:
            case EXT_SHIM6:
                return true;
            default:
                return false;
        }
    }
}
