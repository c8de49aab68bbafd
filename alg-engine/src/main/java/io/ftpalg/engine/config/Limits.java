package io.ftpalg.engine.config;

/** Table sizes. {@code maxFlows} is as configured; rounding to a power of two is the flow table's job. */
public record Limits(int maxFlows, int perSourceRate, int perSourceBurst) {
    public static final int DEFAULT_MAX_FLOWS = 262_144;
    /**
     * New flows per second one source address may open, and the burst it may open at once: high enough for a
     * busy NATed host or an FTP client's data connections, low enough that one host cannot fill the table (at the
     * default table size a single source needs over two minutes at this rate). 0 turns the budget off.
     */
    public static final int DEFAULT_PER_SOURCE_RATE = 2000;

    public static final int DEFAULT_PER_SOURCE_BURST = 4000;

    public Limits {
        if (maxFlows < 1) {
            throw new IllegalArgumentException("flows max must be at least 1, not " + maxFlows);
        }
        if (perSourceRate < 0 || perSourceBurst < 0) {
            throw new IllegalArgumentException("flows per-source-rate and per-source-burst must not be negative");
        }
    }

    public Limits(int maxFlows) {
        this(maxFlows, DEFAULT_PER_SOURCE_RATE, DEFAULT_PER_SOURCE_BURST);
    }

    public static Limits defaults() {
        return new Limits(DEFAULT_MAX_FLOWS);
    }
}
