package io.ftpalg.engine.config;

/** Table sizes. {@code maxFlows} is as configured; rounding to a power of two is the flow table's job. */
public record Limits(int maxFlows) {
    public static final int DEFAULT_MAX_FLOWS = 262_144;

    public Limits {
        if (maxFlows < 1) {
            throw new IllegalArgumentException("flows max must be at least 1, not " + maxFlows);
        }
    }

    public static Limits defaults() {
        return new Limits(DEFAULT_MAX_FLOWS);
    }
}
