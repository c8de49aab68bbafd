package io.ftpalg.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.config.IpAddress;
import io.ftpalg.engine.flow.FlowState;
import io.ftpalg.engine.flow.FlowTable;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.FtpDriver;
import io.ftpalg.engine.testing.MemoryPort;
import io.ftpalg.engine.testing.SimNet;
import io.ftpalg.engine.testing.Wire;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The operator's commands, run on an engine directly (no threads) and through a running Dataplane. */
class WorkerCommandTest {
    private static SimNet net() throws Exception {
        return new SimNet(ConfigParser.parse(EngineScenarioTest.SNAT, "test"));
    }

    /** Logs client i in (192.0.2.(10+i):40000+i to 198.51.100.20:21) and sends a PORT: one expectation. */
    private static FtpDriver session(SimNet net, int i) {
        FtpDriver f = new FtpDriver(
                net,
                net.host("c" + i, "192.0.2." + (10 + i), PacketSlot.PORT_INSIDE),
                net.host("s" + i, "198.51.100." + (20 + i), PacketSlot.PORT_OUTSIDE));
        f.login(40000 + i, "198.51.100." + (20 + i), 21);
        f.command("PORT " + Wire.portArgs("192.0.2." + (10 + i), 50000 + i) + "\r\n");
        return f;
    }

    /** The first chunk that holds a flow (a chunk scans at most 4 * its size records). */
    private static FlowSnapshot first(Engine engine) {
        FlowSnapshot snap = new FlowSnapshot(16);
        snap.from(0);
        do {
            snap.runOn(engine);
            snap.from(snap.next());
        } while (snap.count() == 0 && !snap.finished());
        return snap;
    }

    @Test
    void snapshotShowsBothTuplesStateAndExpectation() throws Exception {
        try (SimNet net = net()) {
            session(net, 0);
            FlowSnapshot snap = first(net.engine);
            assertTrue(snap.isDone());
            assertEquals(1, snap.count());
            long[] r = snap.records();
            int word = (int) r[1];
            assertEquals(FlowState.TCP_ESTABLISHED, FlowState.tcp(word));
            assertTrue((word & FlowState.FTP_CONTROL) != 0);
            assertEquals(PacketSlot.PORT_INSIDE, (int) (r[1] >>> 32));
            assertTrue(r[2] > 0, "time left");
            // ORIGINAL 192.0.2.10:40000 -> 198.51.100.20:21; REPLY 198.51.100.20:21 -> 203.0.113.1:40000
            assertEquals(IpAddress.parse("192.0.2.10").lo(), r[3 + 1]);
            assertEquals(40000, FlowTable.metaSrcPort(r[3 + 4]));
            assertEquals(21, FlowTable.metaDstPort(r[3 + 4]));
            assertEquals(IpAddress.parse("203.0.113.1").lo(), r[8 + 3]);
            assertEquals(40000, FlowTable.metaDstPort(r[8 + 4]));
            assertTrue(r[13] > 0 && r[13] < (1L << 53));
            assertEquals(0, r[15], "a control connection has no parent");

            ExpectationSnapshot ex = new ExpectationSnapshot(16);
            ex.runOn(net.engine);
            assertEquals(1, ex.count());
            assertTrue(ex.finished());
            long[] e = ex.records();
            assertEquals(4, (int) e[0] & 0xFF);
            assertEquals(50000, (int) (e[0] >>> 16) & 0xFFFF);
            assertEquals(IpAddress.parse("198.51.100.20").lo(), e[2]);
            assertEquals(IpAddress.parse("203.0.113.1").lo(), e[4]);
            assertEquals(IpAddress.parse("192.0.2.10").lo(), e[6]);
            assertEquals(r[13], e[11], "the expectation names its control connection's flow_id");
            assertEquals(r[3 + 1], e[13]);
        }
    }

    @Test
    void chunksCoverEveryFlowOnce() throws Exception {
        try (SimNet net = net()) {
            for (int i = 0; i < 5; i++) {
                session(net, i);
            }
            FlowSnapshot snap = new FlowSnapshot(2);
            Set<Long> ids = new HashSet<>();
            int chunks = 0;
            snap.from(0);
            do {
                snap.runOn(net.engine);
                assertTrue(snap.count() <= 2);
                for (int k = 0; k < snap.count(); k++) {
                    assertTrue(ids.add(snap.records()[k * FlowSnapshot.LONGS + 13]), "listed twice");
                }
                snap.from(snap.next());
                chunks++;
            } while (!snap.finished() && chunks < 10_000);
            assertEquals(5, ids.size());
            assertTrue(chunks >= 3);

            ExpectationSnapshot ex = new ExpectationSnapshot(1);
            int seen = 0;
            ex.from(0);
            do {
                ex.runOn(net.engine);
                seen += ex.count();
                ex.from(ex.next());
            } while (!ex.finished());
            assertEquals(5, seen);
        }
    }

    @Test
    void deleteRemovesFlowAndItsExpectationsButNotAReusedRecord() throws Exception {
        try (SimNet net = net()) {
            session(net, 0);
            FlowSnapshot snap = first(net.engine);
            long ref = snap.records()[0];
            FlowDelete stale = new FlowDelete(4);
            stale.add((ref & 0xFFFF_FFFFL) | ((ref >>> 32) + 1) << 32);
            stale.runOn(net.engine);
            assertEquals(0, stale.deleted(), "another generation of the record is another connection");
            assertEquals(1, net.engine.flows().size());

            FlowDelete del = new FlowDelete(4);
            del.add(ref);
            del.runOn(net.engine);
            assertEquals(1, del.deleted());
            assertEquals(0, net.engine.flows().size());
            assertEquals(0, net.engine.expectations().size());
            assertEquals(1, net.engine.counters().get(Counter.FLOW_DELETED));
            assertEquals(1, net.engine.counters().get(Counter.EXPECT_REMOVED_WITH_CONTROL));
        }
    }

    @Test
    void flushRemovesExpectationsOnly() throws Exception {
        try (SimNet net = net()) {
            session(net, 0);
            session(net, 1);
            ExpectationFlush flush = new ExpectationFlush();
            flush.runOn(net.engine);
            assertEquals(2, flush.removed());
            assertEquals(0, net.engine.expectations().size());
            assertEquals(2, net.engine.flows().size());
            assertEquals(2, net.engine.counters().get(Counter.EXPECT_FLUSHED));
            TableCounts c = new TableCounts();
            c.runOn(net.engine);
            assertEquals(2, c.flows());
            assertEquals(0, c.expectations());
            assertEquals(2, c.sessions());
        }
    }

    @Test
    void exceptionStaysInTheCommand() throws Exception {
        try (SimNet net = net()) {
            WorkerCommand bad = new WorkerCommand() {
                @Override
                protected void execute(Engine engine) {
                    throw new IllegalStateException("boom");
                }
            };
            bad.runOn(net.engine);
            assertTrue(bad.isDone());
            assertEquals("boom", bad.failure().getMessage());
        }
    }

    @Test
    void queueIsBoundedAndCountsRefusals() throws Exception {
        WorkerCommands q = new WorkerCommands();
        for (int i = 0; i < WorkerCommands.CAPACITY; i++) {
            assertTrue(q.submit(new TableCounts()));
        }
        assertFalse(q.submit(new TableCounts()));
        assertEquals(1, q.refused());
        try (SimNet net = net()) {
            assertEquals(WorkerCommands.PER_SAFE_POINT, q.runPending(net.engine));
            assertEquals(WorkerCommands.CAPACITY - WorkerCommands.PER_SAFE_POINT, q.waiting());
        }
    }

    /** An idle running pipeline still answers: submit wakes the worker with a tick. */
    @Test
    void idleDataplaneRunsCommandsOnEveryWorker() throws Exception {
        var config = ConfigParser.parse(DataplaneTest.CONFIG, "test");
        MemoryPort inside = new MemoryPort("inside");
        MemoryPort outside = new MemoryPort("outside");
        try (Dataplane dp =
                new Dataplane(config, EventSink.NONE, inside, outside, 3, 1024, "blocking", () -> System.nanoTime())) {
            dp.start();
            for (int w = 0; w < dp.workers(); w++) {
                TableCounts c = new TableCounts();
                assertTrue(dp.submit(w, c));
                assertTrue(c.await(5_000), "worker " + w + " answered");
                assertEquals(0, c.flows());
                assertNotEquals(0, c.flowCapacity());
            }
        }
    }
}
