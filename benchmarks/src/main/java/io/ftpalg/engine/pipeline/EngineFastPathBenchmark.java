package io.ftpalg.engine.pipeline;

import io.ftpalg.bench.ChronicleForked;
import io.ftpalg.bench.Tcp;
import io.ftpalg.engine.codec.Bytes;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.stats.Counter;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The established-flow fast path: a data segment of an established, source-NATed TCP flow, inside to outside,
 * through {@link Engine#process} (decode, L2 learn, flow lookup, TCP state update, NAT header rewrite with
 * incremental checksums, TTL, L2 rewrite). Result is per packet.
 *
 * <p>Set-up: {@code flows} connections, each opened by a SYN from inside, a SYN-ACK from outside to the NAT
 * address and port the engine chose (read back from the forwarded SYN), and an ACK. Client {@code 192.0.2.(1 +
 * i % 250)}, port {@code 1024 + (i / 250) % 64000}, to {@code 198.18.0.0 + i % 1000} port 443; every flow keeps
 * its source port (no remapping). Each flow's data segment (118-byte frame, 64-byte payload) is pre-built into
 * one array at a 128-byte stride; packets are sent in a pre-shuffled order of all flows.
 *
 * <p>One operation = copy one pre-built frame into the slot (118 bytes; a receive ring would write the frame
 * too, so the copy is part of the cost, and for large tables it comes from memory not in cache, as a freshly
 * received frame would) + {@code process} + a check that the verdict is FORWARD. {@link #copyOnly} measures the
 * copy and the bookkeeping alone. The timestamp advances 100 ns per packet, so the engine's expiry sweep (every
 * 100 ms of packet time) runs about once per million packets, as at 10 Mpps.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar EngineFastPath -prof gc</pre>
 */
@State(Scope.Thread)
public class EngineFastPathBenchmark extends ChronicleForked {
    /** Packets per benchmark invocation. */
    static final int BATCH = 256;

    static final int STRIDE = 128;
    static final int PAYLOAD = 64;

    @Param({"10000", "1000000"})
    int flows;

    /**
     * {@code none}: tables in memory only (as before issue 11); {@code dir}: the engine keeps its state in a state
     * directory (run --state-dir), synced from every sweep (a tenth of the flow and session slots per sweep).
     */
    @Param({"none", "dir"})
    String state;

    private java.nio.file.Path stateDir;

    private Engine engine;
    private final PacketSlot slot = new PacketSlot(2048);
    private byte[] frames;
    private int frameLength;
    private int[] order;
    private int cursor;
    private long now;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        int max = Integer.highestOneBit(flows) * 4; // "flows max" well above N: 65536, 2097152
        now = 1_700_000_000_000_000_000L;
        io.ftpalg.engine.config.Config cfg = ConfigParser.parse(Tcp.CONFIG + "flows max " + max + "\n", "bench");
        if ("dir".equals(state)) {
            stateDir = java.nio.file.Files.createTempDirectory("ftp-alg-bench-state");
            try (io.ftpalg.engine.state.StateDir.Root root = io.ftpalg.engine.state.StateDir.open(stateDir, 1, false)) {
                engine = new Engine(cfg, EventSink.NONE, 2048, root.worker(0, () -> now / 1_000_000L));
            }
        } else {
            engine = new Engine(cfg, EventSink.NONE, 2048);
        }
        frames = new byte[flows * STRIDE];
        byte[] payload = new byte[PAYLOAD];
        new SplittableRandom(1).nextBytes(payload);
        for (int i = 0; i < flows; i++) {
            String client = "192.0.2." + (1 + i % 250);
            int sport = 1024 + (i / 250) % 64000;
            int s = i % 1000;
            String server = "198.18." + (s >> 8) + "." + (s & 255);
            byte[] syn = Tcp.fromClient(client, sport, server, 443, 1000, 0, TcpHeader.SYN)
                    .build();
            Tcp.forward(engine, slot, syn, PacketSlot.PORT_INSIDE, now);
            String nat = Tcp.sourceAddress(slot);
            int natPort = Tcp.sourcePort(slot);
            byte[] synAck = Tcp.fromServer(server, 443, nat, natPort, 5000, 1001, TcpHeader.SYN | TcpHeader.ACK)
                    .build();
            Tcp.forward(engine, slot, synAck, PacketSlot.PORT_OUTSIDE, now);
            byte[] ack = Tcp.fromClient(client, sport, server, 443, 1001, 5001, TcpHeader.ACK)
                    .build();
            Tcp.forward(engine, slot, ack, PacketSlot.PORT_INSIDE, now);
            byte[] data = Tcp.fromClient(client, sport, server, 443, 1001, 5001, TcpHeader.ACK | TcpHeader.PSH)
                    .payload(payload)
                    .build();
            frameLength = data.length;
            System.arraycopy(data, 0, frames, i * STRIDE, data.length);
        }
        if (engine.flows().size() != flows
                || engine.counters().get(Counter.FLOW_CREATED) != flows
                || engine.counters().get(Counter.NAT_PORT_REMAPPED) != 0) {
            throw new IllegalStateException("set-up: " + engine.flows().size() + " flows, "
                    + engine.counters().get(Counter.NAT_PORT_REMAPPED) + " remapped");
        }
        order = new int[flows];
        for (int i = 0; i < flows; i++) {
            order[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = flows - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws java.io.IOException {
        engine.close();
        if (stateDir != null) {
            try (var files = java.nio.file.Files.walk(stateDir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Copy + process + verdict check, {@value #BATCH} packets; returns a fold of the rewritten headers. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int forward() {
        PacketSlot s = slot;
        byte[] d = s.data;
        int len = frameLength;
        int acc = 0;
        for (int i = 0; i < BATCH; i++) {
            int f = order[cursor];
            if (++cursor == order.length) {
                cursor = 0;
            }
            System.arraycopy(frames, f * STRIDE, d, 0, len);
            s.length = len;
            s.ingressPort = PacketSlot.PORT_INSIDE;
            s.timestampNanos = now += 100;
            if (engine.process(s) != Engine.FORWARD) {
                throw new IllegalStateException("not forwarded: " + engine.lastDrop());
            }
            // The egress: port, translated source address and port, new checksum.
            acc += s.egressPort + Bytes.i32(d, 26) + Bytes.i32(d, Tcp.L4) + Bytes.u16(d, Tcp.CHECKSUM_FIELD);
        }
        return acc;
    }

    /** The same loop without {@code process}: what the copy, the shuffled index and the fold cost. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int copyOnly() {
        PacketSlot s = slot;
        byte[] d = s.data;
        int len = frameLength;
        int acc = 0;
        for (int i = 0; i < BATCH; i++) {
            int f = order[cursor];
            if (++cursor == order.length) {
                cursor = 0;
            }
            System.arraycopy(frames, f * STRIDE, d, 0, len);
            s.length = len;
            s.ingressPort = PacketSlot.PORT_INSIDE;
            s.timestampNanos = now += 100;
            acc += s.egressPort + Bytes.i32(d, 26) + Bytes.i32(d, Tcp.L4) + Bytes.u16(d, Tcp.CHECKSUM_FIELD);
        }
        return acc;
    }
}
