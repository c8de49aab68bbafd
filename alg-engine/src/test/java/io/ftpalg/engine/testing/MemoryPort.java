package io.ftpalg.engine.testing;

import io.ftpalg.engine.pipeline.PacketPort;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** A port in memory: tests push frames in and read what the pipeline sent out. */
public final class MemoryPort implements PacketPort {
    private final String name;
    private final ConcurrentLinkedQueue<byte[]> in = new ConcurrentLinkedQueue<>();
    private final List<byte[]> queued = new ArrayList<>();
    private final List<byte[]> sent = new ArrayList<>();
    /** Frames injected, and frames the receiver has finished handing to its sink (published, not just polled). */
    private final AtomicLong injected = new AtomicLong();

    private final AtomicLong taken = new AtomicLong();

    public MemoryPort(String name) {
        this.name = name;
    }

    public void inject(byte[] frame) {
        injected.incrementAndGet();
        in.add(frame);
    }

    /**
     * True once every injected frame has been handed to the sink and the sink has returned: for the pipeline, the
     * frame is in the ring. (An empty queue alone is not enough: a frame polled but not yet published could be
     * overtaken by a frame injected next on the other port.)
     */
    public boolean drained() {
        return taken.get() == injected.get();
    }

    public synchronized List<byte[]> sent() {
        return new ArrayList<>(sent);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int receive(Sink sink, int max, long timeoutMs) {
        int n = 0;
        byte[] f;
        while (n < max && (f = in.poll()) != null) {
            n++;
            boolean more = sink.frame(f, 0, f.length);
            taken.incrementAndGet();
            if (!more) {
                break;
            }
        }
        if (n == 0) {
            LockSupport.parkNanos(Math.min(timeoutMs, 1) * 1_000_000L);
        }
        return n;
    }

    @Override
    public synchronized boolean send(byte[] frame, int off, int len) {
        queued.add(Arrays.copyOfRange(frame, off, off + len));
        return true;
    }

    @Override
    public synchronized void flush() {
        sent.addAll(queued);
        queued.clear();
    }

    @Override
    public long drops() {
        return 0;
    }

    @Override
    public void close() {}
}
