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

    /** A ring-backed port: frames handed over in a direct buffer (its "RX ring"), with a stripped VLAN tag. */
    static final class RingPort implements PacketPort {
        final java.nio.ByteBuffer ring = java.nio.ByteBuffer.allocateDirect(1 << 16);
        final java.util.concurrent.ConcurrentLinkedQueue<int[]> pending =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        final List<byte[]> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        int next = 100; // frames at an offset, as in a ring slot

        /** Puts {@code frame} into the ring (minus its tag if {@code vlanTag} != 0: the kernel strips it). */
        synchronized void inject(byte[] frame, int vlanTag) {
            int off = next;
            if (vlanTag != 0) {
                ring.put(off, frame, 0, 12);
                ring.put(off + 12, frame, 16, frame.length - 16);
                pending.add(new int[] {off, frame.length - 4, vlanTag});
            } else {
                ring.put(off, frame);
                pending.add(new int[] {off, frame.length, 0});
            }
            next += frame.length + 64;
        }

        @Override
        public String name() {
            return "ring";
        }

        @Override
        public int receive(Sink sink, int max, long timeoutMs) {
            int[] f = pending.poll();
            if (f == null) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                return 0;
            }
            sink.frame(ring, f[0], f[1], f[2], 0L);
            return 1;
        }

        @Override
        public boolean send(byte[] frame, int off, int len) {
            sent.add(java.util.Arrays.copyOfRange(frame, off, off + len));
            return true;
        }

        @Override
        public void flush() {}

        @Override
        public long drops() {
            return 0;
        }

        @Override
        public void close() {}
    }

    /** One copy per received frame: from the port's ring straight into the pipeline's slot, VLAN tag put back. */
    @org.junit.jupiter.api.Test
    void ringFramesAreCopiedOnceWithTheirVlanTagPutBack() throws Exception {
        var config = ConfigParser.parse("mode bridge\nport inside\nport outside\n", "test");
        RingPort inside = new RingPort();
        RingPort outside = new RingPort();
        byte[] tagged = io.ftpalg.engine.testing.PacketBuilder.ethernet("02:00:00:00:01:10", "02:00:00:00:01:20")
                .vlan(0x8100, 0x2007)
                .etherType(0x88B5, "ring frame".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .padTo(64)
                .build();
        byte[] plain = io.ftpalg.engine.testing.PacketBuilder.ethernet("02:00:00:00:01:10", "02:00:00:00:01:20")
                .etherType(0x88B5, "untagged".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .padTo(60)
                .build();
        long[] clock = {1_700_000_000_000_000_000L};
        try (Dataplane dp =
                new Dataplane(config, EventSink.NONE, inside, outside, 1, 1024, "adaptive", () -> clock[0])) {
            dp.start();
            inside.inject(tagged, 0x8100 << 16 | 0x2007);
            inside.inject(plain, 0);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (outside.sent.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        assertEquals(2, outside.sent.size());
        assertArrayEquals(tagged, outside.sent.get(0), "the tag is back where it was, the frame otherwise unchanged");
        assertArrayEquals(plain, outside.sent.get(1));
    }
}
