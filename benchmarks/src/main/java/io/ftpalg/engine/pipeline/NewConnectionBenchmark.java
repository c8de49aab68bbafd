package io.ftpalg.engine.pipeline;

import io.ftpalg.bench.ChronicleForked;
import io.ftpalg.bench.Tcp;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.stats.Counter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * New connections per second through {@link Engine#process}: one operation is one whole short TCP connection of
 * a distinct 5-tuple, source-NATed in router mode, six packets:
 *
 * <pre>
 *  client -> SYN        (inside)   new flow: expectation probe (miss), source budget, NAT plan, insert
 *  server -> SYN+ACK    (outside)  to the NAT address; the source port is kept (checked: a remap drops it)
 *  client -> ACK        (inside)   established
 *  client -> FIN+ACK    (inside)
 *  server -> FIN+ACK    (outside)
 *  client -> ACK        (inside)   TIME_WAIT
 * </pre>
 *
 * <p>The table is bounded ({@value #FLOWS_MAX} flows) and closed flows are recycled: {@code timeout tcp-time-wait
 * 1s}, the packet clock advances {@value #CONNECTION_NANOS} ns per connection (10 000 connections/s of packet
 * time, 40/s per client address, well inside the default per-source budget), so about 10 000 flows are in
 * TIME_WAIT at any time; the rest are expired but still in the table until the engine's expiry sweep or, when the
 * table is full, allocation-time eviction reclaims them. Both run inside the measured loop, as they would live.
 *
 * <p>Connections: client {@code 192.0.2.(1 + i % 250)} port {@code 1024 + i / 250} to {@code 198.18.0.0 + i %
 * 1000} port 443, {@value #CONNECTIONS} distinct 5-tuples pre-built (six frames each, 54 bytes, at a 64-byte
 * stride: 50 MB) and used round-robin; a tuple comes back after 13 s of packet time, long after its flow expired.
 * Each packet is copied into the slot (part of the op, as a receive ring writes the frame) and must be forwarded.
 *
 * <p>{@link #syn} measures flow creation alone (SYNs of new tuples, recycled by early drop).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar NewConnection -prof gc</pre>
 */
@State(Scope.Thread)
public class NewConnectionBenchmark extends ChronicleForked {
    /** Connections per benchmark invocation. */
    static final int BATCH = 64;

    static final int FLOWS_MAX = 65536;
    static final int CONNECTIONS = 131072;
    static final int PACKETS = 6;
    static final int STRIDE = 64;
    static final long CONNECTION_NANOS = 100_000;

    private static final String NAT = "203.0.113.1";
    /** Ingress port of each of the six packets. */
    private static final int[] INGRESS = {
        PacketSlot.PORT_INSIDE,
        PacketSlot.PORT_OUTSIDE,
        PacketSlot.PORT_INSIDE,
        PacketSlot.PORT_INSIDE,
        PacketSlot.PORT_OUTSIDE,
        PacketSlot.PORT_INSIDE
    };

    private Engine engine;
    private final PacketSlot slot = new PacketSlot(2048);
    private byte[] frames;
    private final int[] lengths = new int[PACKETS];
    private int cursor;
    private long now;
    private long connections;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        engine = new Engine(
                ConfigParser.parse(Tcp.CONFIG + "flows max " + FLOWS_MAX + "\ntimeout tcp-time-wait 1s\n", "bench"),
                EventSink.NONE,
                2048);
        now = 1_700_000_000_000_000_000L;
        frames = new byte[CONNECTIONS * PACKETS * STRIDE];
        for (int i = 0; i < CONNECTIONS; i++) {
            String client = "192.0.2." + (1 + i % 250);
            int sport = 1024 + i / 250;
            int s = i % 1000;
            String server = "198.18." + (s >> 8) + "." + (s & 255);
            byte[][] f = {
                Tcp.fromClient(client, sport, server, 443, 1000, 0, TcpHeader.SYN)
                        .build(),
                Tcp.fromServer(server, 443, NAT, sport, 5000, 1001, TcpHeader.SYN | TcpHeader.ACK)
                        .build(),
                Tcp.fromClient(client, sport, server, 443, 1001, 5001, TcpHeader.ACK)
                        .build(),
                Tcp.fromClient(client, sport, server, 443, 1001, 5001, TcpHeader.FIN | TcpHeader.ACK)
                        .build(),
                Tcp.fromServer(server, 443, NAT, sport, 5001, 1002, TcpHeader.FIN | TcpHeader.ACK)
                        .build(),
                Tcp.fromClient(client, sport, server, 443, 1002, 5002, TcpHeader.ACK)
                        .build()
            };
            for (int p = 0; p < PACKETS; p++) {
                System.arraycopy(f[p], 0, frames, (i * PACKETS + p) * STRIDE, f[p].length);
                lengths[p] = f[p].length;
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Counters c = new Counters(engine);
        // No connection lost its port (a remap would have dropped its SYN+ACK above) and the table stayed bounded.
        // Not every SYN must make a new flow: the expiry sweep moves the eviction clock hand in jumps, so a flow
        // the hand skipped can still be there when its tuple comes round again (every CONNECTIONS connections);
        // its SYN is then a retransmission. At least 80 % must be new flows, and the share is printed.
        if (c.remapped != 0 || c.created - c.recycled > FLOWS_MAX || c.created < connections * 8 / 10) {
            throw new IllegalStateException("tear-down: " + connections + " connections, " + c.created
                    + " flows created, " + c.remapped + " remapped, " + c.recycled + " recycled");
        }
        System.out.printf("%n%d connections, %.1f %% made a new flow%n", connections, 100.0 * c.created / connections);
        engine.close();
    }

    /** The engine's counters that the tear-down checks. */
    private static final class Counters {
        final long created;
        final long remapped;
        final long recycled;

        Counters(Engine e) {
            created = e.counters().get(Counter.FLOW_CREATED);
            remapped = e.counters().get(Counter.NAT_PORT_REMAPPED);
            recycled = e.counters().get(Counter.FLOW_EXPIRED) + e.counters().get(Counter.FLOW_EVICTED);
        }
    }

    /** {@value #BATCH} whole connections, six packets each; returns a fold of the egress ports. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int connect() {
        PacketSlot s = slot;
        byte[] d = s.data;
        int acc = 0;
        for (int i = 0; i < BATCH; i++) {
            int base = cursor * PACKETS * STRIDE;
            if (++cursor == CONNECTIONS) {
                cursor = 0;
            }
            long t = now += CONNECTION_NANOS;
            for (int p = 0; p < PACKETS; p++) {
                int len = lengths[p];
                System.arraycopy(frames, base + p * STRIDE, d, 0, len);
                s.length = len;
                s.ingressPort = INGRESS[p];
                s.timestampNanos = t + p * 1000L;
                if (engine.process(s) != Engine.FORWARD) {
                    throw new IllegalStateException("packet " + p + " not forwarded: " + engine.lastDrop());
                }
                acc += s.egressPort;
            }
        }
        connections += BATCH;
        return acc;
    }

    /**
     * Flow creation alone: {@value #BATCH} SYNs from inside, each of a new 5-tuple (the first packet of each
     * pre-built connection), never answered. Once the table is full every SYN evicts a not-yet-established flow
     * at the clock hand (early drop) before it is inserted, so this is the sustained rate of conntrack inserts
     * with recycling, the worst case a SYN flood from allowed sources drives.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int syn() {
        PacketSlot s = slot;
        byte[] d = s.data;
        int len = lengths[0];
        int acc = 0;
        for (int i = 0; i < BATCH; i++) {
            int base = cursor * PACKETS * STRIDE;
            if (++cursor == CONNECTIONS) {
                cursor = 0;
            }
            System.arraycopy(frames, base, d, 0, len);
            s.length = len;
            s.ingressPort = PacketSlot.PORT_INSIDE;
            s.timestampNanos = now += CONNECTION_NANOS;
            if (engine.process(s) != Engine.FORWARD) {
                throw new IllegalStateException("SYN not forwarded: " + engine.lastDrop());
            }
            acc += s.egressPort;
        }
        connections += BATCH;
        return acc;
    }
}
