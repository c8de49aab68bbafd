package io.ftpalg.cli.run;

import io.ftpalg.cli.events.Event;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/**
 * Prints what the gateway does as it happens, one line per negotiation event. Runs on the event hub's dispatcher
 * thread, never on a worker (workers only queue events, see {@code EventHub}).
 */
final class LiveEvents implements Consumer<Event> {
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
    public void accept(Event e) {
        switch (e.type()) {
            case Event.REWRITE ->
                out.printf(
                        "%s rewrite %s %s: \"%s\" -> \"%s\" (seq %+d after) [%s]%n",
                        t(e.timeNanos()), e.direction(), e.command(), e.before(), e.after(), e.seqDelta(), e.flow());
            case Event.EXPECTATION ->
                out.printf(
                        "%s expectation %s: %s%s%n",
                        t(e.timeNanos()), e.action(), e.text(), e.reason() == null ? "" : " (" + e.reason() + ")");
            case Event.NOTICE -> out.printf("%s %s: %s [%s]%n", t(e.timeNanos()), e.action(), e.text(), e.flow());
            default -> {}
        }
        out.flush();
    }
}
