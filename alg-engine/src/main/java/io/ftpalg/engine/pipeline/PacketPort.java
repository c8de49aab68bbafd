package io.ftpalg.engine.pipeline;

/**
 * One network port as the live pipeline sees it: frames in, frames out. Implemented over AF_PACKET rings (the
 * default), pcap, or memory (tests). Receive and send are called from one thread each.
 */
public interface PacketPort extends AutoCloseable {
    /** Receives frames for the pipeline; the port calls the sink once per frame, in order. */
    interface Sink {
        /**
         * A received frame at {@code bytes[off..off+len)} (ring-backed ports copy into a buffer of their own first).
         *
         * @return false to stop this receive call early (the pipeline is full)
         */
        boolean frame(byte[] bytes, int off, int len);

        /**
         * A received frame with its offload word ({@code codec.VirtioNetHeader}: partial checksum, GSO
         * super-frame), from a port that reads PACKET_VNET_HDR. Word 0 is an ordinary frame.
         */
        default boolean frame(byte[] bytes, int off, int len, long offload) {
            return frame(bytes, off, len);
        }

        /**
         * A received frame still in memory the port owns (an RX ring slot: {@code src[off, off + len)}, absolute),
         * to be copied out during this call: so that a ring-backed port need not copy it into a buffer of its
         * own first. {@code vlanTag} != 0 is an 802.1Q/802.1ad tag the kernel stripped into the slot's metadata,
         * {@code TPID << 16 | TCI}, to put back after the MAC addresses (the frame grows by 4 bytes; {@code
         * offload}'s csum_start is still counted without it). The default copies into a new array: the live
         * pipeline's sink overrides it and copies once, straight into its ring slot.
         */
        default boolean frame(java.nio.ByteBuffer src, int off, int len, int vlanTag, long offload) {
            int tag = vlanTag != 0 && len >= 12 ? 4 : 0;
            byte[] copy = new byte[len + tag];
            copyFrame(src, off, len, vlanTag, copy);
            return frame(
                    copy,
                    0,
                    copy.length,
                    tag == 0 ? offload : io.ftpalg.engine.codec.VirtioNetHeader.shiftCsumStart(offload, 4));
        }
    }

    /**
     * Copies a ring frame into {@code dst} from 0, putting back the stripped VLAN tag ({@code vlanTag} != 0: a TPID is never 0;
     * TPID << 16 | TCI) after the MAC addresses. Returns the frame's length in {@code dst}.
     */
    static int copyFrame(java.nio.ByteBuffer src, int off, int len, int vlanTag, byte[] dst) {
        if (vlanTag == 0 || len < 12) {
            src.get(off, dst, 0, len);
            return len;
        }
        src.get(off, dst, 0, 12);
        dst[12] = (byte) (vlanTag >>> 24);
        dst[13] = (byte) (vlanTag >>> 16);
        dst[14] = (byte) (vlanTag >>> 8);
        dst[15] = (byte) vlanTag;
        src.get(off + 12, dst, 16, len - 12);
        return len + 4;
    }

    /** The port's name, for messages. */
    String name();

    /**
     * Waits up to {@code timeoutMs} for frames and hands at most {@code max} of them to the sink.
     *
     * @return the number of frames handed over
     */
    int receive(Sink sink, int max, long timeoutMs);

    /** Queues one frame for transmission; false (and counted by the port) if it cannot be sent. */
    boolean send(byte[] frame, int off, int len);

    /**
     * Queues one frame with an offload word ({@code codec.VirtioNetHeader}: NEEDS_CSUM, a GSO type and size) for
     * the kernel to finish and segment. Only for a port whose {@link #offloads()} is true; the others take word 0
     * only (the pipeline completes and segments in software for them: {@link OffloadTransmit}).
     */
    default boolean send(byte[] frame, int off, int len, long offload) {
        return offload == 0 && send(frame, off, len);
    }

    /** Whether {@link #send(byte[], int, int, long)} takes super-frames and partial checksums (PACKET_VNET_HDR). */
    default boolean offloads() {
        return false;
    }

    /** The port's MTU (largest IP packet of one wire frame), or 0 if unknown (then super-frames keep gso_size). */
    default int mtu() {
        return 0;
    }

    /** Transmits what {@link #send} queued. */
    void flush();

    /** Frames the port itself lost (a full kernel ring, a refused send). */
    long drops();

    @Override
    void close();
}
