package io.ftpalg.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * Runs one JMH benchmark method of a {@code @State(Scope.Thread)} class in a plain loop and reports <em>thread CPU
 * time</em> per operation, not wall time: on a shared, oversubscribed machine (load far above the core count) a
 * wall-clock average mostly measures how long the thread waited for a core. CPU time still includes what other
 * processes do to the caches between time slices, so compare only runs alternated side by side.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.ftpalg.bench.CpuTimeRunner \
 *     io.ftpalg.engine.pipeline.EngineFastPathBenchmark forward flows=10000 [warmup-s=3 rounds=5 round-ms=1000]
 * </pre>
 *
 * The class is found by name and driven by reflection ({@code setUp}, the method, {@code tearDown}; {@code
 * name=value} arguments set fields such as a {@code @Param}), so it runs the benchmarks of an older build too
 * (put this class's directory on the class path after that build's jar). The Chronicle Map flags must be on the
 * command line (see BENCHMARKS.md). Output: the CPU ns per operation of each measured round, then the median and
 * minimum.
 */
public final class CpuTimeRunner {
    private CpuTimeRunner() {}

    public static void main(String[] args) throws Exception {
        Class<?> c = Class.forName(args[0]);
        Method m = c.getMethod(args[1]);
        Object bench = c.getDeclaredConstructor().newInstance();
        double warmupS = 3;
        int rounds = 5;
        long roundMs = 1000;
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            switch (kv[0]) {
                case "warmup-s":
                    warmupS = Double.parseDouble(kv[1]);
                    break;
                case "rounds":
                    rounds = Integer.parseInt(kv[1]);
                    break;
                case "round-ms":
                    roundMs = Long.parseLong(kv[1]);
                    break;
                default:
                    Field f = c.getDeclaredField(kv[0]);
                    f.setAccessible(true);
                    if (f.getType() == int.class) {
                        f.setInt(bench, Integer.parseInt(kv[1]));
                    } else {
                        f.set(bench, kv[1]);
                    }
            }
        }
        OperationsPerInvocation opi = m.getAnnotation(OperationsPerInvocation.class);
        int ops = opi == null ? 1 : opi.value();
        c.getMethod("setUp").invoke(bench);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sink = 0;
        long end = mx.getCurrentThreadCpuTime() + (long) (warmupS * 1e9);
        while (mx.getCurrentThreadCpuTime() < end) {
            for (int i = 0; i < 1000; i++) {
                sink += (int) m.invoke(bench);
            }
        }
        double[] perOp = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long calls = 0;
            long t0 = mx.getCurrentThreadCpuTime();
            long stop = t0 + roundMs * 1_000_000L;
            long t;
            do {
                for (int i = 0; i < 1000; i++) {
                    sink += (int) m.invoke(bench);
                }
                calls += 1000;
                t = mx.getCurrentThreadCpuTime();
            } while (t < stop);
            perOp[r] = (double) (t - t0) / (calls * ops);
            System.out.printf("round %d: %.1f cpu-ns/op%n", r + 1, perOp[r]);
        }
        c.getMethod("tearDown").invoke(bench);
        double[] sorted = perOp.clone();
        Arrays.sort(sorted);
        System.out.printf(
                "RESULT %s.%s %s median %.1f min %.1f cpu-ns/op (sink %d)%n",
                c.getSimpleName(),
                args[1],
                String.join(" ", Arrays.copyOfRange(args, 2, args.length)),
                sorted[rounds / 2],
                sorted[0],
                sink & 1);
    }
}
