package io.ftpalg.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.FtpDriver;
import io.ftpalg.engine.testing.MemoryPort;
import io.ftpalg.engine.testing.SimNet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The threaded pipeline must emit exactly what one engine emits for the same input: the same frames, on the same
 * ports, in the same order (the transmit stage follows ring order whatever worker processed a frame), however
 * many workers share the flows.
 */
class DataplaneTest {
    static final String CONFIG = EngineScenarioTest.SNAT + "dnat to 203.0.113.1 port 21 -> 192.0.2.20\n";

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void sameOutputAsOneEngine(int workers) throws Exception {
        var config = ConfigParser.parse(CONFIG, "test");
        List<SimNet.Frame> inputs;
        List<SimNet.Frame> outputs;
        try (SimNet net = new SimNet(config)) {
            // Several outside peers, so that more than one worker owns flows; active and passive; v4 and v6.
            for (int i = 0; i < 3; i++) {
                FtpDriver f = new FtpDriver(
                        net,
                        net.host("c" + i, "192.0.2." + (10 + i), PacketSlot.PORT_INSIDE),
                        net.host("s" + i, "198.51.100." + (20 + i), PacketSlot.PORT_OUTSIDE));
                f.login(40000 + i, "198.51.100." + (20 + i), 21);
                byte[] file = FtpDriver.data(3000, i);
                f.expectSame("RETR", file, f.activeRetr(false, 50000 + i, file));
                f.expectSame("STOR", file, f.passiveStor(false, 30000 + i, null, file));
                f.quit();
            }
            FtpDriver v6 = new FtpDriver(
                    net,
                    net.host("c6", "2001:db8:1::10", PacketSlot.PORT_INSIDE),
                    net.host("s6", "2001:db8:2::20", PacketSlot.PORT_OUTSIDE));
            v6.login(41000, "2001:db8:2::20", 21);
            byte[] file = FtpDriver.data(2000, 9);
            v6.expectSame("RETR", file, v6.activeRetr(true, 50100, file));
            v6.quit();
            assertEquals(List.of(), net.errors);
            inputs = net.inputs;
            outputs = net.outputs;
        }

        MemoryPort inside = new MemoryPort("inside");
        MemoryPort outside = new MemoryPort("outside");
        long[] clock = {inputs.get(0).timeNanos()};
        try (Dataplane dp = new Dataplane(
                config,
                EventSink.NONE,
                inside,
                outside,
                workers,
                1024,
                workers == 1 ? "sleeping" : "adaptive",
                () -> clock[0])) {
            dp.start();
            // Feed in order, one frame at a time, as the wire would (both receive threads share one ring, so the
            // order across ports is the injection order only if each frame is taken before the next is offered).
            for (SimNet.Frame f : inputs) {
                clock[0] = f.timeNanos();
                (f.port() == PacketSlot.PORT_INSIDE ? inside : outside).inject(f.bytes());
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!(inside.drained() && outside.drained()) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (inside.sent().size() + outside.sent().size() < outputs.size() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(0, dp.ringFullDrops());
            assertEquals(outputs.size(), dp.transmitted());
            assertTrue(dp.counters().get(Counter.EXPECT_USED) >= 7);
        }
        List<byte[]> in = inside.sent();
        List<byte[]> out = outside.sent();
        int i = 0, o = 0;
        for (SimNet.Frame f : outputs) {
            byte[] got = f.port() == PacketSlot.PORT_INSIDE ? in.get(i++) : out.get(o++);
            assertArrayEquals(f.bytes(), got, "output frame " + (i + o));
        }
        assertEquals(in.size(), i);
        assertEquals(out.size(), o);
    }

    /**
     * Idle cost: no clock ticks at all while the engines hold nothing that can expire (every thread sleeps in the
     * kernel or on the wait strategy's lock), ticks at the sweep interval once a flow exists.
     */
    @org.junit.jupiter.api.Test
    void ticksOnlyWhileSomethingCanExpire() throws Exception {
        var config = ConfigParser.parse(CONFIG, "test");
        MemoryPort inside = new MemoryPort("inside");
        MemoryPort outside = new MemoryPort("outside");
        java.util.concurrent.atomic.AtomicLong clock =
                new java.util.concurrent.atomic.AtomicLong(1_700_000_000_000_000_000L);
        try (Dataplane dp = new Dataplane(config, EventSink.NONE, inside, outside, 1, 1024, "adaptive", clock::get)) {
            dp.start();
            for (int i = 0; i < 30; i++) { // 3 s of clock, no traffic
                clock.addAndGet(100_000_000L);
                Thread.sleep(10);
            }
            assertEquals(0, dp.ticksPublished(), "no ticks with nothing to expire");
            inside.inject(io.ftpalg.engine.testing.PacketBuilder.ethernet("02:00:00:00:01:10", "02:00:00:00:00:01")
                    .ipv4("192.0.2.10", "198.51.100.20")
                    .tcp(40000, 80, 1, 0, io.ftpalg.engine.codec.TcpHeader.SYN)
                    .build());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (dp.counters().get(Counter.FLOW_CREATED) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, dp.counters().get(Counter.FLOW_CREATED));
            for (int i = 0; i < 30 && dp.ticksPublished() < 5; i++) {
                clock.addAndGet(200_000_000L);
                Thread.sleep(50);
            }
            assertTrue(dp.ticksPublished() >= 5, "ticks once a flow can expire: " + dp.ticksPublished());
        }
    }
}
