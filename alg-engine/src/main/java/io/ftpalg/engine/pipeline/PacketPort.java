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
