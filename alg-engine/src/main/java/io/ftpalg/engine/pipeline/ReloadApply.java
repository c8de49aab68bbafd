package io.ftpalg.engine.pipeline;

/**
 * Swaps a reloaded config into one worker's engine at its safe point ({@link Engine#apply}): the stages were
 * built off the worker ({@link Engine#prepare}); the worker swaps them in and walks its flow table once for what
 * the new rules no longer admit (a few milliseconds at a million flows: the one command allowed to take that
 * long, once per reload).
 */
public final class ReloadApply extends WorkerCommand {
    private final Engine.Reconfig reconfig;
    private int dropped;

    public ReloadApply(Engine.Reconfig reconfig) {
        this.reconfig = reconfig;
    }

    @Override
    protected void execute(Engine engine) {
        dropped = engine.apply(reconfig);
    }

    /** Flows the reload removed on this worker (valid once {@link #await} returned true). */
    public int dropped() {
        return dropped;
    }
}
