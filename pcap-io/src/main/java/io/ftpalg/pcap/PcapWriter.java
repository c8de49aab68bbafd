package io.ftpalg.pcap;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a classic little-endian pcap file with the nanosecond magic ({@code a1b23c4d}, read by libpcap
 * 1.5+ and Wireshark). Buffered; nothing allocated per packet. Not thread-safe.
 */
public final class PcapWriter implements AutoCloseable {
    private final OutputBuffer out;
    private final int snapLen;
    private boolean closed;

    /** Creates (or truncates) {@code out} and writes the file header. {@code snapLen} 0 means 262144. */
    public PcapWriter(Path out, int linkType, int snapLen) throws IOException {
        if (linkType < 0 || linkType > 0xFFFF) {
            throw new IllegalArgumentException("link type out of range: " + linkType);
        }
        if (snapLen < 0) {
            throw new IllegalArgumentException("negative snapLen: " + snapLen);
        }
        this.snapLen = snapLen == 0 ? 262144 : snapLen;
        this.out = new OutputBuffer(out);
        this.out.putInt(CaptureReader.PCAP_MAGIC_NANOS);
        this.out.putShort(2);
        this.out.putShort(4);
        this.out.putInt(0); // thiszone
        this.out.putInt(0); // sigfigs
        this.out.putInt(this.snapLen);
        this.out.putInt(linkType);
    }

    /** Writes one packet (original length = {@code len}). */
    public void write(long timestampNanos, byte[] data, int off, int len) throws IOException {
        write(timestampNanos, data, off, len, len);
    }

    /** Writes one packet of which {@code len} of {@code originalLength} bytes were captured. */
    public void write(long timestampNanos, byte[] data, int off, int len, int originalLength) throws IOException {
        if (off < 0 || len < 0 || off + len > data.length || off + len < 0) {
            throw new IndexOutOfBoundsException("off " + off + " len " + len + " array " + data.length);
        }
        if (len > snapLen) {
            throw new IllegalArgumentException("packet of " + len + " bytes exceeds snapLen " + snapLen);
        }
        if (originalLength < len) {
            throw new IllegalArgumentException("originalLength " + originalLength + " < captured " + len);
        }
        if (timestampNanos < 0) {
            throw new IllegalArgumentException("timestamp before 1970: " + timestampNanos);
        }
        out.putInt((int) (timestampNanos / 1_000_000_000L));
        out.putInt((int) (timestampNanos % 1_000_000_000L));
        out.putInt(len);
        out.putInt(originalLength);
        out.put(data, off, len, false);
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
}
