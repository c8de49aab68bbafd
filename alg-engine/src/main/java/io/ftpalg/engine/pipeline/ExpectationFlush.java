package io.ftpalg.engine.pipeline;

/** Removes every expectation of a worker ({@code conntrack -F expect}). */
public final class ExpectationFlush extends WorkerCommand {
    private int removed;

    @Override
    protected void execute(Engine engine) {
        removed = engine.flushExpectations();
    }

    public int removed() {
        return removed;
    }
}
