package io.ftpalg.engine.stats;

/**
 * One engine instance's counters: a primitive array indexed by {@link Counter#ordinal()}. Single writer (the
 * thread that owns the engine); readers on other threads see eventually-consistent values, which is all a counter
 * dump needs.
 */
public final class Counters {
    private final long[] values = new long[Counter.values().length];

    public void inc(Counter c) {
        values[c.ordinal()]++;
    }

    public void add(Counter c, long n) {
        values[c.ordinal()] += n;
    }

    public long get(Counter c) {
        return values[c.ordinal()];
    }

    /** Adds every counter of {@code other} into this one (merging per-worker counters). */
    public void addAll(Counters other) {
        for (int i = 0; i < values.length; i++) {
            values[i] += other.values[i];
        }
    }

    public void reset() {
        java.util.Arrays.fill(values, 0);
    }
}
