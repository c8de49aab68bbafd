package io.ftpalg.engine.pipeline;

/**
 * One worker's command queue: control threads {@link #submit} {@link WorkerCommand}s, the worker
 * {@link #runPending runs} them at its safe point (the end of a batch in {@link Dataplane}, or when a test calls
 * it). Bounded ({@value #CAPACITY} waiting commands): a full queue refuses and counts, it never blocks anyone.
 *
 * <p>At most {@value #PER_SAFE_POINT} commands run per safe point, so a burst of requests cannot hold the worker
 * away from its packets for long; the rest wait for the next batch.
 */
public final class WorkerCommands {
    static final int CAPACITY = 64;
    static final int PER_SAFE_POINT = 4;

    private final BoundedQueue<WorkerCommand> queue = new BoundedQueue<>(CAPACITY);

    /** Queues {@code c}; false (and counted) when the queue is full. */
    public boolean submit(WorkerCommand c) {
        c.arm();
        return queue.offer(c);
    }

    /** On the worker: runs up to {@value #PER_SAFE_POINT} queued commands. Returns how many ran. */
    public int runPending(Engine engine) {
        if (queue.isEmpty()) {
            return 0;
        }
        int n = 0;
        WorkerCommand c;
        while (n < PER_SAFE_POINT && (c = queue.poll()) != null) {
            c.runOn(engine);
            n++;
        }
        return n;
    }

    public long refused() {
        return queue.overflows();
    }

    public int waiting() {
        return queue.size();
    }
}
