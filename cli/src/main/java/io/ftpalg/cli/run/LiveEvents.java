package io.ftpalg.cli.run;

import io.ftpalg.cli.events.Event;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what the gateway does as it happens, one line per negotiation event, at INFO on logger {@code ftpalg.events}
 * (logback.xml prints them as they are: the line starts with the event's time). Runs on the event hub's dispatcher
 * thread, never on a worker (workers only queue events, see {@code EventHub}).
 */
final class LiveEvents implements Consumer<Event> {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final Logger LOG = LoggerFactory.getLogger("ftpalg.events");

    private static String t(long nanos) {
        return TIME.format(Instant.ofEpochSecond(0, nanos));
    }

    @Override
    public void accept(Event e) {
        String line = switch (e.type()) {
            case Event.REWRITE ->
                String.format(
                        "%s rewrite %s %s: \"%s\" -> \"%s\" (seq %+d after) [%s]",
                        t(e.timeNanos()), e.direction(), e.command(), e.before(), e.after(), e.seqDelta(), e.flow());
            case Event.EXPECTATION ->
                String.format(
                        "%s expectation %s: %s%s",
                        t(e.timeNanos()), e.action(), e.text(), e.reason() == null ? "" : " (" + e.reason() + ")");
            case Event.NOTICE -> String.format("%s %s: %s [%s]", t(e.timeNanos()), e.action(), e.text(), e.flow());
            default -> null;
        };
        if (line != null) {
            LOG.info(line);
        }
    }
}
