package io.ftpalg.engine.flow;

import io.ftpalg.bench.ChronicleForked;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link FlowTable#lookup} alone, through its public methods only ({@code allocate}, {@code setTuple},
 * {@code insert}, {@code lookup}), so that changes to the table's layout keep this benchmark valid. Results are
 * per lookup.
 *
 * <p>Set-up: {@code flows} IPv4 TCP flows, original tuple {@code 192.0.2.(1 + i % 250):(1024 + i / 250) ->
 * 198.18.(i % 65536):443} and its NAT reply tuple, in a table of capacity 4× the next power of two (as
 * {@code EngineFastPathBenchmark} sizes it: 65536 and 2097152 records). The keys are looked up in a pre-shuffled
 * order, held in primitive arrays.
 *
 * <ul>
 *   <li>{@link #hit}: an original tuple of a live flow (returns {@code flow << 1}).
 *   <li>{@link #miss}: the same tuples with destination port 444: never present (the SYN of a new connection, or
 *       a stray packet). The probe stops at the first empty index slot.
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar FlowTableBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
public class FlowTableBenchmark extends ChronicleForked {
    static final int BATCH = 256;
    static final long NAT = 0xCB00_7101L; // 203.0.113.1

    @Param({"10000", "1000000"})
    int flows;

    private FlowTable table;
    private long[] src;
    private long[] dst;
    private long[] meta;
    private long[] missMeta;
    private int cursor;

    @Setup(Level.Trial)
    public void setUp() {
        table = new FlowTable(Integer.highestOneBit(flows) * 4);
        src = new long[flows];
        dst = new long[flows];
        meta = new long[flows];
        missMeta = new long[flows];
        int[] order = new int[flows];
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
        for (int k = 0; k < flows; k++) {
            int i = order[k];
            long s = 0xC000_0200L + 1 + i % 250;
            long d = 0xC612_0000L + (i & 0xFFFF);
            int sport = 1024 + i / 250;
            src[k] = s;
            dst[k] = d;
            meta[k] = FlowTable.meta(4, 6, sport, 443);
            missMeta[k] = FlowTable.meta(4, 6, sport, 444);
        }
        for (int k = 0; k < flows; k++) {
            int f = table.allocate();
            table.setTuple(f, FlowTable.ORIGINAL, 0, src[k], 0, dst[k], meta[k]);
            int sport = FlowTable.metaSrcPort(meta[k]);
            table.setTuple(f, FlowTable.REPLY, 0, dst[k], 0, NAT, FlowTable.meta(4, 6, 443, sport));
            table.insert(f);
        }
        if (table.size() != flows) {
            throw new IllegalStateException(table.size() + " flows");
        }
        for (int k = 0; k < flows; k++) {
            if (table.lookup(0, src[k], 0, dst[k], meta[k]) == FlowTable.NONE
                    || table.lookup(0, src[k], 0, dst[k], missMeta[k]) != FlowTable.NONE) {
                throw new IllegalStateException("set-up: lookup of key " + k);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int hit() {
        FlowTable t = table;
        int c = cursor;
        int acc = 0;
        for (int i = 0; i < BATCH; i++) {
            int r = t.lookup(0, src[c], 0, dst[c], meta[c]);
            if (r == FlowTable.NONE) {
                throw new IllegalStateException("miss on a live flow");
            }
            acc += r;
            if (++c == flows) {
                c = 0;
            }
        }
        cursor = c;
        return acc;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int miss() {
        FlowTable t = table;
        int c = cursor;
        int acc = 0;
        for (int i = 0; i < BATCH; i++) {
            acc += t.lookup(0, src[c], 0, dst[c], missMeta[c]);
            if (++c == flows) {
                c = 0;
            }
        }
        cursor = c;
        if (acc != -BATCH) {
            throw new IllegalStateException("a miss key was found");
        }
        return acc;
    }
}
