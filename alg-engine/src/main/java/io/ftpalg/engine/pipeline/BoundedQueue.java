package io.ftpalg.engine.pipeline;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded, lock-free hand-off between threads: any number of producers, any number of consumers. {@link #offer}
 * never blocks and never waits: when the queue holds {@code capacity} items it refuses and counts the refusal in
 * {@link #overflows()}. {@link #poll} never blocks either.
 *
 * <p>Used where a worker hands something to a slower reader (events) and where control threads hand commands to a
 * worker ({@link WorkerCommands}). The bound is kept by a separate count (incremented before the item is linked,
 * decremented after it is unlinked), so the queue may briefly hold one item fewer than the count says, never more
 * than {@code capacity}.
 */
public final class BoundedQueue<T> {
    private final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong overflows = new AtomicLong();
    private final int capacity;

    public BoundedQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds {@code item}, or counts an overflow and returns false when the queue is full. */
    public boolean offer(T item) {
        while (true) {
            int n = size.get();
            if (n >= capacity) {
                overflows.incrementAndGet();
                return false;
            }
            if (size.compareAndSet(n, n + 1)) {
                items.offer(item);
                return true;
            }
        }
    }

    /** The oldest item, or null when empty. */
    public T poll() {
        T t = items.poll();
        if (t != null) {
            size.decrementAndGet();
        }
        return t;
    }

    /** Cheap check for the consumer's loop (one volatile read). */
    public boolean isEmpty() {
        return size.get() == 0;
    }

    public int size() {
        return size.get();
    }

    public int capacity() {
        return capacity;
    }

    /** Items refused because the queue was full. */
    public long overflows() {
        return overflows.get();
    }
}
