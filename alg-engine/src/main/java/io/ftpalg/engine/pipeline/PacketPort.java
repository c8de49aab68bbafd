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

    /** Transmits what {@link #send} queued. */
    void flush();

    /** Frames the port itself lost (a full kernel ring, a refused send). */
    long drops();

    @Override
    void close();
}
