package io.ftpalg.cli.events;

import io.ftpalg.engine.report.EventSink;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes each event as it happens, one JSON object per line in the {@link EventJson} schema, for a single-threaded
 * engine ({@code replay --events FILE}): streamed, nothing kept in memory. Live mode uses {@link EventHub} instead
 * (events there leave the workers through a bounded queue).
 */
public final class JsonLinesSink implements EventSink, AutoCloseable {
    private final OutputStream out;

    public JsonLinesSink(Path path) throws IOException {
        this.out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
    }

    private void write(Event e) {
        try {
            out.write(EventJson.JSON.writeValueAsBytes(EventJson.toJson(e)));
            out.write('\n');
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public boolean flowEventsEnabled() {
        return true;
    }

    @Override
    public void rewrite(
            long timeNanos,
            String flow,
            String direction,
            String command,
            String before,
            String after,
            int seqDelta,
            long seq) {
        write(new Event(
                Event.REWRITE,
                timeNanos,
                -1,
                flow,
                null,
                direction,
                command,
                before,
                after,
                seqDelta,
                seq,
                null,
                null));
    }

    @Override
    public void expectation(long timeNanos, String action, String controlFlow, String expected, String reason) {
        write(new Event(
                Event.EXPECTATION, timeNanos, -1, controlFlow, action, null, null, null, null, 0, 0, expected, reason));
    }

    @Override
    public void notice(long timeNanos, String kind, String flow, String text) {
        write(new Event(Event.NOTICE, timeNanos, -1, flow, kind, null, null, null, null, 0, 0, text, null));
    }

    @Override
    public void flow(long timeNanos, String action, String original, String reply, String reason) {
        write(new Event(Event.FLOW, timeNanos, -1, original, action, null, null, null, null, 0, 0, reply, reason));
    }

    /** Both sinks get every event. */
    public static EventSink tee(EventSink a, EventSink b) {
        return new EventSink() {
            @Override
            public boolean enabled() {
                return a.enabled() || b.enabled();
            }

            @Override
            public boolean flowEventsEnabled() {
                return a.flowEventsEnabled() || b.flowEventsEnabled();
            }

            @Override
            public void rewrite(long t, String f, String d, String c, String bf, String af, int delta, long seq) {
                a.rewrite(t, f, d, c, bf, af, delta, seq);
                b.rewrite(t, f, d, c, bf, af, delta, seq);
            }

            @Override
            public void expectation(long t, String action, String cf, String expected, String reason) {
                a.expectation(t, action, cf, expected, reason);
                b.expectation(t, action, cf, expected, reason);
            }

            @Override
            public void notice(long t, String kind, String flow, String text) {
                a.notice(t, kind, flow, text);
                b.notice(t, kind, flow, text);
            }

            @Override
            public void flow(long t, String action, String original, String reply, String reason) {
                a.flow(t, action, original, reply, reason);
                b.flow(t, action, original, reply, reason);
            }
        };
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
