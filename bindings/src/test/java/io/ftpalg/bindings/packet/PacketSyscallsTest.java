package io.ftpalg.bindings.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Needs neither root nor namespaces: constants, validation, messages, and the no-CAP_NET_RAW path. */
class PacketSyscallsTest {
    @Test
    void libcIsBound() {
        assertTrue(LibC.isAvailable());
        assertTrue(LibC.getpagesize() >= 4096);
        assertEquals("Operation not permitted (EPERM)", PacketSyscalls.describeErrno(PacketSyscalls.EPERM));
    }

    @Test
    void htonsSwapsBytes() {
        assertEquals(0x0300, PacketSyscalls.htons(PacketSyscalls.ETH_P_ALL));
        assertEquals(0xB588, PacketSyscalls.htons(0x88B5));
    }

    @Test
    void unknownInterfaceIsAClearError() {
        PacketIoException e = assertThrows(PacketIoException.class, () -> PacketSyscalls.ifIndex("fab-nope0"));
        assertEquals(PacketSyscalls.ENODEV, e.errno());
        assertTrue(
                e.getMessage().startsWith("no interface 'fab-nope0' in this thread's network namespace"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PacketSyscalls.ifIndex("a-name-far-too-long"));
        assertThrows(IllegalArgumentException.class, () -> PacketSyscalls.ifIndex("../x"));
    }

    @Test
    void rxConfigIsValidated() {
        PacketRxRing.Config ok = PacketRxRing.Config.defaults();
        ok.validate(4096);
        assertThrows(
                IllegalArgumentException.class, () -> ok.withBlocks(3000, 4).validate(4096));
        assertThrows(
                IllegalArgumentException.class,
                () -> ok.withBlocks(1 << 20, 4096).validate(4096));
        assertThrows(
                IllegalArgumentException.class, () -> ok.withRetireTimeoutMs(0).validate(4096));
        assertThrows(
                IllegalArgumentException.class, () -> ok.withProtocol(0x10000).validate(4096));
        // V2: the retire timeout does not apply; a slot must hold its header and an Ethernet header.
        PacketRxRing.Config v2 = PacketRxRing.Config.defaults(PacketRxRing.Version.V2);
        v2.validate(4096);
        v2.withRetireTimeoutMs(0).validate(4096);
        assertEquals(8192, v2.v2Slots());
        assertEquals(4096, v2.withFrameSize(4096).v2Slots());
        assertThrows(IllegalArgumentException.class, () -> v2.withFrameSize(64).validate(4096));
        v2.withHoldoffMicros(50).validate(4096);
        assertThrows(
                IllegalArgumentException.class, () -> v2.withHoldoffMicros(-1).validate(4096));
        assertThrows(
                IllegalArgumentException.class,
                () -> v2.withHoldoffMicros(10_001).validate(4096));
        assertThrows(
                IllegalArgumentException.class, () -> v2.withFrameSize(2000 + 8).validate(4096));
        assertEquals(PacketRxRing.Version.V2, PacketRxRing.Version.parse("v2"));
        assertEquals(PacketRxRing.Version.V3, PacketRxRing.Version.parse("V3"));
        assertThrows(IllegalArgumentException.class, () -> PacketRxRing.Version.parse("v1"));
    }

    @Test
    void offloadsSayWhatIsOnAndHowToFixIt() {
        Offloads on = new Offloads("eth7", true, true, false, false, true, true, true);
        assertFalse(on.safeForRawSockets());
        assertEquals(
                List.of("generic-segmentation-offload", "tcp-segmentation-offload", "tx-checksumming"),
                on.harmfulEnabled());
        assertEquals("ethtool -K eth7 gro off gso off tso off tx off", on.fixCommand());
        assertTrue(on.refusalMessage().contains("turn them off with: ethtool -K eth7 gro off gso off tso off tx off"));
        PacketIoException e = assertThrows(PacketIoException.class, on::requireOff);
        assertEquals(on.refusalMessage(), e.getMessage());

        Offloads off = new Offloads("eth7", false, false, false, false, false, true, false);
        assertTrue(off.safeForRawSockets());
        assertNull(off.refusalMessage());
        assertEquals(
                "ethtool -K eth7 gro off gso off tso off tx off lro off",
                new Offloads("eth7", false, false, false, true, false, false, false).fixCommand());
    }

    @Test
    void netnsNamesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> NetNs.path("../etc"));
        assertThrows(IllegalArgumentException.class, () -> NetNs.path(""));
        assertFalse(NetNs.exists("fab-surely-not-there"));
        PacketIoException e = assertThrows(PacketIoException.class, () -> NetNs.enter("fab-surely-not-there"));
        assertEquals(PacketSyscalls.ENOENT, e.errno());
    }

    /**
     * Without CAP_NET_RAW, socket(AF_PACKET) fails with EPERM and the message says what to do. As root the
     * capability is dropped from one thread's effective set (capabilities are per thread); as a normal user
     * it is simply absent.
     */
    @Test
    void missingCapNetRawIsAnOperatorMessage() throws Exception {
        AtomicReference<Throwable> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            boolean dropped = false;
            try {
                if (Caps.hasEffective(Caps.CAP_NET_RAW)) {
                    assertTrue(Caps.setEffective(Caps.CAP_NET_RAW, false), "capset");
                    dropped = true;
                }
                int fd = PacketSyscalls.openPacketSocket(0);
                PacketSyscalls.closeQuietly(fd);
                result.set(new AssertionError("socket(AF_PACKET) succeeded without CAP_NET_RAW"));
            } catch (Throwable e) {
                result.set(e);
            } finally {
                if (dropped) {
                    Caps.setEffective(Caps.CAP_NET_RAW, true);
                }
            }
        });
        t.start();
        t.join();
        PacketIoException e = assertInstanceOf(result.get());
        assertTrue(e.isPermissionDenied());
        assertEquals(PacketSyscalls.EPERM, e.errno());
        assertTrue(
                e.getMessage()
                        .startsWith("cannot open an AF_PACKET raw socket: Operation not permitted (EPERM):"
                                + " the process lacks CAP_NET_RAW"),
                e.getMessage());
    }

    private static PacketIoException assertInstanceOf(Throwable t) {
        if (t instanceof PacketIoException p) {
            return p;
        }
        throw new AssertionError("expected PacketIoException", t);
    }
}
