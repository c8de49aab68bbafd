package io.ftpalg.bindings.pcap;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Reads a capture file (pcap, or pcapng as far as libpcap supports it) through libpcap's {@code
 * pcap_next_ex}, copying each packet into a caller's array. No Java objects per packet: the {@code
 * pcap_pkthdr} and packet data are read through two reused {@link Pointer}s whose address is reset for
 * each packet, and the bytes are copied with {@link Pointer#read(long, byte[], int, int)}.
 *
 * <pre>
 * struct pcap_pkthdr {            // LP64 Linux: 24 bytes
 *     struct timeval ts;          // tv_sec (long), tv_usec (long; ns here: opened with nano precision)
 *     bpf_u_int32 caplen;         // bytes captured
 *     bpf_u_int32 len;            // bytes on the wire
 * };
 * </pre>
 *
 * Not thread-safe.
 */
public final class NativePcapFileReader implements AutoCloseable {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int LONG_SIZE = Native.LONG_SIZE;
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final Path file;
    private Pointer handle;
    private final int linkType;
    /** Two pointer-sized out slots for pcap_next_ex. */
    private final Memory outSlots = new Memory(2L * Native.POINTER_SIZE);

    private final Pointer headerOut = outSlots;
    private final Pointer dataOut = outSlots.share(Native.POINTER_SIZE);
    private final Pointer header = new Pointer(0);
    private final Pointer data = new Pointer(0);
    /** The two out slots, copied in one native call. */
    private final long[] slots = new long[2];
    /** The pcap_pkthdr, copied in one native call (LP64: 3 longs; ILP32: 4 ints in 2 longs). */
    private final long[] hdr = new long[3];

    private int capturedLength;
    private int originalLength;
    private long timestampNanos;

    private NativePcapFileReader(Path file, Pointer handle) {
        this.file = file;
        this.handle = handle;
        this.linkType = LibPcap.pcap_datalink(handle);
    }

    /**
     * Opens {@code file} with nanosecond timestamp precision.
     *
     * @throws IOException with libpcap's error text if libpcap cannot open it
     * @throws UnsatisfiedLinkError if libpcap is not installed
     */
    public static NativePcapFileReader open(Path file) throws IOException {
        LibPcap.ensureLoaded();
        byte[] errbuf = new byte[LibPcap.ERRBUF_SIZE];
        Pointer p =
                LibPcap.pcap_open_offline_with_tstamp_precision(file.toString(), LibPcap.TSTAMP_PRECISION_NANO, errbuf);
        if (p == null) {
            throw new IOException("libpcap cannot open " + file + ": " + LibPcap.errbufText(errbuf));
        }
        return new NativePcapFileReader(file, p);
    }

    /** libpcap's version string, e.g. "libpcap version 1.10.3 (with TPACKET_V3)". */
    public static String libraryVersion() {
        LibPcap.ensureLoaded();
        return LibPcap.pcap_lib_version();
    }

    /**
     * Reads the next packet into {@code dst}. Returns false at end of file. If the packet is longer than
     * {@code dst}, throws an IOException (the packet is consumed; nothing is silently truncated).
     */
    public boolean next(byte[] dst) throws IOException {
        if (handle == null) {
            throw new IOException("closed: " + file);
        }
        int rc = LibPcap.pcap_next_ex(handle, headerOut, dataOut);
        if (rc == LibPcap.ERROR_BREAK) {
            return false;
        }
        if (rc != 1) {
            throw new IOException("libpcap read error in " + file + ": " + LibPcap.pcap_geterr(handle));
        }
        // Four native transitions per packet: pcap_next_ex, the out slots, the header, the data.
        long seconds;
        long fraction;
        int caplen;
        int len;
        if (LONG_SIZE == 8 && Native.POINTER_SIZE == 8) {
            outSlots.read(0, slots, 0, 2);
            Pointer.nativeValue(header, slots[0]);
            Pointer.nativeValue(data, slots[1]);
            header.read(0, hdr, 0, 3);
            seconds = hdr[0];
            fraction = hdr[1];
            // caplen and len share the third long; x86-64 and aarch64 Linux are little-endian.
            caplen = LITTLE_ENDIAN ? (int) hdr[2] : (int) (hdr[2] >>> 32);
            len = LITTLE_ENDIAN ? (int) (hdr[2] >>> 32) : (int) hdr[2];
        } else {
            Pointer.nativeValue(header, slot(0));
            Pointer.nativeValue(data, slot(Native.POINTER_SIZE));
            seconds = header.getInt(0) & 0xFFFF_FFFFL;
            fraction = header.getInt(4);
            caplen = header.getInt(8);
            len = header.getInt(12);
        }
        if (caplen < 0 || caplen > dst.length) {
            throw new IOException("packet of " + Integer.toUnsignedString(caplen) + " bytes in " + file
                    + " does not fit the " + dst.length + "-byte buffer");
        }
        data.read(0, dst, 0, caplen);
        capturedLength = caplen;
        originalLength = len;
        timestampNanos = seconds * NANOS_PER_SECOND + fraction;
        return true;
    }

    private long slot(long offset) {
        return Native.POINTER_SIZE == 8 ? outSlots.getLong(offset) : outSlots.getInt(offset) & 0xFFFF_FFFFL;
    }

    /** Bytes of the last packet copied into the caller's array. */
    public int capturedLength() {
        return capturedLength;
    }

    /** Wire length of the last packet. */
    public int originalLength() {
        return originalLength;
    }

    /** Timestamp of the last packet, nanoseconds since the epoch. */
    public long timestampNanos() {
        return timestampNanos;
    }

    /** The file's LINKTYPE_ ({@code pcap_datalink}). */
    public int linkType() {
        return linkType;
    }

    @Override
    public void close() {
        if (handle != null) {
            LibPcap.pcap_close(handle);
            handle = null;
        }
    }
}
