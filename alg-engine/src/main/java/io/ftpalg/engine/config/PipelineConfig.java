package io.ftpalg.engine.config;

/**
 * The live pipeline's shape: {@code pipeline workers <n>} engine threads (each owns the flows of the outside
 * hosts that hash to it), {@code pipeline ring <n>} slots (a power of two), and {@code pipeline wait
 * adaptive|blocking|sleeping|yielding|busy-spin} (how idle stages wait; never busy-spin by default: on a small
 * machine spinning threads starve each other). {@code adaptive}, the default: spin a few microseconds, yield up to
 * 200 us, then block on a lock that the next publication signals (about 0 CPU when idle; {@code sleeping} wakes
 * every ~60 us forever).
 */
public record PipelineConfig(int workers, int ringSize, String waitStrategy) {
    public static final java.util.List<String> WAIT_STRATEGIES =
            java.util.List.of("adaptive", "blocking", "sleeping", "yielding", "busy-spin");

    public PipelineConfig {
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("pipeline workers must be 1..64, not " + workers);
        }
        if (ringSize < 64 || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("pipeline ring must be a power of two of at least 64, not " + ringSize);
        }
        if (!WAIT_STRATEGIES.contains(waitStrategy)) {
            throw new IllegalArgumentException("pipeline wait must be one of " + WAIT_STRATEGIES);
        }
    }

    public static PipelineConfig defaults() {
        return new PipelineConfig(1, 4096, "adaptive");
    }
}
