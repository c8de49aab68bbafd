package io.ftpalg.engine.pipeline;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.stats.Counters;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * The live pipeline, and the one class that wires it:
 *
 * <pre>
 *  port inside  ─ receive thread ─┐                      ┌─ worker 0 (Engine 0) ─┐
 *                                 ├─► ring of PacketEvent ┼─ worker 1 (Engine 1) ─┼─► transmit ─► egress port
 *  port outside ─ receive thread ─┘   (pre-allocated      └─ worker N-1          ─┘
 *                                      packet slots)       each takes its shard
 * </pre>
 *
 * <ul>
 *   <li>Receive threads copy each frame straight into the next ring slot, stamp the batch's clock once, choose
 *       the worker with {@link Sharder} and publish. A full ring drops the frame and counts it
 *       ({@code pipeline-ring-full}); nothing waits on the wire side.
 *   <li>Workers are plain {@link Engine}s, one per worker, sharing nothing: a worker processes the events of its
 *       shard and skips the rest (Disruptor 4 has no worker pool; sharding inside handlers is its idiom).
 *   <li>The transmit stage runs after all workers and sends forwarded frames on their egress port, flushing
 *       at the end of each batch.
 *   <li>Offloads: a port that reads PACKET_VNET_HDR hands each frame over with its offload word (partial
 *       checksum, GSO super-frame), kept in the slot ({@link PacketSlot#setOffload}); the transmit stage sends
 *       through {@link OffloadTransmit}, which passes super-frames on whole or cuts them in software.
 *   <li>Time: the receive thread reads the clock once per batch. Timeouts fire without traffic from clock ticks
 *       that the inside receive thread publishes when the engines next need one ({@link Engine#nextTickNanos}:
 *       never while they hold no flow and no expectation, else at the next sweep, at most every {@link
 *       #TICK_MS} ms); between them it sleeps in poll(2) on its ring, the outside one for up to {@link
 *       #IDLE_POLL_MS} ms (to notice {@link #close()}).
 * </ul>
 *
 * The wait strategy is configurable; busy-spinning is never the default (on a 2-core machine three spinning
 * threads collapse throughput). The default, {@code adaptive}, spins briefly, yields, then blocks until the next
 * publication: an idle pipeline costs about no CPU (every thread is asleep in the kernel).
 *
 * <h2>Operator's access: commands at a safe point</h2>
 *
 * Each worker has a bounded {@link WorkerCommands} queue. {@link #submit submit(worker, command)} queues a
 * {@link WorkerCommand} and publishes a clock tick so that an idle worker wakes; the worker runs queued commands at
 * the end of a batch (never in the middle of one), on its own thread, with its own engine; the caller waits with
 * {@link WorkerCommand#await}. Nothing on the worker blocks or takes a lock: a full queue refuses the command.
 * Snapshots ({@link FlowSnapshot}, {@link ExpectationSnapshot}) are chunked so that each run is short. The control
 * socket (cli) and reload use this; tests can call {@link WorkerCommand#runOn} on an engine directly.
 */
public final class Dataplane implements AutoCloseable {
    static final long TICK_MS = 100;
    /** Longest sleep of a receive thread in poll(2): how soon it notices {@link #close()} when nothing arrives. */
    static final long IDLE_POLL_MS = 1000;

    static final int RECEIVE_BATCH = 64;

    private final PacketPort[] ports;
    private final Engine[] engines;
    private final EmitQueue[] emitted;
    private final WorkerCommands[] commands;
    private final Disruptor<PacketEvent> disruptor;
    private final RingBuffer<PacketEvent> ring;
    private final Sharder sharder;
    private final LongSupplier clockNanos;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Thread[] receivers = new Thread[2];
    private final AtomicLong ringFull = new AtomicLong();
    private final AtomicLong oversize = new AtomicLong();
    private final AtomicLong transmitted = new AtomicLong();
    private final AtomicLong transmitFailed = new AtomicLong();
    /** Idle ticks published (by the inside receive thread only). */
    private volatile long ticks;

    private final OffloadTransmit offloadTx = new OffloadTransmit();
    /** Per worker: when its engine next needs a tick ({@link Engine#nextTickNanos}), written after each batch. */
    private final java.util.concurrent.atomic.AtomicLongArray nextTick;

    /**
     * @param inside the inside port
     * @param outside the outside port
     * @param workers number of worker threads (engines)
     * @param ringSize ring slots, a power of two
     * @param waitStrategy blocking, sleeping, yielding or busy-spin
     * @param clockNanos the clock (System::currentTimeMillis-based nanos live; a fake one in tests)
     */
    public Dataplane(
            Config config,
            EventSink events,
            PacketPort inside,
            PacketPort outside,
            int workers,
            int ringSize,
            String waitStrategy,
            LongSupplier clockNanos) {
        this(config, w -> events, inside, outside, workers, ringSize, waitStrategy, clockNanos);
    }

    /** As above, with one event sink per worker ({@code events.apply(worker)}), so that sinks need no lock. */
    public Dataplane(
            Config config,
            IntFunction<EventSink> events,
            PacketPort inside,
            PacketPort outside,
            int workers,
            int ringSize,
            String waitStrategy,
            LongSupplier clockNanos) {
        this(
                inside,
                outside,
                workers,
                ringSize,
                waitStrategy,
                clockNanos,
                i -> new Engine(config, events.apply(i), SLOT_CAPACITY));
    }

    /**
     * As above, with worker {@code i}'s engine made by {@code engineFactory.apply(i)} (e.g. restored from a state
     * directory, run --state-dir). If one cannot be made, those made so far are closed and the exception goes to
     * the caller.
     */
    public Dataplane(
            PacketPort inside,
            PacketPort outside,
            int workers,
            int ringSize,
            String waitStrategy,
            LongSupplier clockNanos,
            IntFunction<Engine> engineFactory) {
        this.ports = new PacketPort[] {inside, outside};
        this.engines = new Engine[workers];
        this.emitted = new EmitQueue[workers];
        this.commands = new WorkerCommands[workers];
        for (int i = 0; i < workers; i++) {
            try {
                engines[i] = engineFactory.apply(i);
            } catch (RuntimeException e) {
                for (int k = 0; k < i; k++) {
                    engines[k].close();
                }
                throw e;
            }
            emitted[i] = new EmitQueue();
            commands[i] = new WorkerCommands();
            engines[i].setEmitter(emitted[i]);
        }
        this.sharder = new Sharder(workers);
        this.nextTick = new java.util.concurrent.atomic.AtomicLongArray(workers);
        this.clockNanos = clockNanos;
        this.disruptor = new Disruptor<>(
                () -> new PacketEvent(SLOT_CAPACITY),
                ringSize,
                r -> {
                    Thread t = new Thread(r, "ftp-alg-stage");
                    t.setDaemon(true);
                    return t;
                },
                ProducerType.MULTI,
                waitStrategy(waitStrategy));
        @SuppressWarnings("unchecked")
        EventHandler<PacketEvent>[] handlers = new EventHandler[workers];
        for (int i = 0; i < workers; i++) {
            handlers[i] = new Worker(i, engines[i], commands[i], nextTick);
        }
        disruptor.handleEventsWith(handlers).then(new Transmitter());
        this.ring = disruptor.getRingBuffer();
    }

    /** Largest frame: 64 KiB of IP plus Ethernet and two VLAN tags, plus room for a rewrite to grow. */
    public static final int SLOT_CAPACITY = 65535 + 22 + 512;

    static WaitStrategy waitStrategy(String name) {
        switch (name) {
            case "adaptive":
                return new PhasedBackoffWaitStrategy(
                        10, 200, java.util.concurrent.TimeUnit.MICROSECONDS, new LiteBlockingWaitStrategy());
            case "blocking":
                return new BlockingWaitStrategy();
            case "sleeping":
                return new SleepingWaitStrategy();
            case "yielding":
                return new YieldingWaitStrategy();
            case "busy-spin":
                return new BusySpinWaitStrategy();
            default:
                throw new IllegalArgumentException(
                        "unknown wait strategy '" + name + "' (adaptive, blocking, sleeping, yielding, busy-spin)");
        }
    }

    public void start() {
        disruptor.start();
        running.set(true);
        for (int p = 0; p < 2; p++) {
            int port = p;
            receivers[p] = new Thread(() -> receiveLoop(port), "ftp-alg-rx-" + ports[p].name());
            receivers[p].setDaemon(true);
            receivers[p].start();
        }
    }

    /** Stops receiving, lets the ring drain, stops the stages. */
    @Override
    public void close() {
        running.set(false);
        for (Thread t : receivers) {
            if (t != null) {
                try {
                    t.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        try {
            disruptor.shutdown(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (com.lmax.disruptor.TimeoutException e) {
            disruptor.halt();
        }
        for (Engine e : engines) {
            e.close();
        }
    }

    /** The sum of every worker's counters (read while running: eventually consistent). */
    public Counters counters() {
        Counters sum = new Counters();
        for (Engine e : engines) {
            sum.addAll(e.counters());
        }
        return sum;
    }

    public int workers() {
        return engines.length;
    }

    /**
     * Worker {@code w}'s engine, for start-up reports only (what it restored from its state directory): while the
     * pipeline runs, an engine belongs to its worker thread.
     */
    public Engine engine(int w) {
        return engines[w];
    }

    /** Worker {@code w}'s own counters (read while running: eventually consistent). */
    public Counters counters(int w) {
        return engines[w].counters();
    }

    /**
     * Queues {@code command} for worker {@code w} and wakes it (a clock tick through the ring). Returns false when
     * the worker's command queue is full (the caller answers "busy"); never blocks.
     */
    public boolean submit(int w, WorkerCommand command) {
        if (!commands[w].submit(command)) {
            return false;
        }
        publishTick(clockNanos.getAsLong());
        return true;
    }

    /** Commands refused because a worker's queue was full, all workers. */
    public long commandsRefused() {
        long n = 0;
        for (WorkerCommands c : commands) {
            n += c.refused();
        }
        return n;
    }

    /** Ring slots published and not yet released by the transmit stage. */
    public long ringOccupancy() {
        return ring.getBufferSize() - ring.remainingCapacity();
    }

    public int ringSize() {
        return ring.getBufferSize();
    }

    public long ringFullDrops() {
        return ringFull.get();
    }

    /** Frames larger than a slot (a GSO super-frame from a port whose offloads were left on). */
    public long oversizeDrops() {
        return oversize.get();
    }

    public long transmitted() {
        return transmitted.get();
    }

    public long transmitFailed() {
        return transmitFailed.get();
    }

    /** Idle clock ticks published so far: none while the engines hold nothing that can expire. */
    public long ticksPublished() {
        return ticks;
    }

    /** The transmit stage's offload figures: super-frames sent whole, cut in software, resized, unsupported. */
    public OffloadTransmit offloadTransmit() {
        return offloadTx;
    }

    // ------------------------------------------------------------------------------------------------------------

    private void receiveLoop(int port) {
        PacketPort in = ports[port];
        Publisher publisher = new Publisher(port);
        long lastTick = clockNanos.getAsLong();
        while (running.get()) {
            publisher.batchTime = clockNanos.getAsLong();
            // One port ticks for both, so that workers see one tick per interval; the other only sleeps.
            long due = port == PacketSlot.PORT_INSIDE ? tickDue(lastTick) : Long.MAX_VALUE;
            long waitMs = Math.max(1, Math.min(IDLE_POLL_MS, (due - publisher.batchTime) / 1_000_000L + 1));
            if (due == Long.MAX_VALUE) {
                waitMs = IDLE_POLL_MS;
            }
            int n = in.receive(publisher, RECEIVE_BATCH, waitMs);
            long now = publisher.batchTime;
            if (n == 0 && port == PacketSlot.PORT_INSIDE && now - tickDue(lastTick) >= 0) {
                publishTick(clockNanos.getAsLong());
                lastTick = now;
            } else if (n > 0) {
                lastTick = now;
            }
        }
    }

    /**
     * When the next idle tick is due: the earliest a worker's engine asked for, never sooner than {@link #TICK_MS}
     * after the last one (a tick in flight has not updated the request yet); Long.MAX_VALUE when none asked.
     */
    private long tickDue(long lastTick) {
        long due = Long.MAX_VALUE;
        for (int i = 0; i < nextTick.length(); i++) {
            due = Math.min(due, nextTick.get(i));
        }
        return due == Long.MAX_VALUE ? due : Math.max(due, lastTick + TICK_MS * 1_000_000L);
    }

    private void publishTick(long now) {
        ticks++;
        long seq;
        try {
            seq = ring.tryNext();
        } catch (InsufficientCapacityException e) {
            return;
        }
        PacketEvent ev = ring.get(seq);
        ev.shard = -1;
        ev.slot.timestampNanos = now;
        ev.slot.length = 0;
        ring.publish(seq);
    }

    /** Copies received frames into ring slots. One per receive thread. */
    private final class Publisher implements PacketPort.Sink {
        final int port;
        long batchTime;

        Publisher(int port) {
            this.port = port;
        }

        @Override
        public boolean frame(byte[] bytes, int off, int len) {
            return frame(bytes, off, len, 0L);
        }

        /** The one copy of a ring-backed port's frame: from its RX ring slot straight into this ring's slot. */
        @Override
        public boolean frame(java.nio.ByteBuffer src, int off, int len, int vlanTag, long offload) {
            int out = vlanTag != 0 && len >= 12 ? len + 4 : len;
            if (out > SLOT_CAPACITY - 512) {
                oversize.incrementAndGet();
                return true;
            }
            long seq;
            try {
                seq = ring.tryNext();
            } catch (InsufficientCapacityException e) {
                ringFull.incrementAndGet();
                return true;
            }
            PacketEvent ev = ring.get(seq);
            PacketSlot s = ev.slot;
            s.length = PacketPort.copyFrame(src, off, len, vlanTag, s.data);
            s.ingressPort = port;
            s.timestampNanos = batchTime;
            s.setOffload(out != len ? io.ftpalg.engine.codec.VirtioNetHeader.shiftCsumStart(offload, 4) : offload);
            ev.shard = sharder.shard(s.data, s.length, port);
            ring.publish(seq);
            return true;
        }

        @Override
        public boolean frame(byte[] bytes, int off, int len, long offload) {
            if (len > SLOT_CAPACITY - 512) {
                oversize.incrementAndGet();
                return true;
            }
            long seq;
            try {
                seq = ring.tryNext();
            } catch (InsufficientCapacityException e) {
                ringFull.incrementAndGet();
                return true;
            }
            PacketEvent ev = ring.get(seq);
            PacketSlot s = ev.slot;
            System.arraycopy(bytes, off, s.data, 0, len);
            s.length = len;
            s.ingressPort = port;
            s.timestampNanos = batchTime;
            s.setOffload(offload);
            ev.shard = sharder.shard(s.data, len, port);
            ring.publish(seq);
            return true;
        }
    }

    /**
     * Worker i: the engine for shard i; runs its queued commands at the end of each batch (the safe point), then
     * says when its engine next needs an idle tick.
     */
    private static final class Worker implements EventHandler<PacketEvent> {
        private final int shard;
        private final Engine engine;
        private final WorkerCommands commands;
        private final java.util.concurrent.atomic.AtomicLongArray nextTick;

        Worker(
                int shard,
                Engine engine,
                WorkerCommands commands,
                java.util.concurrent.atomic.AtomicLongArray nextTick) {
            this.shard = shard;
            this.engine = engine;
            this.commands = commands;
            this.nextTick = nextTick;
        }

        @Override
        public void onStart() {
            nextTick.set(shard, engine.nextTickNanos());
        }

        @Override
        public void onEvent(PacketEvent ev, long sequence, boolean endOfBatch) {
            if (ev.shard == -1) {
                engine.tick(ev.slot.timestampNanos);
            } else if (ev.shard == shard) {
                ev.verdict = engine.process(ev.slot);
            }
            if (endOfBatch) {
                commands.runPending(engine);
                nextTick.lazySet(shard, engine.nextTickNanos());
            }
        }
    }

    /** Sends forwarded frames on their egress port; flushes both ports at the end of a batch. */
    private final class Transmitter implements EventHandler<PacketEvent> {
        @Override
        public void onEvent(PacketEvent ev, long sequence, boolean endOfBatch) {
            if (ev.shard != -1 && ev.verdict == Engine.FORWARD) {
                PacketSlot s = ev.slot;
                if (offloadTx.send(s, ports[s.egressPort])) {
                    transmitted.incrementAndGet();
                } else {
                    transmitFailed.incrementAndGet();
                }
            }
            if (endOfBatch) {
                for (EmitQueue q : emitted) {
                    transmitted.addAndGet(q.drainTo(ports));
                }
                ports[0].flush();
                ports[1].flush();
            }
        }
    }
}
