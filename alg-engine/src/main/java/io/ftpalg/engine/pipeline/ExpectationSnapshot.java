package io.ftpalg.engine.pipeline;

import io.ftpalg.engine.expect.Expectation;
import io.ftpalg.engine.expect.ExpectationTable;
import io.ftpalg.engine.flow.FlowTable;

/**
 * One chunk of a worker's expectations (whole control sessions at a time), copied on the worker at a safe point.
 * See {@link FlowSnapshot} for the model.
 *
 * <pre>
 *  per expectation, {@value #LONGS} longs:
 *   0      ipVersion | ingress port &lt;&lt; 8 | expected dst port &lt;&lt; 16 | real dst port &lt;&lt; 32
 *   1,2    peer (the only source admitted)         3,4  expected destination (what the peer was told)
 *   5,6    real destination (translated to)        7,8  source as the announcing host sees it
 *   9      ms left before it expires               10   ms since it was created
 *   11     control connection's flow_id, 0 if it ended
 *   12..16 control connection's ORIGINAL tuple (zeros if it ended)
 *   17     control session
 * </pre>
 */
public final class ExpectationSnapshot extends WorkerCommand implements ExpectationTable.Removed {
    public static final int LONGS = 18;

    private final long[] out;
    private final int max;
    private final Expectation scratch = new Expectation();
    private int from;
    private int next;
    private int count;
    private long now;
    private FlowTable flows;

    /** @param max entries per chunk; at least the per-session cap, so that a session always fits */
    public ExpectationSnapshot(int max) {
        this.max = max;
        this.out = new long[max * LONGS];
    }

    public ExpectationSnapshot from(int session) {
        this.from = session;
        return this;
    }

    @Override
    protected void execute(Engine engine) {
        count = 0;
        now = engine.nowMs();
        flows = engine.flows();
        next = engine.expectations().visit(from, max, scratch, this);
        flows = null;
    }

    /** Visitor: one expectation into the buffer (worker thread). */
    @Override
    public void removed(Expectation e) {
        if (count >= max) {
            return;
        }
        int b = count * LONGS;
        out[b] = e.ipVersion
                | ((long) (e.ingressPort & 0xFF) << 8)
                | ((long) e.dstPort << 16)
                | ((long) e.realDstPort << 32);
        out[b + 1] = e.peerHi;
        out[b + 2] = e.peerLo;
        out[b + 3] = e.dstHi;
        out[b + 4] = e.dstLo;
        out[b + 5] = e.realDstHi;
        out[b + 6] = e.realDstLo;
        out[b + 7] = e.newSrcHi;
        out[b + 8] = e.newSrcLo;
        out[b + 9] = e.deadlineMs - now;
        out[b + 10] = now - e.createdMs;
        int cf = e.controlFlow;
        boolean live =
                cf >= 0 && cf < flows.capacity() && flows.inUse(cf) && flows.generation[cf] == e.controlGeneration;
        out[b + 11] = live ? flows.flowId(cf) : 0;
        out[b + 12] = live ? flows.srcHi(cf, FlowTable.ORIGINAL) : 0;
        out[b + 13] = live ? flows.srcLo(cf, FlowTable.ORIGINAL) : 0;
        out[b + 14] = live ? flows.dstHi(cf, FlowTable.ORIGINAL) : 0;
        out[b + 15] = live ? flows.dstLo(cf, FlowTable.ORIGINAL) : 0;
        out[b + 16] = live ? flows.meta(cf, FlowTable.ORIGINAL) : 0;
        out[b + 17] = e.session;
        count++;
    }

    public long[] records() {
        return out;
    }

    public int count() {
        return count;
    }

    public int next() {
        return next;
    }

    public boolean finished() {
        return next < 0;
    }
}
