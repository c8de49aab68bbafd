package io.ftpalg.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.bindings.packet.PacketRxRing;
import io.ftpalg.bindings.packet.PacketRxRing.Version;
import org.junit.jupiter.api.Test;

/** The receive ring the live port asks for (the ring itself is tested in bindings, on veths). */
class AfPacketPortTest {
    @Test
    void v2SlotsHoldAnMtuFrameWithTwoVlanTags() {
        for (int mtu : new int[] {576, 1500, 1900, 1960, 1961, 9000, 65535}) {
            PacketRxRing.Config c = AfPacketPort.rxConfig(mtu, Version.V2, 1, 50);
            c.validate(4096);
            assertEquals(Version.V2, c.version());
            assertTrue(c.promiscuous() && c.ignoreOutgoing());
            assertTrue(c.frameSize() - PacketRxRing.V2_MAC_OFFSET >= mtu + 14 + 8, "mtu " + mtu + ": " + c);
            assertEquals(16L << 20, (long) c.blockSize() * c.blockCount(), "16 MiB of ring: " + c);
        }
        assertEquals(2048, AfPacketPort.rxConfig(1500, Version.V2, 1, 50).frameSize());
        assertEquals(8192, AfPacketPort.rxConfig(1500, Version.V2, 1, 50).v2Slots());
        assertEquals(16384, AfPacketPort.rxConfig(9000, Version.V2, 1, 50).frameSize());
        assertEquals(50, AfPacketPort.rxConfig(1500, Version.V2, 1, 50).holdoffMicros());
    }

    @Test
    void v3TakesTheRetireTimeout() {
        PacketRxRing.Config c = AfPacketPort.rxConfig(1500, Version.V3, 1, 0);
        c.validate(4096);
        assertEquals(Version.V3, c.version());
        assertEquals(1, c.retireTimeoutMs());
        assertEquals(1 << 20, c.blockSize());
        assertTrue(c.promiscuous() && c.ignoreOutgoing());
    }
}
