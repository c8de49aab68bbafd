package io.ftpalg.engine.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.pipeline.Engine;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.Frames;
import io.ftpalg.engine.testing.FtpDriver;
import io.ftpalg.engine.testing.SimNet;
import io.ftpalg.engine.testing.SimNet.Conn;
import io.ftpalg.engine.testing.SimNet.Host;
import io.ftpalg.engine.testing.Wire;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway restarted in the middle of an FTP transfer, from its state directory: the engine is dropped as a kill
 * would leave its files (after a full sync) and a new engine restored from them takes its place between the same
 * hosts, whose TCP connections carry on. The control connection's PORT / 227 rewrite made its sequence numbers
 * shift (192,0,2,10 becomes 203,0,113,1: one byte longer), so a restored engine that forgot the offset would break
 * the control connection's next exchange (SimNet's endpoints check every sequence and acknowledgement number).
 */
class EngineRestartTest {
    static final String SNAT = """
            mode router
            port inside mac 02:00:00:00:00:01
            port outside mac 02:00:00:00:00:02
            snat from 192.0.2.0/24 to 203.0.113.1
            """;

    static final String DNAT = """
            mode router
            port inside mac 02:00:00:00:00:01
            port outside mac 02:00:00:00:00:02
            dnat to 203.0.113.1 port 21 -> 192.0.2.20
            """;

    @TempDir
    Path tmp;

    private SimNet net;

    private Engine engine(Config cfg) {
        try (StateDir.Root root = StateDir.open(tmp, 1, false)) {
            return new Engine(cfg, EventSink.NONE, Frames.SLOT_CAPACITY, root.worker(0, this::wallMs));
        }
    }

    private long wallMs() {
        return net == null ? 1_700_000_000_000L : net.clock() / 1_000_000L;
    }

    /** Kills the gateway (its files as a kill leaves them), waits {@code gapMs}, starts a new one on the files. */
    private Engine restart(Config cfg, long gapMs) {
        net.engine.abandonForTest(wallMs());
        net.advanceMillis(gapMs);
        Engine e = engine(cfg);
        net.replaceEngine(e);
        return e;
    }

    @Test
    void activeThroughSnatSurvivesAKillMidTransferAndTheControlConnectionGoesOn() throws Exception {
        Config cfg = ConfigParser.parse(SNAT, "snat");
        net = new SimNet(engine(cfg));
        Host client = net.host("client", "192.0.2.10", PacketSlot.PORT_INSIDE);
        Host server = net.host("server", "198.51.100.20", PacketSlot.PORT_OUTSIDE);
        FtpDriver f = new FtpDriver(net, client, server);
        f.login(40000, "198.51.100.20", 21);
        String port = f.command("PORT " + Wire.portArgs("192.0.2.10", 50000) + "\r\n");
        assertTrue(port.startsWith("PORT 203,0,113,1,"), port);
        Wire.Endpoint ep = Wire.six(port);
        f.reply("200 PORT command successful.\r\n");
        f.command("RETR big.bin\r\n");
        client.listen(50000);
        Conn d = server.connect(20, ep.ip(), ep.port());
        Conn dc = client.lastAccepted(50000);
        f.reply("150 Opening BINARY mode data connection.\r\n");
        byte[] file = FtpDriver.data(40_000, 7);
        d.send(Arrays.copyOfRange(file, 0, 20_000));

        Engine e2 = restart(cfg, 3000);
        EngineState.Report r = e2.state().report;
        assertTrue(r.loaded);
        assertFalse(r.wasClean);
        assertEquals(2, r.flows, r.toString()); // control and data
        assertEquals(1, r.sessions, r.toString());
        assertEquals(0, r.tornFlows + r.tornSessions + r.droppedFlows + r.droppedSessions, r.toString());
        assertEquals(2, e2.flows().size());

        dc.sendSack(); // the restarted router learns the client's MAC (its neighbour cache is not kept)
        d.send(Arrays.copyOfRange(file, 20_000, file.length));
        d.close();
        dc.close();
        assertEquals("226 Transfer complete.\r\n", f.reply("226 Transfer complete.\r\n"));
        assertArrayEquals(file, dc.receivedBytes());

        // The same control connection: a new PORT is rewritten and its data connection admitted by the new engine.
        byte[] file2 = FtpDriver.data(5000, 8);
        assertArrayEquals(file2, f.activeRetr(false, 50001, file2));
        f.quit();
        assertEquals(List.of(), net.errors);
        assertEquals(1, e2.counters().get(Counter.EXPECT_USED));
        assertEquals(0, e2.counters().get(Counter.DROP_TCP_NO_FLOW));
        net.close();
    }

    @Test
    void passiveThroughDnatSurvivesAKillWithAnExpectationPending() throws Exception {
        Config cfg = ConfigParser.parse(DNAT, "dnat");
        net = new SimNet(engine(cfg));
        Host client = net.host("client", "198.51.100.20", PacketSlot.PORT_OUTSIDE);
        Host server = net.host("server", "192.0.2.20", PacketSlot.PORT_INSIDE);
        FtpDriver f = new FtpDriver(net, client, server);
        f.login(40000, "203.0.113.1", 21);
        // A 227 is rewritten (192,0,2,20 -> 203,0,113,1: one byte shorter), then the gateway is killed before the
        // client connects: the expectation must come back from the persisted Chronicle Map.
        f.command("PASV\r\n");
        String got = f.reply("227 Entering Passive Mode (" + Wire.portArgs("192.0.2.20", 50010) + ").\r\n");
        Wire.Endpoint ep = Wire.six(got);
        assertEquals("203.0.113.1", ep.ip());

        Engine e2 = restart(cfg, 2000);
        assertEquals(1, e2.state().report.expectations, e2.state().report.toString());
        assertEquals(1, e2.expectations().size());

        server.listen(50010);
        f.c.sendSack(); // router learning after the restart, both sides
        f.s.sendSack();
        Conn dcl = client.connect(45000, ep.ip(), ep.port());
        assertEquals(1, server.accepted(50010).size(), "data connection admitted by the restored expectation");
        Conn ds = server.lastAccepted(50010);
        f.command("STOR up.bin\r\n");
        f.reply("150 Ok to send data.\r\n");
        byte[] file = FtpDriver.data(30_000, 9);
        dcl.send(Arrays.copyOfRange(file, 0, 15_000));

        Engine e3 = restart(cfg, 2000); // and again in the middle of the data
        assertEquals(2, e3.state().report.flows, e3.state().report.toString());
        dcl.sendSack();
        ds.sendSack();
        dcl.send(Arrays.copyOfRange(file, 15_000, file.length));
        dcl.close();
        ds.close();
        assertEquals("226 Transfer complete.\r\n", f.reply("226 Transfer complete.\r\n"));
        assertArrayEquals(file, ds.receivedBytes());
        byte[] file2 = FtpDriver.data(3000, 10);
        assertArrayEquals(file2, f.passiveStor(false, 50011, null, file2));
        f.quit();
        assertEquals(List.of(), net.errors);
        net.close();
    }

    @Test
    void aCleanStopAndStartKeepsEverything() throws Exception {
        Config cfg = ConfigParser.parse(SNAT, "snat");
        net = new SimNet(engine(cfg));
        Host client = net.host("client", "192.0.2.10", PacketSlot.PORT_INSIDE);
        Host server = net.host("server", "198.51.100.20", PacketSlot.PORT_OUTSIDE);
        FtpDriver f = new FtpDriver(net, client, server);
        f.login(40000, "198.51.100.20", 21);
        byte[] a = FtpDriver.data(3000, 1);
        assertArrayEquals(a, f.activeRetr(false, 50000, a)); // one rewrite before the stop
        net.engine.close();
        net.advanceMillis(1000);
        Engine e2 = engine(cfg);
        net.replaceEngine(e2);
        assertTrue(e2.state().report.wasClean);
        f.c.sendSack();
        f.s.sendSack();
        byte[] b = FtpDriver.data(3000, 2);
        assertArrayEquals(b, f.activeRetr(false, 50001, b));
        f.quit();
        assertEquals(List.of(), net.errors);
        net.close();
    }

    @Test
    void timeDownCountsTowardsTimeouts() throws Exception {
        Config cfg = ConfigParser.parse(SNAT + "timeout tcp-established 60s\n", "snat");
        net = new SimNet(engine(cfg));
        Host client = net.host("client", "192.0.2.10", PacketSlot.PORT_INSIDE);
        Host server = net.host("server", "198.51.100.20", PacketSlot.PORT_OUTSIDE);
        new FtpDriver(net, client, server).login(40000, "198.51.100.20", 21);
        // Down for 10 s: the control connection (60 s idle timeout) lives on.
        Engine e2 = restart(cfg, 10_000);
        assertEquals(1, e2.state().report.flows);
        assertEquals(10_000, e2.state().report.gapMs, 50);
        // Down for two minutes: its timeout ran out while the gateway was down; the first sweep expires it.
        Engine e3 = restart(cfg, 120_000);
        assertEquals(1, e3.state().report.flows);
        net.tick();
        assertEquals(0, e3.flows().size());
        assertEquals(1, e3.counters().get(Counter.FLOW_EXPIRED));
        net.close();
    }

    @Test
    void aWallClockSteppedBackMovesDeadlinesBackToo() throws Exception {
        Config cfg = ConfigParser.parse(SNAT + "timeout tcp-established 60s\n", "snat");
        net = new SimNet(engine(cfg));
        Host client = net.host("client", "192.0.2.10", PacketSlot.PORT_INSIDE);
        Host server = net.host("server", "198.51.100.20", PacketSlot.PORT_OUTSIDE);
        new FtpDriver(net, client, server).login(40000, "198.51.100.20", 21);
        long before = net.engine.flows().deadline(0) - wallMs(); // about 60 s left
        net.engine.abandonForTest(wallMs());
        net.advanceMillis(-3_600_000); // the clock is stepped back an hour
        Engine e2 = engine(cfg);
        net.replaceEngine(e2);
        EngineState.Report r = e2.state().report;
        assertEquals(-3_600_000, r.shiftMs, 5);
        long after = e2.flows().deadline(0) - wallMs();
        assertEquals(before, after, 5, "the time left is kept, not stretched by the step back");
        net.close();
    }

    @Test
    void otherTableSizesAreRefusedUnlessReset() throws Exception {
        Config cfg = ConfigParser.parse(SNAT, "snat");
        net = new SimNet(engine(cfg));
        Host client = net.host("client", "192.0.2.10", PacketSlot.PORT_INSIDE);
        Host server = net.host("server", "198.51.100.20", PacketSlot.PORT_OUTSIDE);
        new FtpDriver(net, client, server).login(40000, "198.51.100.20", 21);
        net.engine.close();
        Config bigger = ConfigParser.parse(SNAT + "flows max 1000\n", "snat");
        StateException e = assertThrows(StateException.class, () -> engine(bigger));
        assertTrue(e.getMessage().contains("flows.state"), e.getMessage());
        assertTrue(e.getMessage().contains("other table sizes"), e.getMessage());
        try (StateDir.Root root = StateDir.open(tmp, 1, true)) {
            Engine fresh = new Engine(bigger, EventSink.NONE, Frames.SLOT_CAPACITY, root.worker(0, this::wallMs));
            assertFalse(fresh.state().report.loaded);
            assertEquals(0, fresh.flows().size());
            fresh.close();
        }
    }

    @Test
    void aTornControlFlowTakesItsSessionAndExpectationsWithIt() throws Exception {
        Config cfg = ConfigParser.parse(SNAT, "snat");
        net = new SimNet(engine(cfg));
        Host client = net.host("client", "192.0.2.10", PacketSlot.PORT_INSIDE);
        Host server = net.host("server", "198.51.100.20", PacketSlot.PORT_OUTSIDE);
        FtpDriver f = new FtpDriver(net, client, server);
        f.login(40000, "198.51.100.20", 21);
        f.command("PORT " + Wire.portArgs("192.0.2.10", 50000) + "\r\n");
        int control = 0;
        assertTrue(net.engine.flows().inUse(control));
        net.engine.abandonForTest(wallMs());
        try (StateFile ff = StateFile.open(
                tmp.resolve("worker-0/flows.state"),
                "flows",
                new long[] {cfg.limits().maxFlows()},
                io.ftpalg.engine.flow.FlowTable.EXPORT_LONGS,
                cfg.limits().maxFlows(),
                false)) {
            ff.tearForTest(control, 3, 12345); // a tuple word half-written when the process died
        }
        Engine e2 = engine(cfg);
        EngineState.Report r = e2.state().report;
        assertEquals(1, r.tornFlows, r.toString());
        assertEquals(0, r.flows, r.toString());
        assertEquals(0, r.sessions, r.toString());
        assertEquals(1, r.droppedSessions, r.toString());
        assertEquals(1, r.droppedExpectations, r.toString());
        assertEquals(0, e2.expectations().size());
        e2.close();
    }

    @Test
    void thePeriodicSyncWritesEveryRecordWithinTenSweeps() throws Exception {
        Config cfg = ConfigParser.parse(SNAT, "snat");
        net = new SimNet(engine(cfg));
        Host client = net.host("client", "192.0.2.10", PacketSlot.PORT_INSIDE);
        Host server = net.host("server", "198.51.100.20", PacketSlot.PORT_OUTSIDE);
        FtpDriver f = new FtpDriver(net, client, server);
        f.login(40000, "198.51.100.20", 21);
        f.command("PORT " + Wire.portArgs("192.0.2.10", 50000) + "\r\n");
        // Killed at once: the connection was made since the last sync that covered its record (the loss window).
        net.engine.crashForTest();
        Engine e2 = engine(cfg);
        assertEquals(0, e2.state().report.flows, e2.state().report.toString());
        assertEquals(0, e2.state().report.expectations, "its expectation goes with it");
        net.replaceEngine(e2);
        f = new FtpDriver(net, client, server);
        f.login(40001, "198.51.100.20", 21);
        f.command("PORT " + Wire.portArgs("192.0.2.10", 50001) + "\r\n");
        for (int i = 0; i < EngineState.PASSES; i++) {
            net.advanceMillis(100);
            net.tick();
        }
        net.engine.crashForTest();
        Engine e3 = engine(cfg);
        EngineState.Report r = e3.state().report;
        assertEquals(1, r.flows, r.toString());
        assertEquals(1, r.sessions, r.toString());
        assertEquals(1, r.expectations, r.toString());
        e3.close();
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void aDamagedExpectationMapIsNeverHalfUsed() throws Exception {
        Config cfg = ConfigParser.parse(SNAT, "snat");
        engine(cfg).close();
        Path map = tmp.resolve("worker-0/expect.cmap");
        java.nio.file.Files.write(map, "garbage, not a Chronicle Map".getBytes());
        // Chronicle's recoverPersistedTo either refuses the file (seen: "shorter than the header size") or rebuilds
        // it from the builder's own configuration (seen too, reported as repaired corruptions): either way nothing
        // of the damaged file is used.
        try {
            Engine e = engine(cfg);
            assertEquals(0, e.expectations().size());
            assertTrue(e.state().report.expectCorruptions > 0, e.state().report.toString());
            e.close();
        } catch (StateException refused) {
            assertTrue(refused.getMessage().contains("expect.cmap"), refused.getMessage());
            assertTrue(refused.getMessage().contains("--state-reset"), refused.getMessage());
        }
        java.nio.file.Files.write(map, "garbage, not a Chronicle Map".getBytes());
        try (StateDir.Root root = StateDir.open(tmp, 1, true)) {
            Engine fresh = new Engine(cfg, EventSink.NONE, Frames.SLOT_CAPACITY, root.worker(0, this::wallMs));
            assertEquals(0, fresh.expectations().size());
            fresh.close();
        }
    }
}
