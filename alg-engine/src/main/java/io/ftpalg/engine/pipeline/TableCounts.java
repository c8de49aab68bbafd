package io.ftpalg.engine.pipeline;

/** A worker's table sizes, read on the worker (exact at that instant): flows, expectations, FTP sessions. */
public final class TableCounts extends WorkerCommand {
    private int flows;
    private int flowCapacity;
    private int expectations;
    private int sessions;

    @Override
    protected void execute(Engine engine) {
        flows = engine.flows().size();
        flowCapacity = engine.flows().capacity();
        expectations = engine.expectations().size();
        sessions = engine.ftpSessionsInUse();
    }

    public int flows() {
        return flows;
    }

    public int flowCapacity() {
        return flowCapacity;
    }

    public int expectations() {
        return expectations;
    }

    public int sessions() {
        return sessions;
    }
}
