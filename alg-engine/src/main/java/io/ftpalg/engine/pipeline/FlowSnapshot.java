package io.ftpalg.engine.pipeline;

import io.ftpalg.engine.flow.FlowTable;

/**
 * One chunk of a worker's flow table, copied on the worker at a safe point ({@link WorkerCommand}): up to
 * {@code maxFlows} live flows, scanning at most {@code 4 * maxFlows} records from the cursor, into a pre-sized
 * {@code long[]}. A listing of a million flows is some hundreds of such chunks, each well under a millisecond on
 * the worker; between chunks the worker forwards. Like a netlink conntrack dump, the whole listing is not one
 * atomic picture: a flow created or removed while it runs may or may not be in it; each record is exact.
 *
 * <pre>
 *  per flow, {@value #LONGS} longs:
 *   0      record index | generation &lt;&lt; 32
 *   1      state word (FlowState, low 32 bits) | origin port &lt;&lt; 32
 *   2      ms left before the flow times out (may be negative: due, not yet swept)
 *   3..7   ORIGINAL tuple  srcHi srcLo dstHi dstLo meta   (FlowTable.meta: sport dport proto version)
 *   8..12  REPLY tuple
 *   13     flow_id (FlowTable.flowId)
 *   14     FTP session (int, -1 none) | data connections in the table &lt;&lt; 32
 *   15     for an FTP data connection: its control connection's flow_id, 0 if none or ended
 * </pre>
 */
public final class FlowSnapshot extends WorkerCommand {
    public static final int LONGS = 16;

    private final long[] out;
    private final int maxFlows;
    private int from;
    private int next;
    private int count;
    private long nowMs;
    private int tableSize;
    private int tableCapacity;

    public FlowSnapshot(int maxFlows) {
        this.maxFlows = maxFlows;
        this.out = new long[maxFlows * LONGS];
    }

    /** Where the next chunk starts (record index; 0 for a new listing). */
    public FlowSnapshot from(int record) {
        this.from = record;
        return this;
    }

    @Override
    protected void execute(Engine engine) {
        FlowTable t = engine.flows();
        long now = engine.nowMs();
        int cap = t.capacity();
        int n = 0;
        int r = from;
        int scanEnd = (int) Math.min(cap, (long) from + 4L * maxFlows);
        for (; r < scanEnd && n < maxFlows; r++) {
            if (!t.inUse(r)) {
                continue;
            }
            int b = n * LONGS;
            out[b] = r | ((long) t.generation[r] << 32);
            out[b + 1] = (t.state(r) & 0xFFFF_FFFFL) | ((long) t.originPort(r) << 32);
            out[b + 2] = t.deadline(r) - now;
            for (int d = 0; d < 2; d++) {
                int o = b + 3 + d * 5;
                out[o] = t.srcHi(r, d);
                out[o + 1] = t.srcLo(r, d);
                out[o + 2] = t.dstHi(r, d);
                out[o + 3] = t.dstLo(r, d);
                out[o + 4] = t.meta(r, d);
            }
            out[b + 13] = t.flowId(r);
            out[b + 14] = (t.session(r) & 0xFFFF_FFFFL) | ((long) t.children[r] << 32);
            out[b + 15] = t.parentLive(r) ? t.flowId(t.parent[r]) : 0;
            n++;
        }
        count = n;
        next = r;
        nowMs = now;
        tableSize = t.size();
        tableCapacity = cap;
    }

    /** The records copied: {@link #count()} times {@value #LONGS} longs. */
    public long[] records() {
        return out;
    }

    public int count() {
        return count;
    }

    /** Cursor for the next chunk. */
    public int next() {
        return next;
    }

    /** True when this chunk reached the end of the table. */
    public boolean finished() {
        return next >= tableCapacity;
    }

    /** The worker's clock when the chunk was taken. */
    public long nowMs() {
        return nowMs;
    }

    /** Live flows in the worker's table when the chunk was taken. */
    public int tableSize() {
        return tableSize;
    }

    public int tableCapacity() {
        return tableCapacity;
    }
}
