package io.ftpalg.engine.pipeline;

import io.ftpalg.engine.codec.VirtioNetHeader;

/**
 * One packet, in a pre-allocated buffer, with the metadata that decoding filled in (the VPP buffer-metadata
 * model). Slots are reused: every field below {@code length} is rewritten by {@code Decoder} for each packet, and
 * no stage keeps a reference to a slot after it returns.
 *
 * <p>Addresses are stored as two longs: IPv6 as its 128 bits (hi, lo); IPv4 as {@code hi = 0}, {@code lo} = the
 * 32-bit address. {@link #ipVersion} disambiguates.
 *
 * <p>The frame starts at {@code data[0]}. {@link #capacity()} exceeds the largest frame accepted so that an FTP
 * rewrite may grow a segment in place.
 */
public final class PacketSlot {
    /** Ingress/egress port ids. */
    public static final int PORT_INSIDE = 0;

    public static final int PORT_OUTSIDE = 1;
    public static final int PORT_NONE = -1;

    /** Fragment classification, see {@link #fragment}. */
    public static final int FRAG_NONE = 0;

    public static final int FRAG_FIRST = 1;
    public static final int FRAG_LATER = 2;

    public final byte[] data;

    /** Frame length in bytes (from the Ethernet destination address to the end of the L3 packet). */
    public int length;
    /** Capture or receive time, nanoseconds since the epoch. */
    public long timestampNanos;

    public int ingressPort = PORT_NONE;
    public int egressPort = PORT_NONE;

    // ---- offloads: set by the receiving port from its virtio_net_hdr (PACKET_VNET_HDR), never by the decoder ----
    /**
     * VIRTIO_NET_HDR_F_NEEDS_CSUM (the kernel's CHECKSUM_PARTIAL): the L4 checksum field holds only the folded
     * pseudo-header sum; the frame came from a local TCP/UDP stack or GRO (which verified the segments), so there
     * is nothing to verify, and whoever sends it finishes the sum. See {@code codec.VirtioNetHeader}.
     */
    public boolean csumPartial;
    /** With {@link #csumPartial}: where the checksummed range starts, and the field's offset in it (as received). */
    public int csumStart, csumOffset;
    /**
     * VIRTIO_NET_HDR_GSO_* of a super-frame (a GRO aggregate or a TSO frame of a local sender, up to 64 KiB), or 0:
     * the frame is to leave as segments of {@link #gsoSize} payload bytes each (the kernel cuts them on transmit,
     * or {@code pipeline.OffloadTransmit} in software).
     */
    public int gsoType;

    public int gsoSize;

    // ---- filled by the decoder ----
    /** EtherType after any VLAN tags (0x0800, 0x86DD, 0x0806, ...). */
    public int etherType;
    /** Number of 802.1Q/802.1ad tags; {@link #vlanId} is the outermost tag's VLAN id. */
    public int vlanCount;

    public int vlanId;
    public int l3Offset;
    /** 4, 6, or 0 for non-IP frames. */
    public int ipVersion;
    /** Length of the L3 packet as its header says (IPv4 total length, IPv6 40 + payload length). */
    public int l3Length;
    /** Hop limit / TTL. */
    public int ttl;

    public int fragment;
    /** IPv4 identification, or the IPv6 fragment header identification. */
    public long ipId;
    /** Offset of the IPv6 next-header field that names {@link #l4Proto}, or -1 (IPv4). */
    public int nextHeaderFieldOffset;

    public long srcHi, srcLo, dstHi, dstLo;
    /** Upper-layer protocol (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6). */
    public int l4Proto;

    public int l4Offset;
    /** Upper-layer length: from {@link #l4Offset} to the end of the L3 packet. */
    public int l4Length;
    /** TCP/UDP ports; for ICMP echo the identifier is in {@code srcPort} and {@code dstPort}. */
    public int srcPort, dstPort;

    // ---- TCP ----
    public int tcpFlags;
    public long seq, ack;
    public int window;
    public int tcpHeaderLength;
    /** Offset of the first SACK block in the options, or -1; {@link #sackBlocks} blocks of 8 bytes follow. */
    public int sackOffset;

    public int sackBlocks;
    /** Offset of the TCP payload (or UDP payload). */
    public int payloadOffset;

    public int payloadLength;

    /** Set by a stage that changed the L4 payload: the L4 checksum is recomputed in full before transmit. */
    public boolean l4Dirty;

    // ---- ICMP ----
    public int icmpType, icmpCode;

    public PacketSlot(int capacity) {
        this.data = new byte[capacity];
    }

    /** Sets the offload fields from a port's offload word ({@code codec.VirtioNetHeader}); 0 clears them. */
    public void setOffload(long word) {
        csumPartial = VirtioNetHeader.needsCsum(word);
        csumStart = VirtioNetHeader.csumStart(word);
        csumOffset = VirtioNetHeader.csumOffset(word);
        gsoType = VirtioNetHeader.gsoType(word);
        gsoSize = VirtioNetHeader.gsoSize(word);
    }

    public int capacity() {
        return data.length;
    }

    /** Forgets the decoded metadata; the decoder calls this first. */
    public void resetMetadata() {
        etherType = 0;
        vlanCount = 0;
        vlanId = 0;
        l3Offset = 0;
        ipVersion = 0;
        l3Length = 0;
        ttl = 0;
        fragment = FRAG_NONE;
        ipId = 0;
        nextHeaderFieldOffset = -1;
        srcHi = srcLo = dstHi = dstLo = 0;
        l4Proto = -1;
        l4Offset = 0;
        l4Length = 0;
        srcPort = dstPort = 0;
        tcpFlags = 0;
        seq = ack = 0;
        window = 0;
        tcpHeaderLength = 0;
        sackOffset = -1;
        sackBlocks = 0;
        payloadOffset = 0;
        payloadLength = 0;
        icmpType = icmpCode = -1;
        l4Dirty = false;
        egressPort = PORT_NONE;
    }
}
