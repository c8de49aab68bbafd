package io.ftpalg.cli.replay;

import io.ftpalg.engine.report.EventSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the engine's events during a replay: each becomes one entry of the JSON report (tagged with the input
 * frame number, as Wireshark numbers frames) and a line of the comment attached to the output packet.
 */
final class ReplayEvents implements EventSink {
    final List<Map<String, Object>> events = new ArrayList<>();
    private final StringBuilder comment = new StringBuilder();
    private long frame;

    void frame(long frameNumber) {
        this.frame = frameNumber;
        comment.setLength(0);
    }

    /** The comment for the packet just processed, or null when nothing happened to it. */
    String comment() {
        return comment.length() == 0 ? null : comment.toString();
    }

    @Override
    public boolean enabled() {
        return true;
    }

    private Map<String, Object> event(long timeNanos, String type) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("frame", frame);
        e.put("time", Instant.ofEpochSecond(0, timeNanos).toString());
        e.put("type", type);
        events.add(e);
        return e;
    }

    private void note(String text) {
        if (comment.length() > 0) {
            comment.append("; ");
        }
        comment.append("ftp-alg: ").append(text);
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
        Map<String, Object> e = event(timeNanos, "rewrite");
        e.put("flow", flow);
        e.put("direction", direction);
        e.put("command", command);
        e.put("before", before);
        e.put("after", after);
        e.put("seqDelta", seqDelta);
        e.put("seq", seq);
        note("rewrote \"" + before + "\" -> \"" + after + "\" (later seq " + (seqDelta >= 0 ? "+" : "") + seqDelta
                + ")");
    }

    @Override
    public void expectation(long timeNanos, String action, String controlFlow, String expected, String reason) {
        Map<String, Object> e = event(timeNanos, "expectation");
        e.put("action", action);
        e.put("control", controlFlow);
        e.put("expected", expected);
        if (reason != null) {
            e.put("reason", reason);
        }
        note("expectation " + action + ": " + expected + (reason == null ? "" : " (" + reason + ")"));
    }

    @Override
    public void notice(long timeNanos, String kind, String flow, String text) {
        Map<String, Object> e = event(timeNanos, "notice");
        e.put("kind", kind);
        e.put("flow", flow);
        e.put("text", text);
        note(kind + ": " + text);
    }
}
