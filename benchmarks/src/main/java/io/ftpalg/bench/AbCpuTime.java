package io.ftpalg.bench;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * A/B comparison of two builds inside one JVM, for a shared and oversubscribed machine: each build's benchmarks
 * jar is loaded by its own class loader, one instance of the same JMH benchmark class is set up from each, and
 * the two are run in alternating slices of thread CPU time (not wall time: on an oversubscribed machine wall time
 * mostly measures waiting for a core). Alternating every slice puts both builds under the same background load;
 * the result is the median over slices of the per-slice-pair ratio B/A, with each side's median CPU ns per op.
 *
 * <pre>
 * java $CHRONICLE_FLAGS -cp benchmarks/target/benchmarks.jar io.ftpalg.bench.AbCpuTime \
 *     /tmp/old.jar benchmarks/target/benchmarks.jar io.ftpalg.engine.pipeline.EngineFastPathBenchmark forward \
 *     flows=10000 [warmup-s=3 pairs=20 slice-ms=300]
 * </pre>
 *
 * A setting prefixed {@code a.} or {@code b.} applies to that side only, so that one jar can be compared with
 * itself under two settings ({@code a.state=none b.state=dir}).
 *
 * The class is driven by reflection ({@code setUp}, the method, {@code tearDown}); {@code name=value} arguments
 * set fields such as a {@code @Param}. Both set-ups stay in memory at once (twice the heap of one).
 */
public final class AbCpuTime {
    private AbCpuTime() {}

    private static final class Side {
        final Object bench;
        final Method method;
        final Method tearDown;
        final int ops;
        long sink;

        Side(String jar, String className, String methodName, String[] settings) throws Exception {
            URLClassLoader loader =
                    new URLClassLoader(new URL[] {new File(jar).toURI().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> c = Class.forName(className, true, loader);
            bench = c.getDeclaredConstructor().newInstance();
            for (String s : settings) {
                String[] kv = s.split("=", 2);
                Field f = c.getDeclaredField(kv[0]);
                f.setAccessible(true);
                if (f.getType() == int.class) {
                    f.setInt(bench, Integer.parseInt(kv[1]));
                } else {
                    f.set(bench, kv[1]);
                }
            }
            method = c.getMethod(methodName);
            tearDown = c.getMethod("tearDown");
            // The annotation class of the other loader: read its value by name.
            int n = 1;
            for (var a : method.getAnnotations()) {
                if (a.annotationType().getName().equals(OperationsPerInvocation.class.getName())) {
                    n = (int) a.annotationType().getMethod("value").invoke(a);
                }
            }
            ops = n;
            c.getMethod("setUp").invoke(bench);
        }

        /** Runs for {@code cpuNanos} of thread CPU time; returns CPU ns per op. */
        double run(ThreadMXBean mx, long cpuNanos) throws Exception {
            long calls = 0;
            long t0 = mx.getCurrentThreadCpuTime();
            long stop = t0 + cpuNanos;
            long t;
            do {
                for (int i = 0; i < 200; i++) {
                    sink += (int) method.invoke(bench);
                }
                calls += 200;
                t = mx.getCurrentThreadCpuTime();
            } while (t < stop);
            return (double) (t - t0) / (calls * ops);
        }
    }

    public static void main(String[] args) throws Exception {
        String jarA = args[0];
        String jarB = args[1];
        String className = args[2];
        String methodName = args[3];
        double warmupS = 3;
        int pairs = 20;
        long sliceMs = 300;
        java.util.List<String> settings = new java.util.ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            switch (kv[0]) {
                case "warmup-s" -> warmupS = Double.parseDouble(kv[1]);
                case "pairs" -> pairs = Integer.parseInt(kv[1]);
                case "slice-ms" -> sliceMs = Long.parseLong(kv[1]);
                default -> settings.add(args[i]);
            }
        }
        String[] set = settings.toArray(new String[0]);
        Side a = new Side(jarA, className, methodName, side(settings, "a."));
        Side b = new Side(jarB, className, methodName, side(settings, "b."));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long warm = (long) (warmupS * 1e9);
        for (int i = 0; i < 3; i++) {
            a.run(mx, warm / 3);
            b.run(mx, warm / 3);
        }
        double[] ra = new double[pairs];
        double[] rb = new double[pairs];
        double[] ratio = new double[pairs];
        long slice = sliceMs * 1_000_000L;
        for (int p = 0; p < pairs; p++) {
            // Alternate which side goes first, so neither always follows the other's cache footprint.
            if ((p & 1) == 0) {
                ra[p] = a.run(mx, slice);
                rb[p] = b.run(mx, slice);
            } else {
                rb[p] = b.run(mx, slice);
                ra[p] = a.run(mx, slice);
            }
            ratio[p] = rb[p] / ra[p];
            System.out.printf("pair %2d: A %.1f  B %.1f  B/A %.3f%n", p + 1, ra[p], rb[p], ratio[p]);
        }
        a.tearDown.invoke(a.bench);
        b.tearDown.invoke(b.bench);
        System.out.printf(
                "RESULT %s.%s %s: A median %.1f cpu-ns/op, B median %.1f cpu-ns/op, B/A median %.3f"
                        + " (quartiles %.3f-%.3f) over %d pairs (sink %d)%n",
                className.substring(className.lastIndexOf('.') + 1),
                methodName,
                String.join(" ", set),
                median(ra),
                median(rb),
                median(ratio),
                quantile(ratio, 0.25),
                quantile(ratio, 0.75),
                pairs,
                (a.sink ^ b.sink) & 1);
    }

    /**
     * The settings for one side: every {@code name=value} without a side prefix, and those with this side's prefix
     * ({@code a.state=none b.state=dir}: one jar, two settings), the prefix removed.
     */
    private static String[] side(java.util.List<String> settings, String prefix) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String s : settings) {
            if (s.startsWith(prefix)) {
                out.add(s.substring(prefix.length()));
            } else if (!s.startsWith("a.") && !s.startsWith("b.")) {
                out.add(s);
            }
        }
        return out.toArray(new String[0]);
    }

    private static double median(double[] v) {
        return quantile(v, 0.5);
    }

    private static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.min(s.length - 1, Math.round(q * (s.length - 1)))];
    }
}
