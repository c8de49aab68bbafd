package io.ftpalg.engine.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@code struct virtio_net_hdr} (include/uapi/linux/virtio_net.h, virtio spec 1.1 section 5.1.6) that an
 * AF_PACKET socket with {@code PACKET_VNET_HDR} puts in front of every frame it receives and expects in front of
 * every frame it sends: how the kernel tells user space about GRO super-frames and partial checksums, and how
 * user space asks the kernel (or the NIC) to segment a super-frame and finish its checksum.
 *
 * <pre>
 *  0        1        2                 4                 6                 8                 10
 * +--------+--------+-----------------+-----------------+-----------------+-----------------+
 * | flags  |gso_type|     hdr_len     |    gso_size     |   csum_start    |   csum_offset   |
 * +--------+--------+-----------------+-----------------+-----------------+-----------------+
 * flags:    NEEDS_CSUM (1): the L4 checksum is partial: the field at csum_start + csum_offset holds the folded
 *                           pseudo-header sum (not complemented); whoever sends it sums [csum_start, end) and
 *                           stores the complement (the kernel's CHECKSUM_PARTIAL)
 *           DATA_VALID (2): receive only: the kernel (or NIC) verified the checksum (CHECKSUM_UNNECESSARY)
 * gso_type: NONE 0, TCPV4 1, UDP 3 (UFO), TCPV6 4, UDP_L4 5; | ECN 0x80 (the flow uses ECN: CWR on the first
 *           segment only)
 * hdr_len:  bytes of headers (Ethernet + IP + TCP) in front of the payload (a hint; the kernel raises it to
 *           csum_start + csum_offset + 2)
 * gso_size: payload bytes per segment (the MSS the sender used; GRO: the size of the merged segments)
 * </pre>
 *
 * The 16-bit fields are in the byte order of the host for a legacy (non-VERSION_1) device, which is what packet
 * sockets use ({@code vio_le()} = little-endian on little-endian hosts): native order here.
 *
 * <p>Between the port and the pipeline the header travels as one {@code long}, the <em>offload word</em>, so that
 * nothing is allocated: bits 0-7 flags, 8-15 gso_type, 16-31 gso_size, 32-47 csum_start, 48-63 csum_offset. Word 0
 * is "an ordinary frame": complete checksums, no segmentation.
 */
public final class VirtioNetHeader {
    /** sizeof(struct virtio_net_hdr). */
    public static final int LENGTH = 10;

    public static final int FLAGS_OFFSET = 0;
    public static final int GSO_TYPE_OFFSET = 1;
    public static final int HDR_LEN_OFFSET = 2;
    public static final int GSO_SIZE_OFFSET = 4;
    public static final int CSUM_START_OFFSET = 6;
    public static final int CSUM_OFFSET_OFFSET = 8;

    public static final int F_NEEDS_CSUM = 1;
    public static final int F_DATA_VALID = 2;

    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    public static final int GSO_UDP = 3;
    public static final int GSO_TCPV6 = 4;
    public static final int GSO_UDP_L4 = 5;
    public static final int GSO_ECN = 0x80;

    private static final VarHandle BB16 = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.nativeOrder());
    private static final VarHandle BA16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());

    private VirtioNetHeader() {}

    /** Packs the fields into an offload word. */
    public static long word(int flags, int gsoType, int gsoSize, int csumStart, int csumOffset) {
        return (flags & 0xFFL)
                | (gsoType & 0xFFL) << 8
                | (gsoSize & 0xFFFFL) << 16
                | (csumStart & 0xFFFFL) << 32
                | (csumOffset & 0xFFFFL) << 48;
    }

    public static int flags(long word) {
        return (int) (word & 0xFF);
    }

    public static int gsoType(long word) {
        return (int) (word >>> 8) & 0xFF;
    }

    public static int gsoSize(long word) {
        return (int) (word >>> 16) & 0xFFFF;
    }

    public static int csumStart(long word) {
        return (int) (word >>> 32) & 0xFFFF;
    }

    public static int csumOffset(long word) {
        return (int) (word >>> 48) & 0xFFFF;
    }

    /** Whether {@code word} asks for the partial checksum to be finished (NEEDS_CSUM). */
    public static boolean needsCsum(long word) {
        return (word & F_NEEDS_CSUM) != 0;
    }

    /** The segmentation type without the ECN bit (NONE, TCPV4, UDP, TCPV6, UDP_L4). */
    public static int gsoKind(long word) {
        return gsoType(word) & ~GSO_ECN;
    }

    /** The same word with csum_start moved by {@code delta} bytes (a VLAN tag put back in front of it). */
    public static long shiftCsumStart(long word, int delta) {
        if (!needsCsum(word)) {
            return word;
        }
        return (word & ~(0xFFFFL << 32)) | ((csumStart(word) + delta) & 0xFFFFL) << 32;
    }

    /** Reads the header at {@code off} of {@code b} (absolute, native order) as an offload word; hdr_len is dropped. */
    public static long read(ByteBuffer b, int off) {
        return word(
                b.get(off + FLAGS_OFFSET),
                b.get(off + GSO_TYPE_OFFSET),
                (short) BB16.get(b, off + GSO_SIZE_OFFSET),
                (short) BB16.get(b, off + CSUM_START_OFFSET),
                (short) BB16.get(b, off + CSUM_OFFSET_OFFSET));
    }

    /** As {@link #read(ByteBuffer, int)} from a byte array. */
    public static long read(byte[] b, int off) {
        return word(
                b[off + FLAGS_OFFSET],
                b[off + GSO_TYPE_OFFSET],
                (short) BA16.get(b, off + GSO_SIZE_OFFSET),
                (short) BA16.get(b, off + CSUM_START_OFFSET),
                (short) BA16.get(b, off + CSUM_OFFSET_OFFSET));
    }

    /** Writes {@code word} with {@code hdrLen} as a virtio_net_hdr at {@code off} of {@code b} (absolute). */
    public static void write(ByteBuffer b, int off, long word, int hdrLen) {
        b.put(off + FLAGS_OFFSET, (byte) flags(word));
        b.put(off + GSO_TYPE_OFFSET, (byte) gsoType(word));
        BB16.set(b, off + HDR_LEN_OFFSET, (short) hdrLen);
        BB16.set(b, off + GSO_SIZE_OFFSET, (short) gsoSize(word));
        BB16.set(b, off + CSUM_START_OFFSET, (short) csumStart(word));
        BB16.set(b, off + CSUM_OFFSET_OFFSET, (short) csumOffset(word));
    }

    /** As {@link #write(ByteBuffer, int, long, int)} into a byte array. */
    public static void write(byte[] b, int off, long word, int hdrLen) {
        b[off + FLAGS_OFFSET] = (byte) flags(word);
        b[off + GSO_TYPE_OFFSET] = (byte) gsoType(word);
        BA16.set(b, off + HDR_LEN_OFFSET, (short) hdrLen);
        BA16.set(b, off + GSO_SIZE_OFFSET, (short) gsoSize(word));
        BA16.set(b, off + CSUM_START_OFFSET, (short) csumStart(word));
        BA16.set(b, off + CSUM_OFFSET_OFFSET, (short) csumOffset(word));
    }

    /** A readable form for messages and tests: {@code "NEEDS_CSUM TCPV4 gso_size 1448 csum 34+16"}. */
    public static String describe(long word) {
        StringBuilder sb = new StringBuilder();
        if (needsCsum(word)) {
            sb.append("NEEDS_CSUM ");
        }
        if ((flags(word) & F_DATA_VALID) != 0) {
            sb.append("DATA_VALID ");
        }
        int kind = gsoKind(word);
        sb.append(
                switch (kind) {
                    case GSO_NONE -> "GSO_NONE";
                    case GSO_TCPV4 -> "TCPV4";
                    case GSO_TCPV6 -> "TCPV6";
                    case GSO_UDP -> "UDP";
                    case GSO_UDP_L4 -> "UDP_L4";
                    default -> "gso_type " + kind;
                });
        if ((gsoType(word) & GSO_ECN) != 0) {
            sb.append("|ECN");
        }
        if (kind != GSO_NONE) {
            sb.append(" gso_size ").append(gsoSize(word));
        }
        if (needsCsum(word)) {
            sb.append(" csum ").append(csumStart(word)).append('+').append(csumOffset(word));
        }
        return sb.toString();
    }
}
