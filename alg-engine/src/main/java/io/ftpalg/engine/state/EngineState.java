package io.ftpalg.engine.state;

import io.ftpalg.engine.expect.ExpectationTable;
import io.ftpalg.engine.flow.FlowState;
import io.ftpalg.engine.flow.FlowTable;
import io.ftpalg.engine.ftp.FtpSessionRecords;
import io.ftpalg.engine.ftp.FtpSessions;
import io.ftpalg.engine.seqadj.SeqAdjust;

/**
 * One engine's tables in its state directory ({@link StateDir}): restored once at start, synced at safe points
 * (between packets, from the engine's sweep), closed cleanly at stop.
 *
 * <h2>What is where</h2>
 *
 * <ul>
 *   <li>{@code flows.state}: one record per flow-table slot, the slot's record exactly as {@link
 *       FlowTable#exportRecord} lays it out (tuples with their NAT, TCP state word, deadline, FTP session, parent
 *       links). NAT port allocations are these reply tuples: nothing else holds them.
 *   <li>{@code sessions.state}: one record per FTP session slot: the session ({@link FtpSessionRecords}: stream
 *       positions, held line bytes, rewrite log) followed by its two lanes of {@link SeqAdjust} history.
 *   <li>{@code expect.cmap}: the expectations, a persisted Chronicle Map written in place by every change.
 * </ul>
 *
 * <h2>Sync: what a kill can lose</h2>
 *
 * The engine's tables stay in the Java heap (the per-packet path is unchanged); every {@code sync} copies a
 * tenth of the flow slots and a tenth of the session slots into the mapped files, skipping records whose
 * checksum says the file already holds them. The engine syncs at each sweep (every 100 ms of packet or tick
 * time), so every record reaches the file within a second of changing; the expectation map is always current. A
 * kill loses at most that second: a connection created in it is unknown after the restart (its next segment gets
 * what any unknown segment gets), a rewrite made in it is not remembered (the mapped pages themselves survive a
 * kill: the kernel's page cache holds them; a power cut loses what was not yet written back).
 *
 * <h2>Restore</h2>
 *
 * Records are checked one by one: a torn record (checksum mismatch) is dropped and counted; so is anything that
 * does not hang together after a kill in the middle of a sync (a flow naming a session that names another flow, a
 * data connection whose control connection is gone, an expectation whose control connection is gone, two records
 * for one connection). Time: deadlines are wall-clock instants, so the time the gateway was down counts (a flow
 * whose idle timeout ran out during the gap expires at the first sweep); if the wall clock is now earlier than
 * the last sync (it was stepped back), every deadline moves back by the same amount, so no timeout grows by the
 * step. Connections being examined by {@code ftp detect} when the gateway stopped are left alone afterwards (the
 * detector's per-flow state is not kept).
 */
public final class EngineState implements AutoCloseable {
    /** Sweeps per full pass over the tables: at one sweep per 100 ms, every record is written within a second. */
    static final int PASSES = 10;

    private final FlowTable flows;
    private final FtpSessions sessions;
    private final SeqAdjust seqAdjust;
    private final FtpSessionRecords sessionRecords;
    private final StateDir dir;
    private final StateFile flowFile;
    private final StateFile sessionFile;
    private final StateFile expectFile;
    private final long[] flowScratch = new long[FlowTable.EXPORT_LONGS];
    private final long[] sessionScratch;
    private final int flowBudget;
    private final int sessionBudget;
    /**
     * Which records of each file hold something (a mirror of the files' non-zero checksums), so that a sync skips a
     * free slot whose record is already empty without reading the mapping (a cache miss per slot otherwise).
     */
    private final boolean[] flowStored;

    private final boolean[] sessionStored;
    private int flowHand;
    private int sessionHand;
    private long records;
    private boolean closed;

    /** What the last restore found. */
    public final Report report = new Report();

    /** Counts of a restore, for the start-up line and tests. */
    public static final class Report {
        public boolean loaded;
        public boolean wasClean;
        public long gapMs;
        public long shiftMs;
        public int flows;
        public int sessions;
        public int expectations;
        public int tornFlows;
        public int tornSessions;
        public int droppedFlows;
        public int droppedSessions;
        public int droppedExpectations;
        public int expectCorruptions;
        /** Time the restore took (reading, checking, rewriting the files), ms. */
        public long restoreMs;

        @Override
        public String toString() {
            if (!loaded) {
                return "no earlier state (new files)";
            }
            return (wasClean ? "clean stop" : "unclean stop (killed or crashed)")
                    + ", " + gapMs + " ms ago"
                    + (shiftMs != 0 ? ", wall clock stepped back: deadlines moved by " + shiftMs + " ms" : "")
                    + ": restored " + flows + " flow(s), " + sessions + " FTP session(s), " + expectations
                    + " expectation(s); dropped " + (tornFlows + tornSessions) + " torn record(s), "
                    + (droppedFlows + droppedSessions + droppedExpectations) + " inconsistent or expired"
                    + (expectCorruptions > 0
                            ? ", " + expectCorruptions + " expectation-map corruption(s) repaired"
                            : "")
                    + "; restore took " + restoreMs + " ms";
        }
    }

    /**
     * Opens (or creates) the files for these tables. Refuses, with a {@link StateException} saying why, a file of
     * another version, written for other table sizes, or damaged, unless {@code dir.reset()}. Call {@link #restore}
     * once the expectation table is open on {@link StateDir#expectMap()}.
     */
    public EngineState(
            StateDir dir, FlowTable flows, FtpSessions sessions, SeqAdjust seqAdjust, long[] expectationSizes) {
        this.dir = dir;
        this.flows = flows;
        this.sessions = sessions;
        this.seqAdjust = seqAdjust;
        this.sessionRecords = new FtpSessionRecords(sessions);
        int sessionLongs = sessionRecords.longs() + 2 * SeqAdjust.EXPORT_LONGS;
        this.sessionScratch = new long[sessionLongs];
        StateFile ff = null;
        StateFile sf = null;
        try {
            ff = StateFile.open(
                    dir.flows(),
                    "flows",
                    new long[] {flows.capacity()},
                    FlowTable.EXPORT_LONGS,
                    flows.capacity(),
                    dir.reset());
            sf = StateFile.open(
                    dir.sessions(),
                    "sessions",
                    new long[] {sessions.capacity(), sessionRecords.longs(), SeqAdjust.HISTORY},
                    sessionLongs,
                    sessions.capacity(),
                    dir.reset());
            boolean mapExists = java.nio.file.Files.exists(dir.expectMap());
            boolean headerExists = java.nio.file.Files.exists(dir.expectHeader());
            StateFile ef = StateFile.open(dir.expectHeader(), "expect", expectationSizes, 1, 0, dir.reset());
            if (!ef.loaded() && mapExists) {
                // The map's header was rebuilt (or lost): a map of unknown sizes must not be recovered.
                if (headerExists || dir.reset()) {
                    java.nio.file.Files.delete(dir.expectMap());
                } else {
                    ef.close();
                    java.nio.file.Files.delete(dir.expectHeader());
                    throw new StateException("state file " + dir.expectMap()
                            + " has no header (" + dir.expectHeader() + "): refusing to use it (run with"
                            + " --state-reset to start with empty state)");
                }
            }
            this.expectFile = ef;
        } catch (java.io.IOException e) {
            closeQuietly(ff, sf);
            throw new StateException("cannot prepare " + dir.expectMap() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(ff, sf);
            throw e;
        }
        this.flowFile = ff;
        this.sessionFile = sf;
        this.flowStored = new boolean[flows.capacity()];
        this.sessionStored = new boolean[sessions.capacity()];
        for (int f = 0; f < flowStored.length; f++) {
            flowStored[f] = ff.occupied(f);
        }
        for (int s = 0; s < sessionStored.length; s++) {
            sessionStored[s] = sf.occupied(s);
        }
        this.flowBudget = Math.max(1, (flows.capacity() + PASSES - 1) / PASSES);
        this.sessionBudget = Math.max(1, (sessions.capacity() + PASSES - 1) / PASSES);
    }

    private static void closeQuietly(StateFile... files) {
        for (StateFile f : files) {
            if (f != null) {
                f.close();
            }
        }
    }

    /** The expectation map's file, for the {@link ExpectationTable} the engine opens. */
    public java.io.File expectationMapFile() {
        return dir.expectMap().toFile();
    }

    /**
     * Reads the files back into the (fresh, empty) tables, checking every record (see the class comment).
     *
     * @param expectations the table opened on {@link #expectationMapFile()}
     */
    public Report restore(ExpectationTable expectations) {
        long t0 = System.nanoTime();
        Report r = report;
        r.loaded = flowFile.loaded();
        long nowWall = dir.wallClockMs().getAsLong();
        long saved = flowFile.savedWallMs();
        r.wasClean = flowFile.wasClean() && sessionFile.wasClean();
        r.gapMs = saved < 0 ? 0 : nowWall - saved;
        long shift = saved > nowWall ? nowWall - saved : 0;
        r.shiftMs = shift;
        r.expectCorruptions = expectations.recoveredCorruptions();

        for (int f = 0; f < flows.capacity(); f++) {
            int st = flowFile.read(f, flowScratch, 0);
            if (st == StateFile.TORN) {
                r.tornFlows++;
            } else if (st == StateFile.VALID) {
                flows.importRecord(f, flowScratch, 0);
                if (flows.state(f) != 0) {
                    flows.deadline(f, flows.deadline(f) + shift);
                    int word = flows.state(f);
                    if ((word & FlowState.FTP_DETECT) != 0) {
                        flows.state(f, (word & ~FlowState.FTP_DETECT) | FlowState.NOT_FTP);
                    }
                }
            }
        }
        r.droppedFlows += flows.rebuild();

        for (int s = 0; s < sessions.capacity(); s++) {
            int st = sessionFile.read(s, sessionScratch, 0);
            if (st == StateFile.TORN) {
                r.tornSessions++;
                continue;
            }
            if (st != StateFile.VALID || sessionScratch[0] < 0) {
                continue;
            }
            if (!sessionRecords.restore(s, sessionScratch, 0)) {
                r.droppedSessions++;
                continue;
            }
            int lanes = sessionRecords.longs();
            boolean ok = seqAdjust.importLane(s * 2, sessionScratch, lanes)
                    && seqAdjust.importLane(s * 2 + 1, sessionScratch, lanes + SeqAdjust.EXPORT_LONGS);
            int f = sessionRecords.flow(s);
            if (!ok || f < 0 || f >= flows.capacity() || !flows.inUse(f) || flows.session(f) != s) {
                freeSession(s);
                r.droppedSessions++;
                continue;
            }
            sessionRecords.shiftTime(s, shift);
            r.sessions++;
        }
        for (int f = 0; f < flows.capacity(); f++) {
            if (!flows.inUse(f)) {
                continue;
            }
            int s = flows.session(f);
            if (s >= 0 && (s >= sessions.capacity() || sessionRecords.flow(s) != f)) {
                flows.session(f, -1); // its session did not survive: forwarded as a plain connection
                r.droppedSessions++;
            }
            r.flows++;
        }
        sessions.rebuildFreeList();

        long nowEngine = nowWall;
        r.expectations = expectations.restore(shift, e -> {
            int c = e.controlFlow;
            boolean keep = c >= 0
                    && c < flows.capacity()
                    && flows.inUse(c)
                    && flows.generation[c] == e.controlGeneration
                    && flows.session(c) == e.session
                    && e.deadlineMs - nowEngine > 0;
            if (!keep) {
                r.droppedExpectations++;
            }
            return keep;
        });
        // What was restored is what the files now say; the first sync rewrites whatever restore changed.
        syncAll(nowWall, false);
        r.restoreMs = (System.nanoTime() - t0) / 1_000_000;
        return r;
    }

    private void freeSession(int s) {
        long[] none = sessionScratch;
        java.util.Arrays.fill(none, 0);
        none[0] = -1;
        sessionRecords.restore(s, none, 0);
        seqAdjust.reset(s * 2);
        seqAdjust.reset(s * 2 + 1);
    }

    /**
     * Copies the next share of the tables into the files (see the class comment). Called by the engine between
     * packets; allocates nothing.
     */
    public void sync(long nowMs) {
        for (int n = 0; n < flowBudget; n++) {
            syncFlow(flowHand);
            flowHand = flowHand + 1 == flows.capacity() ? 0 : flowHand + 1;
        }
        for (int n = 0; n < sessionBudget; n++) {
            syncSession(sessionHand);
            sessionHand = sessionHand + 1 == sessions.capacity() ? 0 : sessionHand + 1;
        }
        flowFile.stamp(nowMs, false);
        sessionFile.stamp(nowMs, false);
    }

    /** Copies all of the tables into the files (a restore's end, a clean stop, a test's simulated kill). */
    public void syncAll(long nowMs, boolean clean) {
        for (int f = 0; f < flows.capacity(); f++) {
            syncFlow(f);
        }
        for (int s = 0; s < sessions.capacity(); s++) {
            syncSession(s);
        }
        flowFile.stamp(nowMs, clean);
        sessionFile.stamp(nowMs, clean);
    }

    private void syncFlow(int f) {
        if (!flows.inUse(f)) {
            if (flowStored[f]) {
                flowFile.clear(f);
                flowStored[f] = false;
                records++;
            }
            return;
        }
        flows.exportRecord(f, flowScratch, 0);
        flowStored[f] = true;
        if (flowFile.write(f, flowScratch, 0)) {
            records++;
        }
    }

    private void syncSession(int s) {
        if (sessionRecords.flow(s) < 0) {
            if (sessionStored[s]) {
                sessionFile.clear(s);
                sessionStored[s] = false;
                records++;
            }
            return;
        }
        sessionStored[s] = true;
        sessionRecords.export(s, sessionScratch, 0);
        int lanes = sessionRecords.longs();
        seqAdjust.exportLane(s * 2, sessionScratch, lanes);
        seqAdjust.exportLane(s * 2 + 1, sessionScratch, lanes + SeqAdjust.EXPORT_LONGS);
        if (sessionFile.write(s, sessionScratch, 0)) {
            records++;
        }
    }

    /** Records written (or cleared) since the start: what syncing cost in writes. */
    public long recordsWritten() {
        return records;
    }

    /** Test hook: the files as a kill would leave them after one full sync (no clean stamp, no flush). */
    public void abandon(long nowMs) {
        syncAll(nowMs, false);
        closeFiles();
    }

    /** Test hook: the files exactly as the periodic syncs left them (a kill between two syncs). */
    public void crash() {
        closeFiles();
    }

    /** A clean stop: everything written, stamped clean, flushed to the disk. */
    public void close(long nowMs) {
        if (closed) {
            return;
        }
        syncAll(nowMs, true);
        flowFile.force();
        sessionFile.force();
        closeFiles();
    }

    @Override
    public void close() {
        close(dir.wallClockMs().getAsLong());
    }

    private void closeFiles() {
        closed = true;
        flowFile.close();
        sessionFile.close();
        expectFile.close();
    }
}
