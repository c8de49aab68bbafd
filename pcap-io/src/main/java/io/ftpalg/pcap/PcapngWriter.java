package io.ftpalg.pcap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes a little-endian pcapng file: one Section Header Block naming the application, one Interface
 * Description Block per {@link #addInterface} (with {@code if_name} and {@code if_tsresol} = 9, so
 * timestamps are nanoseconds), then one Enhanced Packet Block per {@link #write}, carrying an {@code
 * opt_comment} when a comment is given (Wireshark shows it as the packet comment, {@code
 * frame.comment}). Buffered; nothing allocated per packet without a comment. Not thread-safe.
 *
 * <p>libpcap (1.10) reads a pcapng file only when all its interfaces share one link type and one
 * snaplen ("an interface has a type/snapshot length ... different from ... the first interface");
 * Wireshark has no such limit. Give every interface the same values when libpcap-based tools must read
 * the output.
 */
public final class PcapngWriter implements AutoCloseable {
    private static final int OPT_ENDOFOPT = 0;
    private static final int OPT_COMMENT = 1;
    private static final int SHB_USERAPPL = 4;
    private static final int IF_NAME = 2;
    private static final int IF_TSRESOL = 9;
    private static final int MAX_OPTION_LENGTH = 0xFFFF;
    private static final byte[] TSRESOL_NANOS = {9};

    private final OutputBuffer out;
    private int[] snapLens = new int[4];
    private int ifCount;
    private boolean closed;

    /** Creates (or truncates) {@code out} and writes the section header. */
    public PcapngWriter(Path out, String application) throws IOException {
        byte[] app = application == null ? new byte[0] : utf8Option(application); // may throw: before opening
        this.out = new OutputBuffer(out);
        int total = 28 + optionsLength(app.length);
        this.out.putInt(CaptureReader.BLOCK_SHB);
        this.out.putInt(total);
        this.out.putInt(CaptureReader.BYTE_ORDER_MAGIC);
        this.out.putShort(1); // major
        this.out.putShort(0); // minor
        this.out.putLong(-1); // section length not given
        if (app.length > 0) {
            putOption(SHB_USERAPPL, app);
            putEndOfOptions();
        }
        this.out.putInt(total);
    }

    /**
     * Declares an interface and returns its id for {@link #write}. {@code snapLen} 0 means no limit.
     * Interfaces must be added before the packets that use them.
     */
    public int addInterface(String name, int linkType, int snapLen) throws IOException {
        if (linkType < 0 || linkType > 0xFFFF) {
            throw new IllegalArgumentException("link type out of range: " + linkType);
        }
        if (snapLen < 0) {
            throw new IllegalArgumentException("negative snapLen: " + snapLen);
        }
        byte[] nameBytes = name == null ? new byte[0] : utf8Option(name);
        int options = (nameBytes.length > 0 ? 4 + CaptureReader.pad4(nameBytes.length) : 0) + 4 + 4 + 4;
        int total = 20 + options;
        out.putInt(CaptureReader.BLOCK_IDB);
        out.putInt(total);
        out.putShort(linkType);
        out.putShort(0);
        out.putInt(snapLen);
        if (nameBytes.length > 0) {
            putOption(IF_NAME, nameBytes);
        }
        putOption(IF_TSRESOL, TSRESOL_NANOS);
        putEndOfOptions();
        out.putInt(total);
        if (ifCount == snapLens.length) {
            snapLens = Arrays.copyOf(snapLens, ifCount * 2);
        }
        snapLens[ifCount] = snapLen;
        return ifCount++;
    }

    /** Writes one packet (original length = {@code len}) with an optional comment (null or "" for none). */
    public void write(int interfaceId, long timestampNanos, byte[] data, int off, int len, String commentOrNull)
            throws IOException {
        write(interfaceId, timestampNanos, data, off, len, len, commentOrNull);
    }

    /** Writes one packet of which {@code len} of {@code originalLength} bytes were captured. */
    public void write(
            int interfaceId,
            long timestampNanos,
            byte[] data,
            int off,
            int len,
            int originalLength,
            String commentOrNull)
            throws IOException {
        if (interfaceId < 0 || interfaceId >= ifCount) {
            throw new IllegalArgumentException("unknown interface id " + interfaceId + " (have " + ifCount + ")");
        }
        if (off < 0 || len < 0 || off + len > data.length || off + len < 0) {
            throw new IndexOutOfBoundsException("off " + off + " len " + len + " array " + data.length);
        }
        int snapLen = snapLens[interfaceId];
        if (snapLen > 0 && len > snapLen) {
            throw new IllegalArgumentException("packet of " + len + " bytes exceeds snapLen " + snapLen);
        }
        if (originalLength < len) {
            throw new IllegalArgumentException("originalLength " + originalLength + " < captured " + len);
        }
        if (len > CaptureReader.MAX_BLOCK_LENGTH - 64) {
            throw new IllegalArgumentException("packet too large: " + len);
        }
        byte[] comment = commentOrNull == null || commentOrNull.isEmpty() ? null : utf8Option(commentOrNull);
        int options = comment == null ? 0 : optionsLength(comment.length);
        int total = 32 + CaptureReader.pad4(len) + options;
        out.putInt(CaptureReader.BLOCK_EPB);
        out.putInt(total);
        out.putInt(interfaceId);
        out.putInt((int) (timestampNanos >>> 32));
        out.putInt((int) timestampNanos);
        out.putInt(len);
        out.putInt(originalLength);
        out.put(data, off, len, true);
        if (comment != null) {
            putOption(OPT_COMMENT, comment);
            putEndOfOptions();
        }
        out.putInt(total);
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            out.close();
        }
    }

    private void putOption(int code, byte[] value) throws IOException {
        out.putShort(code);
        out.putShort(value.length);
        out.put(value, 0, value.length, true);
    }

    private void putEndOfOptions() throws IOException {
        out.putShort(OPT_ENDOFOPT);
        out.putShort(0);
    }

    /** Size of one option of {@code valueLength} bytes plus opt_endofopt, or 0 if there is nothing. */
    private static int optionsLength(int valueLength) {
        return valueLength == 0 ? 0 : 4 + CaptureReader.pad4(valueLength) + 4;
    }

    private static byte[] utf8Option(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_OPTION_LENGTH) {
            throw new IllegalArgumentException("option value longer than 65535 bytes");
        }
        return b;
    }
}
