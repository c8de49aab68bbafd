package io.ftpalg.engine.pipeline;

import io.ftpalg.bench.ChronicleForked;
import io.ftpalg.bench.Tcp;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.stats.Counters;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The whole live pipeline ({@link Dataplane}): receive thread → Disruptor ring → {@code workers} engines (sharded
 * by outside party) → transmit stage, fed by an in-memory port pair ({@link MemoryPortPair}) that allocates
 * nothing. Results are per packet, end to end: the time for {@value #BATCH} data segments to come out of the
 * outside port.
 *
 * <p>Set-up, through the pipeline itself: {@value #FLOWS} TCP connections from {@code 192.0.2.(1 + i % 250)}, port
 * {@code 10000 + i}, to {@value #SERVERS} outside servers {@code 198.18.0.(1 + i % 64)} port 443 (so the sharder
 * spreads them over the workers), source-NATed to 203.0.113.1 (the port kept): all SYNs in from inside, then all
 * SYN-ACKs from outside, then all ACKs. Measured load: a 118-byte data segment (64-byte payload) of each flow in
 * turn, offered by the inside port as fast as the pipeline drains it (at most {@value #WINDOW} frames in flight,
 * ring {@value #RING} slots, wait strategy {@code sleeping}, the default).
 *
 * <p>Threads: 2 receive threads (the outside one parked: it has nothing to offer), {@code workers} worker threads,
 * 1 transmit thread, and the JMH thread, which parks while it waits. <b>This machine has 2 cores</b>: with 1
 * worker the receive, worker and transmit threads already share 2 cores; 2 and 4 workers oversubscribe them
 * further, so the figures show the cost of oversubscription (handoffs, parked and woken threads), not scaling.
 * With {@code workers} &gt; 1 every worker still reads every ring slot and skips the others' shards
 * (Disruptor 4 has no work pool).
 *
 * <p>{@code -prof gc} counts the allocation of every thread of the fork (JMH 1.37 sums
 * {@code ThreadMXBean.getThreadAllocatedBytes} over all threads), so B/op covers the whole pipeline.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar PipelineBenchmark -prof gc</pre>
 */
@State(Scope.Benchmark)
public class PipelineBenchmark extends ChronicleForked {
    static final int BATCH = 32768;
    static final int FLOWS = 1024;
    static final int SERVERS = 64;
    static final int STRIDE = 128;
    static final int RING = 2048;
    static final int WINDOW = RING / 2;
    static final long WAIT_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    static final long BASE_NANOS = 1_700_000_000_000_000_000L;

    @Param({"1", "2", "4"})
    int workers;

    private MemoryPortPair ports;
    private Dataplane dataplane;
    private long target;

    static long clock() {
        return BASE_NANOS + System.nanoTime();
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ports = new MemoryPortPair(WINDOW);
        dataplane = new Dataplane(
                ConfigParser.parse(Tcp.CONFIG, "bench"),
                EventSink.NONE,
                ports.inside,
                ports.outside,
                workers,
                RING,
                "sleeping",
                PipelineBenchmark::clock);
        dataplane.start();
        byte[] syn = new byte[FLOWS * STRIDE];
        byte[] synAck = new byte[FLOWS * STRIDE];
        byte[] ack = new byte[FLOWS * STRIDE];
        byte[] data = new byte[FLOWS * STRIDE];
        int[] synLen = new int[FLOWS];
        int[] synAckLen = new int[FLOWS];
        int[] ackLen = new int[FLOWS];
        int[] dataLen = new int[FLOWS];
        byte[] payload = new byte[64];
        for (int i = 0; i < FLOWS; i++) {
            String client = "192.0.2." + (1 + i % 250);
            int sport = 10000 + i;
            String server = "198.18.0." + (1 + i % SERVERS);
            synLen[i] = put(
                    syn,
                    i,
                    Tcp.fromClient(client, sport, server, 443, 1000, 0, TcpHeader.SYN)
                            .build());
            synAckLen[i] = put(
                    synAck,
                    i,
                    Tcp.fromServer(server, 443, "203.0.113.1", sport, 5000, 1001, TcpHeader.SYN | TcpHeader.ACK)
                            .build());
            ackLen[i] = put(
                    ack,
                    i,
                    Tcp.fromClient(client, sport, server, 443, 1001, 5001, TcpHeader.ACK)
                            .build());
            dataLen[i] = put(
                    data,
                    i,
                    Tcp.fromClient(client, sport, server, 443, 1001, 5001, TcpHeader.ACK | TcpHeader.PSH)
                            .payload(payload)
                            .build());
        }
        handshake(ports.inside, syn, synLen, ports.outside, FLOWS);
        handshake(ports.outside, synAck, synAckLen, ports.inside, FLOWS);
        handshake(ports.inside, ack, ackLen, ports.outside, 2L * FLOWS);
        Counters c = dataplane.counters();
        if (c.get(Counter.FLOW_CREATED) != FLOWS || c.get(Counter.NAT_PORT_REMAPPED) != 0) {
            throw new IllegalStateException("set-up: " + c.get(Counter.FLOW_CREATED) + " flows created, "
                    + c.get(Counter.NAT_PORT_REMAPPED) + " remapped");
        }
        target = ports.outside.sent;
        ports.inside.offer(data, STRIDE, dataLen, true);
    }

    private static int put(byte[] all, int i, byte[] frame) {
        System.arraycopy(frame, 0, all, i * STRIDE, frame.length);
        return frame.length;
    }

    /** Offers {@code frames} once on {@code in} and waits until {@code out} has sent {@code expectSent} in all. */
    private void handshake(MemoryPortPair.Port in, byte[] frames, int[] lengths, MemoryPortPair.Port out, long expect)
            throws InterruptedException {
        in.offer(frames, STRIDE, lengths, false);
        long deadline = System.nanoTime() + WAIT_LIMIT_NANOS;
        while (out.sent < expect) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(
                        "set-up: " + out.name() + " sent " + out.sent + " of " + expect + "; drops " + describeDrops());
            }
            Thread.sleep(1);
        }
    }

    private String describeDrops() {
        Counters c = dataplane.counters();
        StringBuilder b = new StringBuilder();
        for (Counter k : Counter.values()) {
            if (c.get(k) != 0) {
                b.append(k).append('=').append(c.get(k)).append(' ');
            }
        }
        return b.append("ring-full=").append(dataplane.ringFullDrops()).toString();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ports.inside.stop();
        dataplane.close();
        if (dataplane.ringFullDrops() != 0 || dataplane.transmitFailed() != 0) {
            throw new IllegalStateException(
                    "ring-full drops " + dataplane.ringFullDrops() + ", failed sends " + dataplane.transmitFailed());
        }
    }

    /** Waits (parked) until {@value #BATCH} more data segments have left through the outside port. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long forward() {
        long t = target += BATCH;
        MemoryPortPair.Port out = ports.outside;
        long deadline = System.nanoTime() + WAIT_LIMIT_NANOS;
        long s;
        while ((s = out.sent) < t) {
            LockSupport.parkNanos(50_000);
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("pipeline stalled: sent " + s + " of " + t + ", in flight "
                        + ports.inFlight() + "; " + describeDrops());
            }
        }
        return s;
    }
}
