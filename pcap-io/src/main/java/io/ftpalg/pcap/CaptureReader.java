package io.ftpalg.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads classic pcap and pcapng capture files through one large reusable buffer, copying each packet
 * into a caller-owned {@link PcapRecord}: no objects per packet (except a pcapng packet comment).
 *
 * <p>Formats, detected from the first four bytes:
 *
 * <ul>
 *   <li>classic pcap, microsecond ({@code a1b2c3d4}) or nanosecond ({@code a1b23c4d}) magic, either byte
 *       order, version 2.x;
 *   <li>pcapng (draft-ietf-opsawg-pcapng): any number of sections, each with its own byte order; Interface
 *       Description Blocks with {@code if_name}, {@code if_tsresol} (power of 10 or of 2) and {@code
 *       if_tsoffset}; Enhanced, Simple and (obsolete) Packet Blocks, with {@code opt_comment}; every
 *       other block (name resolution, statistics, decryption secrets, custom...) is skipped by its
 *       length.
 * </ul>
 *
 * <p>Interface ids are reader-wide: the interfaces of the second section are numbered after those of the
 * first, so {@link PcapRecord#interfaceId} always indexes {@link #interfaceName(int)}. {@link #open(Path)}
 * reads ahead to the first packet, so the interfaces declared before it are known straight away.
 *
 * <p>Anything malformed (bad magic, truncation, inconsistent block or option lengths, captured length
 * above the original length or above {@link #MAX_BLOCK_LENGTH}) throws {@link CaptureFormatException}
 * naming the file offset. Not thread-safe.
 */
public final class CaptureReader implements AutoCloseable {
    /** Largest pcapng block or classic pcap packet accepted; anything longer is taken as corruption. */
    public static final int MAX_BLOCK_LENGTH = 16 << 20;

    static final int PCAP_MAGIC_MICROS = 0xA1B2C3D4;
    static final int PCAP_MAGIC_NANOS = 0xA1B23C4D;
    static final int BLOCK_SHB = 0x0A0D0D0A;
    static final int BLOCK_IDB = 1;
    static final int BLOCK_OPB = 2;
    static final int BLOCK_SPB = 3;
    static final int BLOCK_EPB = 6;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;

    private static final int DEFAULT_BUFFER_SIZE = 1 << 20;
    private static final int PCAP_HEADER_LENGTH = 24;
    private static final int PCAP_RECORD_HEADER_LENGTH = 16;
    private static final int SHB_MIN_LENGTH = 28;
    private static final int IDB_MIN_LENGTH = 20;
    private static final int EPB_MIN_LENGTH = 32;
    private static final int SPB_MIN_LENGTH = 16;
    private static final int OPT_ENDOFOPT = 0;
    private static final int OPT_COMMENT = 1;
    private static final int IF_NAME = 2;
    private static final int IF_TSRESOL = 9;
    private static final int IF_TSOFFSET = 14;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Path path;
    private final FileChannel channel;
    private final boolean pcapng;
    private ByteBuffer buf;
    /** File offset of buf[0]. */
    private long bufBase;

    private int pos;
    private int lim;
    private boolean eof;
    private long packetNumber;

    /** Classic pcap: timestamps fractions are nanoseconds (else microseconds). */
    private boolean classicNanos;

    // Interfaces, reader-wide; a section's local id i is sectionBase + i.
    private int ifCount;
    private int sectionBase;
    private int[] ifLinkType = new int[4];
    private int[] ifSnapLen = new int[4];
    private String[] ifName = new String[4];
    /** Timestamp units to ns: multiply by ifTsMul when > 0, else divide by -ifTsMul, or shift (pow2). */
    private long[] ifTsMul = new long[4];

    private int[] ifTsPow2Shift = new int[4];
    private long[] ifTsOffsetNanos = new long[4];

    private CaptureReader(Path path, FileChannel channel, int bufferSize) throws IOException {
        this.path = path;
        this.channel = channel;
        this.buf = ByteBuffer.allocateDirect(bufferSize);
        if (!fill(4)) {
            throw fail(0, "file too short to be a capture: " + (lim - pos) + " bytes");
        }
        buf.order(ByteOrder.BIG_ENDIAN);
        int magic = buf.getInt(pos);
        if (magic == BLOCK_SHB) {
            pcapng = true;
            readSectionHeader();
            advanceToPacketBlock();
        } else {
            pcapng = false;
            readClassicHeader(magic);
        }
    }

    /** Opens {@code file}, detecting classic pcap or pcapng, and reads ahead to the first packet. */
    public static CaptureReader open(Path file) throws IOException {
        return open(file, DEFAULT_BUFFER_SIZE);
    }

    /** As {@link #open(Path)}, reading through a buffer of {@code bufferSize} bytes (grown if a block needs it). */
    public static CaptureReader open(Path file, int bufferSize) throws IOException {
        if (bufferSize < 64) {
            throw new IllegalArgumentException("bufferSize too small: " + bufferSize);
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new CaptureReader(file, ch, bufferSize);
        } catch (IOException | RuntimeException | Error e) {
            try {
                ch.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** True for pcapng, false for classic pcap. */
    public boolean isPcapng() {
        return pcapng;
    }

    /** Interfaces declared so far (classic pcap: always 1). */
    public int interfaceCount() {
        return ifCount;
    }

    /** The interface's {@code if_name}, or null (always null for classic pcap). */
    public String interfaceName(int id) {
        return ifName[Objects.checkIndex(id, ifCount)];
    }

    /** The interface's LINKTYPE_ (see {@link LinkType}). */
    public int linkType(int id) {
        return ifLinkType[Objects.checkIndex(id, ifCount)];
    }

    /** Number of packets returned so far. */
    public long packetCount() {
        return packetNumber;
    }

    /**
     * Copies the next packet into {@code r}. Returns false at a clean end of file (between records or
     * blocks). If the packet is longer than {@code r.data}, throws {@link CaptureFormatException} without
     * consuming it, so a caller may retry with a larger record.
     */
    public boolean next(PcapRecord r) throws IOException {
        return pcapng ? nextPcapng(r) : nextClassic(r);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    // ---------------------------------------------------------------- classic pcap

    /*
     * Global header (24 bytes):  magic u32 | version_major u16 | version_minor u16 | thiszone s32 |
     *                            sigfigs u32 | snaplen u32 | network u32 (LINKTYPE_ in the low 16 bits)
     * Record header (16 bytes):  ts_sec u32 | ts_usec-or-nsec u32 | incl_len u32 | orig_len u32
     */
    private void readClassicHeader(int magic) throws IOException {
        if (magic == PCAP_MAGIC_MICROS || magic == PCAP_MAGIC_NANOS) {
            buf.order(ByteOrder.BIG_ENDIAN);
        } else if (Integer.reverseBytes(magic) == PCAP_MAGIC_MICROS
                || Integer.reverseBytes(magic) == PCAP_MAGIC_NANOS) {
            buf.order(ByteOrder.LITTLE_ENDIAN);
        } else {
            throw fail(0, String.format("unknown magic 0x%08x: not a pcap or pcapng file", magic));
        }
        classicNanos = magic == PCAP_MAGIC_NANOS || Integer.reverseBytes(magic) == PCAP_MAGIC_NANOS;
        if (!fill(PCAP_HEADER_LENGTH)) {
            throw fail(0, "truncated pcap file header: " + (lim - pos) + " of " + PCAP_HEADER_LENGTH + " bytes");
        }
        int major = u16(pos + 4);
        if (major != 2) {
            throw fail(4, "unsupported pcap version " + major + "." + u16(pos + 6));
        }
        int snapLen = buf.getInt(pos + 16);
        int network = buf.getInt(pos + 20);
        addInterface(network & 0xFFFF, snapLen, null, 1000, 0, 0);
        pos += PCAP_HEADER_LENGTH;
    }

    private boolean nextClassic(PcapRecord r) throws IOException {
        long offset = offset();
        if (!fill(PCAP_RECORD_HEADER_LENGTH)) {
            if (lim == pos) {
                return false;
            }
            throw fail(
                    offset,
                    "packet " + (packetNumber + 1) + ": truncated record header: " + (lim - pos) + " of "
                            + PCAP_RECORD_HEADER_LENGTH + " bytes");
        }
        int capLen = buf.getInt(pos + 8);
        int origLen = buf.getInt(pos + 12);
        checkLengths(offset, capLen, origLen, MAX_BLOCK_LENGTH, r);
        if (!fill(PCAP_RECORD_HEADER_LENGTH + capLen)) {
            throw fail(
                    offset,
                    "packet " + (packetNumber + 1) + ": truncated packet data: "
                            + (lim - pos - PCAP_RECORD_HEADER_LENGTH) + " of " + capLen + " bytes");
        }
        long seconds = buf.getInt(pos) & 0xFFFF_FFFFL;
        long fraction = buf.getInt(pos + 4) & 0xFFFF_FFFFL;
        r.timestampNanos = seconds * NANOS_PER_SECOND + (classicNanos ? fraction : fraction * 1000);
        buf.get(pos + PCAP_RECORD_HEADER_LENGTH, r.data, 0, capLen);
        r.capturedLength = capLen;
        r.originalLength = origLen;
        r.interfaceId = 0;
        r.linkType = ifLinkType[0];
        r.comment = null;
        pos += PCAP_RECORD_HEADER_LENGTH + capLen;
        packetNumber++;
        return true;
    }

    // ---------------------------------------------------------------- pcapng

    /*
     * Every block:  block_type u32 | block_total_length u32 | body ... | block_total_length u32
     * The total length counts all of it, is a multiple of 4, and must be equal at both ends.
     * SHB body:     byte_order_magic u32 (1A2B3C4D) | major u16 | minor u16 | section_length s64 | options
     */
    private void readSectionHeader() throws IOException {
        long offset = offset();
        if (!fill(12)) {
            throw fail(offset, "truncated section header block: " + (lim - pos) + " of 12 bytes");
        }
        buf.order(ByteOrder.BIG_ENDIAN);
        int bom = buf.getInt(pos + 8);
        if (bom == BYTE_ORDER_MAGIC) {
            buf.order(ByteOrder.BIG_ENDIAN);
        } else if (Integer.reverseBytes(bom) == BYTE_ORDER_MAGIC) {
            buf.order(ByteOrder.LITTLE_ENDIAN);
        } else {
            throw fail(offset + 8, String.format("section header: bad byte-order magic 0x%08x", bom));
        }
        int total = buf.getInt(pos + 4);
        checkBlock(offset, BLOCK_SHB, total, SHB_MIN_LENGTH);
        int major = u16(pos + 12);
        if (major != 1) {
            throw fail(offset + 12, "section header: unsupported pcapng version " + major + "." + u16(pos + 14));
        }
        sectionBase = ifCount;
        pos += total;
    }

    /**
     * Consumes blocks up to the next packet block, which is left at {@link #pos}, complete in the buffer
     * and length-checked. Returns its total length, or -1 at a clean end of file.
     */
    private int advanceToPacketBlock() throws IOException {
        while (true) {
            long offset = offset();
            if (!fill(8)) {
                if (lim == pos) {
                    return -1;
                }
                throw fail(offset, "truncated block header: " + (lim - pos) + " of 8 bytes");
            }
            int type = buf.getInt(pos);
            if (type == BLOCK_SHB) {
                readSectionHeader();
                continue;
            }
            int total = buf.getInt(pos + 4);
            int min = switch (type) {
                case BLOCK_IDB -> IDB_MIN_LENGTH;
                case BLOCK_EPB, BLOCK_OPB -> EPB_MIN_LENGTH;
                case BLOCK_SPB -> SPB_MIN_LENGTH;
                default -> 12;
            };
            checkBlock(offset, type, total, min);
            switch (type) {
                case BLOCK_EPB, BLOCK_OPB, BLOCK_SPB:
                    return total;
                case BLOCK_IDB:
                    readInterfaceDescription(offset, total);
                    break;
                default:
                    break; // NRB, ISB, DSB, custom, unknown: skipped.
            }
            pos += total;
        }
    }

    /** Checks the block's lengths at both ends and makes the whole block available in the buffer. */
    private void checkBlock(long offset, int type, int total, int min) throws IOException {
        if (total < min || total > MAX_BLOCK_LENGTH) {
            throw fail(
                    offset + 4,
                    blockName(type) + ": absurd block length " + Integer.toUnsignedString(total) + " (allowed " + min
                            + " to " + MAX_BLOCK_LENGTH + ")");
        }
        if ((total & 3) != 0) {
            throw fail(offset + 4, blockName(type) + ": block length " + total + " is not a multiple of 4");
        }
        if (!fill(total)) {
            throw fail(offset, blockName(type) + ": truncated block: " + (lim - pos) + " of " + total + " bytes");
        }
        int trailer = buf.getInt(pos + total - 4);
        if (trailer != total) {
            throw fail(
                    offset + total - 4,
                    blockName(type) + ": trailing block length " + Integer.toUnsignedString(trailer)
                            + " differs from leading block length " + total);
        }
    }

    /* IDB body: linktype u16 | reserved u16 | snaplen u32 | options */
    private void readInterfaceDescription(long offset, int total) throws CaptureFormatException {
        int body = pos + 8;
        int linkType = u16(body);
        int snapLen = buf.getInt(body + 4);
        String name = null;
        long tsMul = 1000; // default if_tsresol: 10^-6
        int pow2Shift = 0;
        long tsOffsetNanos = 0;
        int end = pos + total - 4;
        int o = body + 8;
        while (o + 4 <= end) {
            int code = u16(o);
            int len = u16(o + 2);
            if (code == OPT_ENDOFOPT) {
                break;
            }
            int value = o + 4;
            if (value + len > end) {
                throw optionOverrun(offset, o, code, len);
            }
            switch (code) {
                case IF_NAME -> name = string(value, len);
                case IF_TSRESOL -> {
                    if (len < 1) {
                        throw fail(offset + (o - pos), "interface description: empty if_tsresol");
                    }
                    int resol = buf.get(value) & 0xFF;
                    int exp = resol & 0x7F;
                    if ((resol & 0x80) != 0) {
                        if (exp > 63) {
                            throw fail(offset + (value - pos), "interface description: if_tsresol 2^-" + exp);
                        }
                        tsMul = 0;
                        pow2Shift = exp;
                    } else if (exp <= 9) {
                        tsMul = pow10(9 - exp);
                    } else if (exp <= 27) {
                        tsMul = -pow10(exp - 9);
                    } else {
                        throw fail(offset + (value - pos), "interface description: if_tsresol 10^-" + exp);
                    }
                }
                case IF_TSOFFSET -> {
                    if (len >= 8) {
                        tsOffsetNanos = buf.getLong(value) * NANOS_PER_SECOND;
                    }
                }
                default -> {}
            }
            o = value + pad4(len);
        }
        addInterface(linkType, snapLen, name, tsMul, pow2Shift, tsOffsetNanos);
    }

    private boolean nextPcapng(PcapRecord r) throws IOException {
        int total = advanceToPacketBlock();
        if (total < 0) {
            return false;
        }
        long offset = offset();
        int type = buf.getInt(pos);
        int body = pos + 8;
        int end = pos + total - 4;
        int sectionIfCount = ifCount - sectionBase;
        int localIf;
        int capLen;
        int origLen;
        int data;
        long ts;
        if (type == BLOCK_SPB) {
            /* SPB body: original_length u32 | data (interface 0, no timestamp) */
            localIf = 0;
            origLen = buf.getInt(body);
            data = body + 4;
            if (sectionIfCount < 1) {
                throw fail(offset, "packet " + (packetNumber + 1) + ": simple packet block before any interface");
            }
            capLen = origLen < 0 ? end - data : Math.min(origLen, end - data);
            int snapLen = ifSnapLen[sectionBase];
            if (snapLen > 0) {
                capLen = Math.min(capLen, snapLen);
            }
            ts = Long.MIN_VALUE;
        } else {
            /* EPB body: interface_id u32 | ts_high u32 | ts_low u32 | captured_len u32 | original_len u32 | data
             * OPB body: interface_id u16 | drops_count u16 | then as EPB */
            localIf = type == BLOCK_EPB ? buf.getInt(body) : u16(body);
            ts = ((long) buf.getInt(body + 4) << 32) | (buf.getInt(body + 8) & 0xFFFF_FFFFL);
            capLen = buf.getInt(body + 12);
            origLen = buf.getInt(body + 16);
            data = body + 20;
            if (localIf < 0 || localIf >= sectionIfCount) {
                throw fail(
                        offset + 8,
                        "packet " + (packetNumber + 1) + ": interface id " + Integer.toUnsignedString(localIf)
                                + " not declared (section has " + sectionIfCount + ")");
            }
            if (capLen < 0 || capLen > end - data) {
                throw fail(
                        offset + 20,
                        "packet " + (packetNumber + 1) + ": captured length " + Integer.toUnsignedString(capLen)
                                + " overruns its " + total + "-byte block");
            }
        }
        checkLengths(offset, capLen, origLen, end - data, r);
        int ifId = sectionBase + localIf;
        String comment = null;
        if (type != BLOCK_SPB) {
            comment = readPacketOptions(offset, data + pad4(capLen), end);
        }
        buf.get(data, r.data, 0, capLen);
        r.capturedLength = capLen;
        r.originalLength = origLen;
        r.timestampNanos = ts == Long.MIN_VALUE ? 0 : toNanos(ifId, ts);
        r.interfaceId = ifId;
        r.linkType = ifLinkType[ifId];
        r.comment = comment;
        pos += total;
        packetNumber++;
        return true;
    }

    /** Walks EPB/OPB options; returns the opt_comment, if any. */
    private String readPacketOptions(long blockOffset, int o, int end) throws CaptureFormatException {
        String comment = null;
        while (o + 4 <= end) {
            int code = u16(o);
            int len = u16(o + 2);
            if (code == OPT_ENDOFOPT) {
                break;
            }
            int value = o + 4;
            if (value + len > end) {
                throw optionOverrun(blockOffset, o, code, len);
            }
            if (code == OPT_COMMENT && comment == null) {
                comment = string(value, len);
            }
            o = value + pad4(len);
        }
        return comment;
    }

    private long toNanos(int ifId, long ts) {
        long mul = ifTsMul[ifId];
        long nanos;
        if (mul > 0) {
            nanos = ts * mul;
        } else if (mul < 0) {
            nanos = Long.divideUnsigned(ts, -mul);
        } else {
            int shift = ifTsPow2Shift[ifId];
            long seconds = ts >>> shift;
            long fraction = shift == 0 ? 0 : ts & (-1L >>> (64 - shift));
            long fractionNanos = shift <= 32
                    ? (fraction * NANOS_PER_SECOND) >>> shift
                    : ((fraction >>> (shift - 32)) * NANOS_PER_SECOND) >>> 32;
            nanos = seconds * NANOS_PER_SECOND + fractionNanos;
        }
        return nanos + ifTsOffsetNanos[ifId];
    }

    // ---------------------------------------------------------------- shared

    private void checkLengths(long offset, int capLen, int origLen, int limit, PcapRecord r)
            throws CaptureFormatException {
        long packet = packetNumber + 1;
        if (capLen < 0 || capLen > limit) {
            throw fail(
                    offset,
                    "packet " + packet + ": absurd captured length " + Integer.toUnsignedString(capLen) + " (max "
                            + limit + ")");
        }
        if (origLen < 0) {
            throw fail(offset, "packet " + packet + ": absurd original length " + Integer.toUnsignedString(origLen));
        }
        if (capLen > origLen) {
            throw fail(
                    offset, "packet " + packet + ": captured length " + capLen + " exceeds original length " + origLen);
        }
        if (capLen > r.data.length) {
            throw fail(
                    offset,
                    "packet " + packet + ": captured length " + capLen + " does not fit the record buffer ("
                            + r.data.length + " bytes)");
        }
    }

    private void addInterface(int linkType, int snapLen, String name, long tsMul, int pow2Shift, long tsOffset) {
        if (ifCount == ifLinkType.length) {
            int n = ifCount * 2;
            ifLinkType = Arrays.copyOf(ifLinkType, n);
            ifSnapLen = Arrays.copyOf(ifSnapLen, n);
            ifName = Arrays.copyOf(ifName, n);
            ifTsMul = Arrays.copyOf(ifTsMul, n);
            ifTsPow2Shift = Arrays.copyOf(ifTsPow2Shift, n);
            ifTsOffsetNanos = Arrays.copyOf(ifTsOffsetNanos, n);
        }
        ifLinkType[ifCount] = linkType;
        ifSnapLen[ifCount] = snapLen;
        ifName[ifCount] = name;
        ifTsMul[ifCount] = tsMul;
        ifTsPow2Shift[ifCount] = pow2Shift;
        ifTsOffsetNanos[ifCount] = tsOffset;
        ifCount++;
    }

    /** Makes at least n bytes available from pos; false if the file ends first. */
    private boolean fill(int n) throws IOException {
        if (lim - pos >= n) {
            return true;
        }
        if (eof) {
            return false;
        }
        if (n > buf.capacity()) {
            ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(n, Math.min(2 * buf.capacity(), MAX_BLOCK_LENGTH)));
            bigger.order(buf.order());
            buf.limit(lim).position(pos);
            bigger.put(buf);
            buf = bigger;
            shiftToStart();
        } else if (pos + n > buf.capacity()) {
            buf.limit(lim).position(pos);
            buf.compact();
            shiftToStart();
        }
        while (lim - pos < n) {
            buf.limit(buf.capacity()).position(lim);
            int read = channel.read(buf);
            if (read < 0) {
                eof = true;
                return false;
            }
            lim += read;
        }
        return true;
    }

    private void shiftToStart() {
        bufBase += pos;
        lim -= pos;
        pos = 0;
    }

    private long offset() {
        return bufBase + pos;
    }

    private int u16(int index) {
        return buf.getShort(index) & 0xFFFF;
    }

    private String string(int index, int len) {
        byte[] bytes = new byte[len];
        buf.get(index, bytes, 0, len);
        int n = len;
        while (n > 0 && bytes[n - 1] == 0) {
            n--; // some writers NUL-terminate option strings
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    private CaptureFormatException optionOverrun(long blockOffset, int o, int code, int len) {
        return fail(blockOffset + (o - pos), "option " + code + " of length " + len + " overruns the end of its block");
    }

    private CaptureFormatException fail(long offset, String what) {
        return new CaptureFormatException(path + ": offset " + offset + ": " + what);
    }

    private static String blockName(int type) {
        return switch (type) {
            case BLOCK_SHB -> "section header block";
            case BLOCK_IDB -> "interface description block";
            case BLOCK_EPB -> "enhanced packet block";
            case BLOCK_SPB -> "simple packet block";
            case BLOCK_OPB -> "packet block";
            default -> String.format("block type 0x%08x", type);
        };
    }

    static int pad4(int len) {
        return (len + 3) & ~3;
    }

    private static long pow10(int n) {
        long v = 1;
        for (int i = 0; i < n; i++) {
            v *= 10;
        }
        return v;
    }
}
