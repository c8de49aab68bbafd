package io.ftpalg.engine.pipeline;

import java.util.concurrent.locks.LockSupport;

/**
 * Two in-memory {@link PacketPort}s (inside and outside) for benchmarks: nothing is allocated per frame. Unlike
 * the test {@code MemoryPort} (a queue of {@code byte[]}), a port here offers frames from one pre-built array,
 * either once (set-up: a list of handshake frames) or round and round for ever (the measured load), and its
 * send side only counts.
 *
 * <p>Flow control: a port offers a frame only while fewer than {@code window} frames are in flight in the
 * pipeline (offered by either port and not yet sent by either), so the ring never overflows and the load is
 * exactly as fast as the pipeline drains it: the measured rate is the pipeline's, not the ring-full drop path's.
 * Any frame the engines do not forward stays "in flight" for ever; a benchmark that waits for sends then times
 * out instead of measuring nonsense. When it may not offer, the receive thread parks for {@value #PARK_NANOS} ns
 * (on a 2-core machine a spinning receiver would take a core from the workers).
 *
 * <p>Sent counts are published (a volatile write) once per transmit batch, in {@link PacketPort#flush}.
 */
final class MemoryPortPair {
    static final long PARK_NANOS = 20_000;

    final Port inside = new Port("bench-inside");
    final Port outside = new Port("bench-outside");
    private final int window;

    MemoryPortPair(int window) {
        this.window = window;
    }

    /** Frames offered by both ports and not sent by either. */
    long inFlight() {
        return inside.offered + outside.offered - inside.sent - outside.sent;
    }

    final class Port implements PacketPort {
        private final String name;
        private byte[] frames;
        private int stride;
        private int[] lengths;
        private int cursor;
        private boolean loop;
        /** Frames still to offer when not looping. */
        private volatile int pending;

        private volatile boolean looping;
        /** Written by the receive thread, read by others. */
        volatile long offered;
        /** The transmit thread's count, and its published copy. */
        private long sentPlain;

        volatile long sent;

        Port(String name) {
            this.name = name;
        }

        /**
         * Offers {@code lengths.length} frames stored at {@code stride} in {@code frames}: once, or for ever. Call
         * while the port is idle (nothing pending), from the benchmark thread.
         */
        void offer(byte[] frames, int stride, int[] lengths, boolean forever) {
            this.frames = frames;
            this.stride = stride;
            this.lengths = lengths;
            this.cursor = 0;
            this.loop = forever;
            this.looping = forever;
            this.pending = forever ? 0 : lengths.length; // volatile write last: publishes the fields above
        }

        /** Stops a looping offer. */
        void stop() {
            looping = false;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int receive(Sink sink, int max, long timeoutMs) {
            boolean forever = looping;
            int todo = forever ? max : Math.min(max, pending);
            if (todo > 0) {
                long room = window - inFlight();
                todo = (int) Math.min(todo, room);
            }
            if (todo <= 0) {
                LockSupport.parkNanos(PARK_NANOS);
                return 0;
            }
            int[] len = lengths;
            int n = len.length;
            int c = cursor;
            int i = 0;
            while (i < todo) {
                boolean more = sink.frame(frames, c * stride, len[c]);
                i++;
                if (++c == n) {
                    c = 0;
                }
                if (!more) {
                    break;
                }
            }
            cursor = c;
            offered += i; // single writer: the receive thread
            if (!forever) {
                pending -= i; // the benchmark thread only reads it
            }
            return i;
        }

        @Override
        public boolean send(byte[] frame, int off, int len) {
            sentPlain++;
            return true;
        }

        @Override
        public void flush() {
            if (sent != sentPlain) {
                sent = sentPlain;
            }
        }

        @Override
        public long drops() {
            return 0;
        }

        @Override
        public void close() {}
    }
}
