package io.ftpalg.engine.config;

/**
 * Table sizes and flow policies. {@code maxFlows} is as configured; rounding to a power of two is the flow table's
 * job.
 *
 * @param resetExpired {@code flows reset-expired inside|outside|both|off}: which sides get a TCP RST back for a
 *     segment of a flow the gateway does not know (expired or evicted), a bit mask of {@link #RESET_INSIDE} and
 *     {@link #RESET_OUTSIDE}; default inside
 * @param resetRate {@code flows reset-rate <n>}: such RSTs per second, in all (a token bucket)
 * @param resetBurst {@code flows reset-burst <n>}: the bucket's depth
 */
public record Limits(
        int maxFlows, int perSourceRate, int perSourceBurst, int resetExpired, int resetRate, int resetBurst) {
    public static final int RESET_INSIDE = 1;
    public static final int RESET_OUTSIDE = 2;
    /** RSTs for unknown flows: enough for every connection of a busy host to fail at once, not a flood. */
    public static final int DEFAULT_RESET_RATE = 100;

    public static final int DEFAULT_RESET_BURST = 100;

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
        if ((resetExpired & ~(RESET_INSIDE | RESET_OUTSIDE)) != 0) {
            throw new IllegalArgumentException("flows reset-expired: bad side mask " + resetExpired);
        }
        if (resetRate < 1 || resetBurst < 1) {
            throw new IllegalArgumentException("flows reset-rate and reset-burst must be at least 1");
        }
    }

    public Limits(int maxFlows, int perSourceRate, int perSourceBurst) {
        this(maxFlows, perSourceRate, perSourceBurst, RESET_INSIDE, DEFAULT_RESET_RATE, DEFAULT_RESET_BURST);
    }

    public Limits(int maxFlows) {
        this(maxFlows, DEFAULT_PER_SOURCE_RATE, DEFAULT_PER_SOURCE_BURST);
    }

    public static Limits defaults() {
        return new Limits(DEFAULT_MAX_FLOWS);
    }
}
