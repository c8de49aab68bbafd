package io.ftpalg.pcap;

/**
 * One captured packet, reused for every read: {@link CaptureReader#next(PcapRecord)} copies the packet
 * bytes into {@link #data} and overwrites the other fields. Nothing is allocated per packet except
 * {@link #comment}, and only when the pcapng block carries an {@code opt_comment}.
 */
public final class PcapRecord {
    /** Packet bytes; valid from 0 to {@link #capturedLength}. Its length is the largest packet accepted. */
    public final byte[] data;
    /** Number of bytes captured (and copied into {@link #data}). */
    public int capturedLength;
    /** Length of the packet on the wire; at least {@link #capturedLength}. */
    public int originalLength;
    /** Capture time in nanoseconds since 1970-01-01T00:00Z; 0 for a pcapng Simple Packet Block. */
    public long timestampNanos;
    /** Reader-wide interface id (see {@link CaptureReader#interfaceName(int)}); 0 for classic pcap. */
    public int interfaceId;
    /** LINKTYPE_ of the interface the packet came from (see {@link LinkType}). */
    public int linkType;
    /** The packet's pcapng {@code opt_comment}, or null when it has none. */
    public String comment;

    public PcapRecord(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.data = new byte[capacity];
    }
}
