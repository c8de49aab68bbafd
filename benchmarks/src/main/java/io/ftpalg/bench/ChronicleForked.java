package io.ftpalg.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Base class of the per-packet benchmarks: one fork with the JVM flags Chronicle Map needs (every {@code Engine}
 * and {@code ExpectationTable} opens one), average time in nanoseconds per operation, 3 × 2 s warm-up and 5 × 2 s
 * measurement. JMH 1.37 looks these annotations up on the superclasses of a benchmark class too
 * ({@code BenchmarkGeneratorUtils.getAnnSuper}), so a subclass only says what differs.
 *
 * <p>The flags are the root pom property {@code chronicle.jvm.flags} (an annotation value must be a compile-time
 * constant, so they are repeated here, once): keep the two identical. A {@code -jvmArgsAppend} on the JMH command
 * line <b>replaces</b> them (the fork then fails inside Chronicle Map with {@code IllegalAccessException}); repeat
 * them there (BENCHMARKS.md shows how).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true",
            "-Dchronicle.announcer.disable=true"
        })
public abstract class ChronicleForked {}
