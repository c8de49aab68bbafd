package io.ftpalg.cli.run;

import io.ftpalg.engine.report.EventSink;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Prints what the gateway does as it happens, one line per event. Called from every worker: synchronised (events
 * are negotiations, not packets, so this is never on the per-packet path).
 */
final class LiveEvents implements EventSink {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private final PrintStream out;

    LiveEvents(PrintStream out) {
        this.out = out;
    }

    private static String t(long nanos) {
        return TIME.format(Instant.ofEpochSecond(0, nanos));
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public synchronized void rewrite(
            long timeNanos,
            String flow,
            String direction,
            String command,
            String before,
            String after,
            int seqDelta,
            long seq) {
        out.printf(
                "%s rewrite %s %s: \"%s\" -> \"%s\" (seq %+d after) [%s]%n",
                t(timeNanos), direction, command, before, after, seqDelta, flow);
    }

    @Override
    public synchronized void expectation(
            long timeNanos, String action, String controlFlow, String expected, String reason) {
        out.printf(
                "%s expectation %s: %s%s%n", t(timeNanos), action, expected, reason == null ? "" : " (" + reason + ")");
    }

    @Override
    public synchronized void notice(long timeNanos, String kind, String flow, String text) {
        out.printf("%s %s: %s [%s]%n", t(timeNanos), kind, text, flow);
    }
}
