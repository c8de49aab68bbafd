package io.ftpalg.cli.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ftpalg.engine.pipeline.BoundedQueue;
import io.ftpalg.engine.report.EventSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Live events off the workers: each worker's {@link EventSink} ({@link #sink(int)}) puts an {@link Event} into one
 * bounded lock-free queue and returns; a dispatcher thread takes them out, turns them into JSON ({@link EventJson})
 * and hands them to the sinks (the text printer, the {@code --events} file) and to every live subscriber
 * ({@code conntrack -E}), each through its own bounded queue. Nothing waits for a slow reader: what does not fit
 * is counted ({@link #dropped()}, {@link Subscription#lost()}), never waited for. The worker builds the event's
 * strings only on the slow path (negotiations; flow new/destroy only while a subscriber or a file asks for them).
 */
public final class EventHub implements AutoCloseable {
    static final int QUEUE = 65536;
    static final int SUBSCRIBER_QUEUE = 8192;

    private final BoundedQueue<Event> queue = new BoundedQueue<>(QUEUE);
    private final List<Consumer<Event>> textSinks = new CopyOnWriteArrayList<>();
    private final List<Consumer<ObjectNode>> jsonSinks = new CopyOnWriteArrayList<>();
    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicLong delivered = new AtomicLong();
    private volatile boolean negotiations;
    private volatile boolean flowsWanted;
    private volatile boolean closed;
    private Thread dispatcher;

    /** A live reader of the event stream ({@code conntrack -E}). */
    public final class Subscription implements AutoCloseable {
        private final BoundedQueue<ObjectNode> q = new BoundedQueue<>(SUBSCRIBER_QUEUE);
        private final Predicate<ObjectNode> filter;
        private final boolean flows;

        Subscription(Predicate<ObjectNode> filter, boolean flows) {
            this.filter = filter;
            this.flows = flows;
        }

        /** The next event, waiting up to {@code timeoutMs}; null if none came. */
        public ObjectNode poll(long timeoutMs) {
            long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
            ObjectNode n;
            while ((n = q.poll()) == null && System.nanoTime() < deadline && !closed) {
                LockSupport.parkNanos(1_000_000L);
            }
            return n;
        }

        /** Events this subscriber missed because its queue was full. */
        public long lost() {
            return q.overflows();
        }

        @Override
        public void close() {
            subscribers.remove(this);
            updateFlags();
        }
    }

    /** Prints or writes negotiations (rewrites, expectations, notices) as text. */
    public void addTextSink(Consumer<Event> sink) {
        textSinks.add(sink);
        updateFlags();
    }

    /** Every event as JSON ({@code --events}); {@code flows}: also flow new/destroy. */
    public void addJsonSink(Consumer<ObjectNode> sink, boolean flows) {
        jsonSinks.add(sink);
        if (flows) {
            flowSinks++;
        }
        updateFlags();
    }

    private volatile int flowSinks;

    public Subscription subscribe(Predicate<ObjectNode> filter, boolean flows) {
        Subscription s = new Subscription(filter, flows);
        subscribers.add(s);
        updateFlags();
        return s;
    }

    private void updateFlags() {
        boolean f = flowSinks > 0;
        for (Subscription s : subscribers) {
            f |= s.flows;
        }
        flowsWanted = f;
        negotiations = f || !textSinks.isEmpty() || !jsonSinks.isEmpty() || !subscribers.isEmpty();
    }

    /** Events dropped because the hub's queue was full (the dispatcher fell behind). */
    public long dropped() {
        return queue.overflows();
    }

    /** Events lost by subscribers (their own queues full). */
    public long lostBySubscribers() {
        long n = 0;
        for (Subscription s : subscribers) {
            n += s.lost();
        }
        return n;
    }

    public long delivered() {
        return delivered.get();
    }

    public int pending() {
        return queue.size();
    }

    public void start() {
        dispatcher = new Thread(this::dispatch, "ftp-alg-events");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    private void dispatch() {
        while (true) {
            Event e = queue.poll();
            if (e == null) {
                if (closed) {
                    return;
                }
                LockSupport.parkNanos(1_000_000L);
                continue;
            }
            deliver(e);
        }
    }

    /** Hands one event to every sink and subscriber (dispatcher thread; tests call it directly). */
    void deliver(Event e) {
        delivered.incrementAndGet();
        if (!Event.FLOW.equals(e.type())) {
            for (Consumer<Event> t : textSinks) {
                t.accept(e);
            }
        }
        if (jsonSinks.isEmpty() && subscribers.isEmpty()) {
            return;
        }
        ObjectNode n = EventJson.toJson(e);
        if (!Event.FLOW.equals(e.type()) || flowSinks > 0) {
            for (Consumer<ObjectNode> j : jsonSinks) {
                j.accept(n);
            }
        }
        for (Subscription s : subscribers) {
            if ((s.flows || !Event.FLOW.equals(e.type())) && s.filter.test(n)) {
                s.q.offer(n);
            }
        }
    }

    /** Stops after the queue is drained (bounded: at most 2 s). */
    @Override
    public void close() {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!queue.isEmpty() && System.nanoTime() < deadline && dispatcher != null) {
            LockSupport.parkNanos(1_000_000L);
        }
        closed = true;
        if (dispatcher != null) {
            try {
                dispatcher.join(2000);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The {@link EventSink} for worker {@code w}: non-blocking, one queue offer per event. */
    public EventSink sink(int w) {
        return new EventSink() {
            @Override
            public boolean enabled() {
                return negotiations;
            }

            @Override
            public boolean flowEventsEnabled() {
                return flowsWanted;
            }

            @Override
            public void rewrite(
                    long timeNanos,
                    String flow,
                    String direction,
                    String command,
                    String before,
                    String after,
                    int seqDelta,
                    long seq) {
                queue.offer(new Event(
                        Event.REWRITE,
                        timeNanos,
                        w,
                        flow,
                        null,
                        direction,
                        command,
                        before,
                        after,
                        seqDelta,
                        seq,
                        null,
                        null));
            }

            @Override
            public void expectation(long timeNanos, String action, String controlFlow, String expected, String reason) {
                queue.offer(new Event(
                        Event.EXPECTATION,
                        timeNanos,
                        w,
                        controlFlow,
                        action,
                        null,
                        null,
                        null,
                        null,
                        0,
                        0,
                        expected,
                        reason));
            }

            @Override
            public void notice(long timeNanos, String kind, String flow, String text) {
                queue.offer(
                        new Event(Event.NOTICE, timeNanos, w, flow, kind, null, null, null, null, 0, 0, text, null));
            }

            @Override
            public void flow(long timeNanos, String action, String original, String reply, String reason) {
                queue.offer(new Event(
                        Event.FLOW, timeNanos, w, original, action, null, null, null, null, 0, 0, reply, reason));
            }
        };
    }
}
