package io.ftpalg.cli.events;

/**
 * One thing the gateway did, as a worker reported it through {@code EventSink}: raw strings, turned into the JSON
 * schema ({@link EventJson}) and text off the worker. Which fields are set depends on {@link #type}:
 *
 * <ul>
 *   <li>{@code ftp_rewrite}: flow, direction, command, before, after, seqDelta, seq
 *   <li>{@code expectation}: action, flow (the control connection, or "(ended)"), text (the expected connection),
 *       reason
 *   <li>{@code notice}: action (the kind), flow, text
 *   <li>{@code flow}: action (new / destroy), flow (ORIGINAL tuple), text (REPLY tuple), reason
 * </ul>
 */
public record Event(
        String type,
        long timeNanos,
        int worker,
        String flow,
        String action,
        String direction,
        String command,
        String before,
        String after,
        int seqDelta,
        long seq,
        String text,
        String reason) {
    public static final String REWRITE = "ftp_rewrite";
    public static final String EXPECTATION = "expectation";
    public static final String NOTICE = "notice";
    public static final String FLOW = "flow";
}
