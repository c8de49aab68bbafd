package io.ftpalg.engine.pipeline;

/**
 * Frames a worker's engine makes itself, on their way to the transmit stage: a single-producer (the worker),
 * single-consumer (the transmitter) ring of pre-allocated buffers. Full means the frame is dropped and counted;
 * these are ARP/neighbour messages and ICMP errors, which their senders repeat, and resets for unknown flows and
 * keepalive probes, which the next stray segment or the next idle interval brings again.
 */
final class EmitQueue implements Emitter {
    static final int SLOTS = 256;
    static final int BYTES = 2048;

    private final byte[][] frames = new byte[SLOTS][BYTES];
    private final int[] lengths = new int[SLOTS];
    private final int[] ports = new int[SLOTS];
    private volatile long head; // next to read (consumer)
    private volatile long tail; // next to write (producer)
    long dropped;

    @Override
    public void emit(byte[] frame, int off, int len, int egressPort) {
        long t = tail;
        if (len > BYTES || t - head >= SLOTS) {
            dropped++;
            return;
        }
        int i = (int) (t & (SLOTS - 1));
        System.arraycopy(frame, off, frames[i], 0, len);
        lengths[i] = len;
        ports[i] = egressPort;
        tail = t + 1;
    }

    /** Sends everything queued; returns how many frames. */
    int drainTo(PacketPort[] out) {
        long h = head;
        long t = tail;
        int n = 0;
        for (; h < t; h++, n++) {
            int i = (int) (h & (SLOTS - 1));
            out[ports[i]].send(frames[i], 0, lengths[i]);
        }
        head = h;
        return n;
    }
}
