package io.ftpalg.engine.pipeline;

/**
 * Deletes flows named by (record, generation), as taken from a {@link FlowSnapshot}, on the worker that owns them.
 * A record that meanwhile holds another connection (its generation changed) is left alone.
 */
public final class FlowDelete extends WorkerCommand {
    private final long[] refs;
    private int n;
    private int deleted;

    public FlowDelete(int max) {
        this.refs = new long[max];
    }

    /** Adds a flow ({@link FlowSnapshot} long 0: {@code record | generation << 32}); false when full. */
    public boolean add(long ref) {
        if (n == refs.length) {
            return false;
        }
        refs[n++] = ref;
        return true;
    }

    public void clear() {
        n = 0;
    }

    public int size() {
        return n;
    }

    @Override
    protected void execute(Engine engine) {
        int d = 0;
        for (int i = 0; i < n; i++) {
            if (engine.deleteFlow((int) refs[i], (int) (refs[i] >>> 32))) {
                d++;
            }
        }
        deleted = d;
    }

    /** How many the last run deleted. */
    public int deleted() {
        return deleted;
    }
}
