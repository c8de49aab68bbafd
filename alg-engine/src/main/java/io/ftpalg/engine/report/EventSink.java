package io.ftpalg.engine.report;

/**
 * Where the engine tells what it did: rewrites, expectations, notices. Events happen on the slow path only
 * (negotiations, not established packets), and the engine builds their text only when {@link #enabled()} is true,
 * so a disabled sink costs nothing per packet.
 */
public interface EventSink {
    boolean enabled();

    /**
     * A control line was rewritten.
     *
     * @param seqDelta the change in length, i.e. how much every later sequence number in this direction shifts
     */
    void rewrite(
            long timeNanos,
            String flow,
            String direction,
            String command,
            String before,
            String after,
            int seqDelta,
            long seq);

    /**
     * An expectation changed: {@code action} is created, used, expired, replaced, refused or removed.
     *
     * @param reason why (refusals, removals), or null
     */
    void expectation(long timeNanos, String action, String controlFlow, String expected, String reason);

    /** Anything else worth telling a person (an opaque TLS session, a bounce attempt, a parse failure). */
    void notice(long timeNanos, String kind, String flow, String text);

    /**
     * True when someone wants flow events ({@link #flow}). Asked separately from {@link #enabled()} because they
     * come once per connection, not once per negotiation: a sink that only prints negotiations says no, and the
     * engine then builds no text for them. May change while the engine runs (a listener comes and goes).
     */
    default boolean flowEventsEnabled() {
        return false;
    }

    /**
     * A flow was created ({@code action} "new") or removed ("destroy", {@code reason} the counter label that
     * counted it: flow-expired, flow-evicted, flow-deleted...). Both tuples as {@code FlowTable.describe} writes
     * them.
     */
    default void flow(long timeNanos, String action, String original, String reply, String reason) {}

    EventSink NONE = new EventSink() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void rewrite(long t, String f, String d, String c, String b, String a, int delta, long seq) {}

        @Override
        public void expectation(long t, String action, String cf, String expected, String reason) {}

        @Override
        public void notice(long t, String kind, String flow, String text) {}
    };
}
