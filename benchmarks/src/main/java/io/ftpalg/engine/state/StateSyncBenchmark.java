package io.ftpalg.engine.state;

import io.ftpalg.bench.ChronicleForked;
import io.ftpalg.bench.Tcp;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.pipeline.Engine;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.report.EventSink;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What keeping the state directory current costs a worker: one {@link EngineState#sync} (a tenth of the flow and
 * session slots; the engine calls it once per sweep, ten times a second), on the default table of 262144 flows of
 * which {@code live} are established connections whose deadlines changed since the last pass (every live record
 * is rewritten; the free ones are checked and skipped). Result per call; times ten is the cost per second.
 */
@State(Scope.Thread)
public class StateSyncBenchmark extends ChronicleForked {
    @Param({"1000", "100000"})
    int live;

    private Engine engine;
    private EngineState state;
    private Path dir;
    private long now = 1_700_000_000_000L;
    private final PacketSlot slot = new PacketSlot(2048);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("ftp-alg-sync-bench");
        try (StateDir.Root root = StateDir.open(dir, 1, false)) {
            engine = new Engine(
                    ConfigParser.parse(Tcp.CONFIG, "bench"), EventSink.NONE, 2048, root.worker(0, () -> now));
        }
        long t = now * 1_000_000L;
        for (int i = 0; i < live; i++) {
            String client = "192.0.2." + (1 + i % 250);
            int sport = 1024 + (i / 250) % 64000;
            int s = i % 1000;
            String server = "198.18." + (s >> 8) + "." + (s & 255);
            Tcp.forward(
                    engine,
                    slot,
                    Tcp.fromClient(client, sport, server, 443, 1000, 0, TcpHeader.SYN)
                            .build(),
                    PacketSlot.PORT_INSIDE,
                    t);
        }
        state = engine.state();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws java.io.IOException {
        engine.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    /** One sync; every live record's deadline is moved first so that the pass has to write it. */
    @Benchmark
    public long sync() {
        now += 100;
        for (int f = 0; f < live; f++) {
            engine.flows().deadline(f, now + 60_000);
        }
        state.sync(now);
        return state.recordsWritten();
    }

    /** The deadline updates alone (to subtract from {@link #sync}). */
    @Benchmark
    public long touchOnly() {
        now += 100;
        for (int f = 0; f < live; f++) {
            engine.flows().deadline(f, now + 60_000);
        }
        return now;
    }
}
