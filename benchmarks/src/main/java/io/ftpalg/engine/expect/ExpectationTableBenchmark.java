package io.ftpalg.engine.expect;

import io.ftpalg.bench.ChronicleForked;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The expectation table (Chronicle Map plus its on-heap key filter and session index) on its own, as the engine
 * uses it on the FTP slow path. Sized as the default configuration sizes it: 4096 sessions, 4 per session, 16384
 * in all. Results are per table operation pair or per operation as named below.
 *
 * <ul>
 *   <li>{@link #createConsume}: a {@code 227}/{@code PORT} creates an expectation (client 198.51.100.7 to
 *       203.0.113.10:{@code port}), then the data connection's SYN consumes it; one operation = the pair (two
 *       Chronicle Map queries, one insert and one remove). 256 sessions each hold 2 other live expectations, so
 *       the map is not empty.
 *   <li>{@link #createReplacing}: one session at its cap of 4 keeps announcing new ports (a client sending
 *       {@code PORT} over and over, the {@code FtpControlRewriteBenchmark.portRewrite} case): each create first
 *       removes the session's oldest. One operation = one create (remove + insert).
 *   <li>{@link #consumeMiss}: a SYN nobody negotiated (a flood to the NAT address); the key filter answers, the
 *       map is not touched. One operation = one lookup.
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ExpectationTable -prof gc</pre>
 */
@State(Scope.Thread)
// Chronicle Map's query code is large and slow to compile: on a loaded 2-core machine 3 x 2 s of warm-up left the
// measured iterations still falling from ~30 us to ~6 us per operation. Warm up longer.
@Warmup(iterations = 10, time = 2)
public class ExpectationTableBenchmark extends ChronicleForked {
    static final int BATCH = 256;
    static final long CLIENT = 0xC633_6407L; // 198.51.100.7
    static final long PUBLIC = 0xCB00_710AL; // 203.0.113.10
    static final long SERVER = 0xC000_020AL; // 192.0.2.10
    static final int SESSIONS = 4096;

    private ExpectationTable table;
    private final Expectation e = new Expectation();
    private final Expectation out = new Expectation();
    private int port;
    private long now;

    @Setup(Level.Trial)
    public void setUp() {
        table = new ExpectationTable(SESSIONS, 4, SESSIONS * 4);
        now = 1_700_000_000_000L;
        // Background: 256 other control sessions with 2 expectations each (other clients).
        for (int s = 1; s <= 256; s++) {
            for (int k = 0; k < 2; k++) {
                fill(e, s, CLIENT + s, 40000 + k);
                table.create(e, out);
            }
        }
        port = 1024;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        table.close();
    }

    private void fill(Expectation x, int session, long peer, int dstPort) {
        x.ipVersion = 4;
        x.peerHi = 0;
        x.peerLo = peer;
        x.dstHi = 0;
        x.dstLo = PUBLIC;
        x.dstPort = dstPort;
        x.realDstHi = 0;
        x.realDstLo = SERVER;
        x.realDstPort = dstPort;
        x.newSrcHi = 0;
        x.newSrcLo = peer;
        x.ingressPort = 1;
        x.controlFlow = 1000 + session;
        x.controlGeneration = 1;
        x.session = session;
        x.createdMs = now;
        x.deadlineMs = now + 300_000;
    }

    private int nextPort() {
        int p = port;
        port = p == 65535 ? 1024 : p + 1;
        return p;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int createConsume() {
        int acc = 0;
        for (int i = 0; i < BATCH; i++) {
            int p = nextPort();
            fill(e, 0, CLIENT, p);
            acc += table.create(e, out);
            int r = table.consume(4, 0, CLIENT, 0, PUBLIC, p, now, out);
            if (r != ExpectationTable.MATCHED) {
                throw new IllegalStateException("expectation for port " + p + " not matched: " + r);
            }
            acc += out.realDstPort;
        }
        return acc;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int createReplacing() {
        int acc = 0;
        for (int i = 0; i < BATCH; i++) {
            fill(e, 0, CLIENT, nextPort());
            acc += table.create(e, out);
        }
        return acc;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int consumeMiss() {
        int acc = 0;
        for (int i = 0; i < BATCH; i++) {
            acc += table.consume(4, 0, CLIENT + 999, 0, PUBLIC, nextPort(), now, out);
        }
        if (acc != 0) {
            throw new IllegalStateException("an unexpected SYN matched");
        }
        return acc;
    }
}
