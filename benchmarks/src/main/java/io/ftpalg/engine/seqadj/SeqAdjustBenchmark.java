package io.ftpalg.engine.seqadj;

import io.ftpalg.bench.ChronicleForked;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link SeqAdjust} alone, the bookkeeping behind a length-changing rewrite, over {@value #LANES} lanes (512 control
 * sessions × 2 directions) whose histories are full ({@value SeqAdjust#HISTORY} boundaries), the steady state of a
 * long control connection. Results are per segment.
 *
 * <ul>
 *   <li>{@link #rewrite}: a rewritten line ({@code "PORT 192,0,2,10,h,l"} → {@code "PORT 203,0,113,1,h,l"}, +1
 *       byte) of 25 original bytes: the segment's sequence shift ({@code seqDelta}), then the new boundary
 *       ({@code add}, merging the oldest into the base since the history is full); the next lane each time.
 *   <li>{@link #mapAck}: the peer's acknowledgement of all data so far, mapped back from the translated space
 *       through the newest boundary (the common case: an ack after the last rewrite).
 *   <li>{@link #mapAckOld}: an acknowledgement of data before the oldest boundary (a late or duplicate ack):
 *       the walk through all 16 boundaries.
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar SeqAdjustBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
public class SeqAdjustBenchmark extends ChronicleForked {
    static final int LANES = 1024;
    static final int BATCH = 256;
    static final int LINE = 25;

    private final SeqAdjust adjust = new SeqAdjust(LANES);
    /** Per lane: the original sequence number of the next byte. */
    private final long[] next = new long[LANES];

    private int lane;

    @Setup(Level.Trial)
    public void setUp() {
        for (int l = 0; l < LANES; l++) {
            long seq = 0xFFFF_F000L + l * 7L; // near the wrap, so that it is crossed during the run
            for (int k = 0; k < SeqAdjust.HISTORY; k++) {
                seq = (seq + LINE) & 0xFFFF_FFFFL;
                adjust.add(l, seq, 1);
            }
            next[l] = seq;
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int rewrite() {
        SeqAdjust a = adjust;
        int l = lane;
        int acc = 0;
        for (int i = 0; i < BATCH; i++) {
            long seq = next[l];
            acc += a.seqDelta(l, seq);
            long end = (seq + LINE) & 0xFFFF_FFFFL;
            if (!a.add(l, end, 1)) {
                throw new IllegalStateException("history not full");
            }
            next[l] = end;
            l = (l + 1) & (LANES - 1);
        }
        lane = l;
        return acc;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long mapAck() {
        SeqAdjust a = adjust;
        int l = lane;
        long acc = 0;
        for (int i = 0; i < BATCH; i++) {
            long translated = (next[l] + a.currentDelta(l)) & 0xFFFF_FFFFL;
            acc += a.mapAck(l, translated) ^ next[l];
            l = (l + 1) & (LANES - 1);
        }
        lane = l;
        if (acc != 0) {
            throw new IllegalStateException("ack not mapped back to the original space");
        }
        return acc;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long mapAckOld() {
        SeqAdjust a = adjust;
        int l = lane;
        long acc = 0;
        for (int i = 0; i < BATCH; i++) {
            long old = (next[l] - 17L * LINE) & 0xFFFF_FFFFL;
            acc += a.mapAck(l, old);
            l = (l + 1) & (LANES - 1);
        }
        lane = l;
        return acc;
    }
}
