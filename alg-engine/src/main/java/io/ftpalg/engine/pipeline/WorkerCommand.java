package io.ftpalg.engine.pipeline;

import java.util.concurrent.locks.LockSupport;

/**
 * Something a control thread asks one worker to do to its own {@link Engine} at a safe point between batches: take
 * a chunk of a snapshot, delete flows, flush expectations, apply a reload. The worker runs it on its own thread, so
 * the engine's tables need no lock; the control thread waits for the answer, the worker never waits for anyone.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #execute} runs on the worker thread, between two batches of packets, and must be bounded: do a
 *       chunk (a few thousand records at most, tens of microseconds) and leave a cursor in the command for the
 *       next round. The worker's forwarding is stalled for as long as it runs.
 *   <li>{@link #execute} must not block, sleep, log or do I/O; it writes its answer into fields of the command
 *       (pre-sized buffers), which the requester reads after {@link #await} returned true (the volatile
 *       {@code done} flag orders the writes before the read).
 *   <li>An exception thrown by {@link #execute} is caught on the worker, kept in {@link #failure()} and never
 *       stops the worker.
 *   <li>A command is submitted to one worker at a time; it may be reused (re-submitted) once {@link #await}
 *       returned true.
 * </ul>
 *
 * <pre>
 *   FlowSnapshot chunk = new FlowSnapshot(2048);      // control thread
 *   chunk.from(0);
 *   do {
 *       if (!dataplane.submit(worker, chunk) || !chunk.await(5_000)) { ... busy / no answer ... }
 *       ... read chunk.count() records ...
 *       chunk.from(chunk.next());
 *   } while (!chunk.finished());
 * </pre>
 */
public abstract class WorkerCommand {
    private volatile boolean done;
    private volatile Thread waiter;
    private volatile RuntimeException failure;
    private long runNanos;

    /** Runs on the worker's thread with the worker's engine. Bounded, non-blocking (see the class comment). */
    protected abstract void execute(Engine engine);

    /** Called by the worker (or directly by a test, on the engine's own thread). */
    public final void runOn(Engine engine) {
        long t0 = System.nanoTime();
        try {
            execute(engine);
        } catch (RuntimeException e) {
            failure = e;
        }
        runNanos = System.nanoTime() - t0;
        done = true;
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** Prepares the command for (re)submission. Called by {@link Dataplane#submit}. */
    final void arm() {
        failure = null;
        done = false;
    }

    public final boolean isDone() {
        return done;
    }

    /** How long the last run held the worker away from its packets (valid after {@link #await}). */
    public final long runNanos() {
        return runNanos;
    }

    /** What {@link #execute} threw, or null. */
    public final RuntimeException failure() {
        return failure;
    }

    /**
     * Waits (on the calling control thread) until the worker has run the command. Returns false after
     * {@code timeoutMs} (a worker that is not running, or a stalled one); the command may then still run later, so
     * it must not be reused.
     */
    public final boolean await(long timeoutMs) {
        waiter = Thread.currentThread();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!done) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(this, Math.min(left, 1_000_000L));
        }
        return true;
    }
}
