package io.ftpalg.bindings.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * AF_PACKET through a real veth pair between two fresh namespaces (see {@link VethNamespaces}): sockets are
 * opened on this thread inside a namespace via {@link NetNs#enter}, then used from outside it. Needs root. The
 * receive-ring tests run for both layouts, TPACKET_V2 and TPACKET_V3.
 */
@Tag("root")
class PacketIoNamespaceTest {
    /** IEEE 802 "local experimental" EtherType 1: nothing else on the link uses it. */
    static final int ETHERTYPE = 0x88B5;

    VethNamespaces net;
    InterfaceInfo a;
    InterfaceInfo b;

    @BeforeEach
    void setUp() throws Exception {
        net = VethNamespaces.create();
        a = net.inA(() -> InterfaceInfo.of(VethNamespaces.IF_A));
        b = net.inB(() -> InterfaceInfo.of(VethNamespaces.IF_B));
    }

    @AfterEach
    void tearDown() {
        if (net != null) {
            net.close();
        }
    }

    /** A test frame: b's MAC, a's MAC, ETHERTYPE, 4-byte sequence number, then a pattern. */
    byte[] frame(int seq, int len) {
        byte[] f = new byte[len];
        System.arraycopy(b.mac(), 0, f, 0, 6);
        System.arraycopy(a.mac(), 0, f, 6, 6);
        f[12] = (byte) (ETHERTYPE >> 8);
        f[13] = (byte) ETHERTYPE;
        f[14] = (byte) (seq >> 24);
        f[15] = (byte) (seq >> 16);
        f[16] = (byte) (seq >> 8);
        f[17] = (byte) seq;
        for (int i = 18; i < len; i++) {
            f[i] = (byte) (seq * 31 + i);
        }
        return f;
    }

    static int sizeOf(int seq) {
        return 60 + (seq * 37) % (1514 - 60 + 1); // 60..1514
    }

    /** Keeps copies of the ETHERTYPE frames handed over by a ring. */
    static final class Collector implements FrameHandler {
        final List<byte[]> got = new ArrayList<>();

        @Override
        public void onFrame(ByteBuffer ring, int off, int len, int wire, long ts, int status) {
            if (((ring.get(off + 12) & 0xff) << 8 | (ring.get(off + 13) & 0xff)) == ETHERTYPE) {
                byte[] copy = new byte[len];
                ring.get(off, copy, 0, len);
                got.add(copy);
            }
        }

        /** Drains {@code rx} until {@code want} frames in all arrived or 5 s passed. */
        List<byte[]> drain(PacketRxRing rx, int want) throws PacketIoException {
            return drain(rx, want, 5000);
        }

        List<byte[]> drain(PacketRxRing rx, int want, long timeoutMs) throws PacketIoException {
            long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
            while (got.size() < want && System.nanoTime() < deadline) {
                if (rx.poll(50) > 0) {
                    rx.receive(this, 256);
                }
            }
            return got;
        }
    }

    static List<byte[]> collect(PacketRxRing rx, int want) throws PacketIoException {
        return new Collector().drain(rx, want);
    }

    /** The receive rings under test: both layouts, and V2 with the wake-up hold-off `run` uses. */
    enum Ring {
        V2(PacketRxRing.Config.defaults(PacketRxRing.Version.V2)),
        V2_HOLDOFF(PacketRxRing.Config.defaults(PacketRxRing.Version.V2).withHoldoffMicros(50)),
        V3(PacketRxRing.Config.defaults(PacketRxRing.Version.V3));

        final PacketRxRing.Config config;

        Ring(PacketRxRing.Config config) {
            this.config = config;
        }

        PacketRxRing.Config config() {
            return config;
        }

        PacketRxRing.Version version() {
            return config.version();
        }
    }

    @ParameterizedTest
    @CsvSource({"TX_RING, V2", "TX_RING, V2_HOLDOFF", "TX_RING, V3", "SENDTO, V2", "SENDTO, V2_HOLDOFF", "SENDTO, V3"})
    void framesArriveByteIdenticalAndInOrder(PacketTx.Mode mode, Ring ring) throws Exception {
        int count = 5000;
        try (PacketRxRing rx = net.inB(() -> PacketRxRing.open(VethNamespaces.IF_B, ring.config()));
                PacketTx tx = net.inA(() -> PacketTx.open(
                        VethNamespaces.IF_A,
                        PacketTx.Config.defaults().withMode(mode).withFallbackToSendto(false)))) {
            assertEquals(mode, tx.mode());
            assertNull(tx.fallbackReason());
            Collector c = new Collector();
            for (int seq = 0; seq < count; seq++) {
                byte[] f = frame(seq, sizeOf(seq));
                assertTrue(tx.offer(f, 0, f.length), "offer " + seq);
                if (seq % 64 == 63) {
                    tx.flush();
                    rx.receive(c, Integer.MAX_VALUE); // the consumer keeps up, as the dataplane will
                }
            }
            tx.flush();
            assertTrue(tx.awaitCompletion(1000));
            assertEquals(count, tx.framesSent());
            assertEquals(0, tx.pending());
            assertEquals(0, tx.sendErrors());

            List<byte[]> got = c.drain(rx, count);
            rx.refreshStatistics();
            assertEquals(
                    count,
                    got.size(),
                    "kernel packets " + rx.kernelPackets() + " drops " + rx.kernelDrops() + "\n"
                            + net.exec(net.nsB, "ip", "-s", "-s", "link", "show", VethNamespaces.IF_B)
                            + net.exec(net.nsA, "ip", "-s", "-s", "link", "show", VethNamespaces.IF_A));
            for (int seq = 0; seq < count; seq++) {
                assertArrayEquals(frame(seq, sizeOf(seq)), got.get(seq), "frame " + seq);
            }
            assertEquals(0, rx.kernelDrops());
            assertTrue(rx.kernelPackets() >= count);
            assertTrue(rx.blocksReleased() > 0);
            assertEquals(0, rx.framesTruncated());
            assertEquals(ring.version(), rx.version());
            if (ring.version() == PacketRxRing.Version.V2) {
                assertEquals(8192, rx.slotCount());
                assertEquals(rx.framesReceived(), rx.blocksReleased(), "V2: every slot read was returned");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Ring.class)
    void cursorApiAndProtocolFilter(Ring ring) throws Exception {
        try (PacketRxRing rx = net.inB(() ->
                        PacketRxRing.open(VethNamespaces.IF_B, ring.config().withProtocol(ETHERTYPE)));
                PacketTx tx = net.inA(() -> PacketTx.open(VethNamespaces.IF_A))) {
            byte[] other = frame(99, 100);
            other[12] = (byte) 0x88;
            other[13] = (byte) 0xB6; // local experimental 2: filtered out by the socket
            tx.offer(other, 0, other.length);
            for (int seq = 0; seq < 100; seq++) {
                byte[] f = frame(seq, sizeOf(seq));
                tx.offer(f, 0, f.length);
            }
            tx.flush();
            byte[] dst = new byte[2048];
            int seen = 0;
            long deadline = System.nanoTime() + 5_000_000_000L;
            long before = System.currentTimeMillis() * 1_000_000L - 5_000_000_000L;
            while (seen < 100 && System.nanoTime() < deadline) {
                rx.poll(50);
                while (rx.next()) {
                    int len = rx.copyFrame(dst, 0);
                    assertEquals(sizeOf(seen), len);
                    assertEquals(len, rx.frameWireLength());
                    assertTrue(rx.frameTimestampNanos() > before, "timestamp");
                    assertArrayEquals(frame(seen, len), java.util.Arrays.copyOf(dst, len));
                    seen++;
                }
                rx.releaseIfDone();
            }
            assertEquals(100, seen);
            assertEquals(100, rx.framesReceived());
        }
    }

    @ParameterizedTest
    @EnumSource(Ring.class)
    void ownTransmissionsAreNotSeenButTheirsAre(Ring ring) throws Exception {
        try (PacketRxRing ignoring = net.inA(() -> PacketRxRing.open(VethNamespaces.IF_A, ring.config()));
                PacketRxRing control = net.inA(() ->
                        PacketRxRing.open(VethNamespaces.IF_A, ring.config().withIgnoreOutgoing(false)));
                PacketTx txA = net.inA(() -> PacketTx.open(VethNamespaces.IF_A));
                PacketTx txB = net.inB(() -> PacketTx.open(VethNamespaces.IF_B))) {
            for (int seq = 0; seq < 100; seq++) {
                byte[] f = frame(seq, 200);
                txA.offer(f, 0, f.length);
            }
            txA.flush();
            assertEquals(100, collect(control, 100).size(), "control ring (outgoing not ignored) sees them");
            for (int seq = 1000; seq < 1010; seq++) {
                byte[] f = frame(seq, 300);
                txB.offer(f, 0, f.length);
            }
            txB.flush();
            List<byte[]> got = collect(ignoring, 10);
            assertEquals(10, got.size(), "frames from the peer are seen");
            for (int i = 0; i < 10; i++) {
                assertArrayEquals(frame(1000 + i, 300), got.get(i));
            }
            assertEquals(0, new Collector().drain(ignoring, 1, 300).size(), "nothing of our own, even later");
        }
    }

    @ParameterizedTest
    @CsvSource({"TX_RING, V2", "TX_RING, V2_HOLDOFF", "TX_RING, V3", "SENDTO, V2", "SENDTO, V2_HOLDOFF", "SENDTO, V3"})
    void oversizedAndRuntFramesAreRefusedNotTruncated(PacketTx.Mode mode, Ring ring) throws Exception {
        try (PacketRxRing rx = net.inB(() -> PacketRxRing.open(VethNamespaces.IF_B, ring.config()));
                PacketTx tx = net.inA(() -> PacketTx.open(
                        VethNamespaces.IF_A, PacketTx.Config.defaults().withMode(mode)))) {
            assertEquals(1500, tx.mtu());
            assertEquals(1514, tx.maxFrameLength(ETHERTYPE));
            assertEquals(1518, tx.maxFrameLength(0x8100));
            byte[] big = frame(1, 1515);
            assertFalse(tx.offer(big, 0, big.length));
            assertFalse(tx.offer(ByteBuffer.wrap(big), 0, big.length));
            assertEquals(2, tx.oversizedRefused());
            assertFalse(tx.offer(big, 0, 13));
            assertEquals(1, tx.runtsRefused());

            byte[] max = frame(2, 1514);
            assertTrue(tx.offer(max, 0, max.length));
            // 802.1Q-tagged: 4 more bytes allowed
            byte[] tagged = new byte[1518];
            System.arraycopy(max, 0, tagged, 0, 12);
            tagged[12] = (byte) 0x81;
            tagged[13] = 0x00;
            tagged[14] = 0x00;
            tagged[15] = 0x07; // VID 7
            System.arraycopy(frame(3, 1514), 12, tagged, 16, 1514 - 12);
            assertTrue(tx.offer(tagged, 0, tagged.length));
            byte[] taggedTooBig = java.util.Arrays.copyOf(tagged, 1519);
            assertFalse(tx.offer(taggedTooBig, 0, taggedTooBig.length));
            assertEquals(3, tx.oversizedRefused());
            assertEquals(2, tx.flush());
            assertEquals(0, tx.sendErrors());

            // Both arrive whole. The receive path strips the 802.1Q tag into tp_vlan_tci.
            List<Integer> vlan = new ArrayList<>();
            List<byte[]> got = new ArrayList<>();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (got.size() < 2 && System.nanoTime() < deadline) {
                rx.poll(50);
                while (rx.next()) {
                    byte[] c = new byte[rx.frameLength()];
                    rx.copyFrame(c, 0);
                    if ((c[12] & 0xff) == 0x88 && (c[13] & 0xff) == 0xB5) {
                        got.add(c);
                        vlan.add(
                                (rx.frameStatus() & PacketSyscalls.TP_STATUS_VLAN_VALID) != 0 ? rx.frameVlanTci() : -1);
                    }
                }
            }
            assertEquals(2, got.size());
            assertArrayEquals(max, got.get(0));
            assertEquals(-1, vlan.get(0));
            assertArrayEquals(frame(3, 1514), got.get(1), "tagged frame, tag removed by the receive path");
            assertEquals(7, vlan.get(1));
            assertEquals(0, rx.framesTruncated());
        }
    }

    /** A frame longer than a V2 slot holds arrives cut to the slot, with its wire length, and is counted. */
    @Test
    void framesLongerThanAV2SlotAreCountedAsTruncated() throws Exception {
        int slot = 1024; // holds 1024 - 66 = 958 bytes of frame
        try (PacketRxRing rx = net.inB(() -> PacketRxRing.open(
                        VethNamespaces.IF_B,
                        Ring.V2.config().withFrameSize(slot).withProtocol(ETHERTYPE)));
                PacketTx tx = net.inA(() -> PacketTx.open(VethNamespaces.IF_A))) {
            assertEquals((1 << 20) / slot * 16, rx.slotCount());
            int fits = slot - PacketRxRing.V2_MAC_OFFSET;
            int[] sizes = {fits, fits + 1, 1514, 100};
            for (int i = 0; i < sizes.length; i++) {
                byte[] f = frame(i, sizes[i]);
                assertTrue(tx.offer(f, 0, f.length));
            }
            tx.flush();
            List<int[]> lens = new ArrayList<>();
            List<byte[]> got = new ArrayList<>();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (got.size() < sizes.length && System.nanoTime() < deadline) {
                rx.poll(50);
                while (rx.next()) {
                    byte[] c = new byte[rx.frameLength()];
                    rx.copyFrame(c, 0);
                    got.add(c);
                    lens.add(new int[] {rx.frameLength(), rx.frameWireLength()});
                }
                rx.releaseIfDone();
            }
            assertEquals(sizes.length, got.size());
            for (int i = 0; i < sizes.length; i++) {
                int captured = Math.min(sizes[i], fits);
                assertEquals(captured, lens.get(i)[0], "captured " + i);
                assertEquals(sizes[i], lens.get(i)[1], "wire length " + i);
                assertArrayEquals(java.util.Arrays.copyOf(frame(i, sizes[i]), captured), got.get(i), "bytes " + i);
            }
            assertEquals(2, rx.framesTruncated());
        }
    }

    /**
     * V2 hands each frame over as it is written; V3 only when the block fills or its retire timeout passes
     * (here 300 ms, so that the difference stands out on a loaded machine).
     */
    @ParameterizedTest
    @EnumSource(Ring.class)
    void aLoneFrameIsHandedOverAtOnceByV2AndAfterTheRetireTimeoutByV3(Ring ring) throws Exception {
        try (PacketRxRing rx = net.inB(() -> PacketRxRing.open(
                        VethNamespaces.IF_B,
                        ring.config().withRetireTimeoutMs(300).withProtocol(ETHERTYPE)));
                PacketTx tx = net.inA(() -> PacketTx.open(VethNamespaces.IF_A))) {
            long[] waits = new long[5];
            for (int i = 0; i < waits.length; i++) {
                assertEquals(0, new Collector().drain(rx, 1, 50).size(), "ring idle before frame " + i);
                byte[] f = frame(i, 100);
                long t0 = System.nanoTime();
                assertTrue(tx.offer(f, 0, f.length));
                tx.flush();
                List<byte[]> got = new Collector().drain(rx, 1, 3000);
                waits[i] = (System.nanoTime() - t0) / 1_000_000L;
                assertEquals(1, got.size(), "frame " + i);
                assertArrayEquals(f, got.get(0));
            }
            java.util.Arrays.sort(waits);
            long median = waits[waits.length / 2];
            System.out.println(ring + " lone-frame hand-over, ms (sorted): " + java.util.Arrays.toString(waits));
            if (ring.version() == PacketRxRing.Version.V2) {
                assertTrue(median < 100, "V2 median wait " + median + " ms");
            } else {
                assertTrue(median >= 100, "V3 median wait " + median + " ms (retire timeout 300 ms)");
            }
        }
    }

    /**
     * close() unmaps the ring (no mapping of the socket left in /proc/self/maps), closes the socket, and a
     * bounded poll on an idle ring returns after its timeout: the dataplane's receive threads stop promptly.
     */
    @ParameterizedTest
    @EnumSource(Ring.class)
    void pollIsBoundedAndCloseReleasesTheMapping(Ring ring) throws Exception {
        PacketRxRing rx = net.inB(() -> PacketRxRing.open(VethNamespaces.IF_B, ring.config()));
        String socket;
        try {
            socket = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + rx.fd()))
                    .toString();
            assertTrue(socket.startsWith("socket:["), socket);
            assertTrue(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/maps"))
                    .contains(socket));
            long t0 = System.nanoTime();
            assertEquals(0, rx.poll(100));
            long ms = (System.nanoTime() - t0) / 1_000_000L;
            assertTrue(ms >= 90 && ms < 5000, "poll(100) took " + ms + " ms");
        } finally {
            rx.close();
        }
        assertEquals(-1, rx.fd());
        assertFalse(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/maps"))
                .contains(socket));
        assertFalse(rx.next());
        org.junit.jupiter.api.Assertions.assertThrows(PacketIoException.class, () -> rx.poll(0));
        rx.close(); // idempotent
    }

    @ParameterizedTest
    @EnumSource(Ring.class)
    void fullRingCountsKernelDrops(Ring ring) throws Exception {
        // V3: 2 blocks of 4 KiB (a few 1000-byte frames each); V2: 2 x 2 slots of 2048 bytes.
        try (PacketRxRing rx = net.inB(() ->
                        PacketRxRing.open(VethNamespaces.IF_B, ring.config().withBlocks(4096, 2)));
                PacketTx tx = net.inA(() -> PacketTx.open(VethNamespaces.IF_A))) {
            for (int seq = 0; seq < 500; seq++) {
                byte[] f = frame(seq, 1000);
                tx.offer(f, 0, f.length);
            }
            tx.flush();
            Thread.sleep(50);
            rx.refreshStatistics();
            assertTrue(rx.kernelDrops() > 400, "drops " + rx.kernelDrops());
            if (ring.version() == PacketRxRing.Version.V3) {
                assertTrue(rx.kernelFreezeQueueCount() > 0, "freeze " + rx.kernelFreezeQueueCount());
            } else {
                assertEquals(0, rx.kernelFreezeQueueCount(), "V2 has no freeze counter");
                assertTrue(rx.kernelPackets() >= 500, "packets " + rx.kernelPackets());
            }
            List<byte[]> got = collect(rx, 500);
            assertTrue(got.size() > 0 && got.size() < 100, "received " + got.size());
            // The ring is usable again once drained.
            for (int seq = 0; seq < 2; seq++) {
                byte[] f = frame(seq, 100);
                tx.offer(f, 0, f.length);
            }
            tx.flush();
            assertEquals(2, collect(rx, 2).size());
        }
    }

    @ParameterizedTest
    @EnumSource(Ring.class)
    void promiscuousMembershipIsDroppedOnClose(Ring ring) throws Exception {
        assertTrue(net.exec(net.nsB, "ip", "-d", "link", "show", VethNamespaces.IF_B)
                .contains("promiscuity 0"));
        PacketRxRing rx = net.inB(
                () -> PacketRxRing.open(VethNamespaces.IF_B, ring.config().withPromiscuous(true)));
        try {
            assertTrue(net.exec(net.nsB, "ip", "-d", "link", "show", VethNamespaces.IF_B)
                    .contains("promiscuity 1"));
        } finally {
            rx.close();
        }
        assertTrue(net.exec(net.nsB, "ip", "-d", "link", "show", VethNamespaces.IF_B)
                .contains("promiscuity 0"));
        rx.close(); // idempotent
        assertFalse(rx.next());
    }

    @Test
    void interfaceInfoMatchesIp() throws Exception {
        String show = net.exec(net.nsA, "ip", "-o", "link", "show", VethNamespaces.IF_A);
        assertTrue(show.startsWith(a.index() + ": " + VethNamespaces.IF_A + "@"), show);
        assertTrue(show.contains("link/ether " + a.macString() + " "), show);
        assertTrue(show.contains("mtu 1500 "), show);
        assertEquals(1500, a.mtu());
        assertTrue(a.isUp());
        // RUNNING (carrier) follows the peer's link-up asynchronously: read the flags again until it shows, bounded.
        InterfaceInfo now = a;
        for (int i = 0; i < 100 && !now.isRunning(); i++) {
            Thread.sleep(20);
            now = net.inA(() -> InterfaceInfo.of(VethNamespaces.IF_A));
        }
        assertTrue(now.isRunning(), "IFF_RUNNING within 2 s of link up");
        assertTrue(a.isEthernet());
        assertEquals(1514, a.maxFrameLength());
        net.inA(() -> {
            InterfaceInfo.setUp(VethNamespaces.IF_A, false);
            assertFalse(InterfaceInfo.of(VethNamespaces.IF_A).isUp());
            InterfaceInfo.setUp(VethNamespaces.IF_A, true);
            assertTrue(InterfaceInfo.of(VethNamespaces.IF_A).isUp());
            return null;
        });
        // The root namespace has no such interface: the thread really came back.
        assertFalse(NetNs.exists(VethNamespaces.IF_A));
        assertEquals(
                PacketSyscalls.ENODEV,
                org.junit.jupiter.api.Assertions.assertThrows(
                                PacketIoException.class, () -> PacketSyscalls.ifIndex(VethNamespaces.IF_A))
                        .errno());
    }

    @Test
    void offloadsOnByDefaultAndOffAfterEthtool() throws Exception {
        Offloads before = net.inA(() -> Offloads.check(VethNamespaces.IF_A));
        assertTrue(before.tso(), before.toString());
        assertTrue(before.gso(), before.toString());
        assertTrue(before.txChecksum(), before.toString());
        assertFalse(before.safeForRawSockets());
        assertNotNull(before.refusalMessage());
        assertTrue(before.refusalMessage().contains("ethtool -K fab0a gro off gso off tso off tx off"));
        System.out.println("veth default offloads: " + before);

        net.exec(net.nsA, "ethtool", "-K", VethNamespaces.IF_A, "gro", "off", "gso", "off", "tso", "off", "tx", "off");
        Offloads after = net.inA(() -> Offloads.check(VethNamespaces.IF_A));
        assertTrue(after.safeForRawSockets(), after.toString());
        assertNull(after.refusalMessage());
        after.requireOff();
        // Checked in B, fab0b still has them on: offloads are per device.
        assertFalse(net.inB(() -> Offloads.check(VethNamespaces.IF_B)).safeForRawSockets());
    }

    @Test
    void openingWithoutCapNetRawInsideANamespaceIsAnOperatorMessage() throws Exception {
        AtomicReference<Throwable> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                NetNs.Scope scope = NetNs.enter(net.nsA);
                try {
                    assertTrue(Caps.setEffective(Caps.CAP_NET_RAW, false));
                    PacketRxRing.open(VethNamespaces.IF_A).close();
                    result.set(new AssertionError("opened without CAP_NET_RAW"));
                } finally {
                    Caps.setEffective(Caps.CAP_NET_RAW, true);
                    scope.close();
                }
            } catch (Throwable e) {
                result.set(e);
            }
        });
        t.start();
        t.join();
        assertTrue(result.get() instanceof PacketIoException, String.valueOf(result.get()));
        PacketIoException e = (PacketIoException) result.get();
        assertTrue(e.isPermissionDenied());
        assertTrue(e.getMessage().contains("the process lacks CAP_NET_RAW"), e.getMessage());
    }
}
