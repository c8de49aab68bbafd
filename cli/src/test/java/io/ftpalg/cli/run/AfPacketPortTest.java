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
            PacketRxRing.Config c = AfPacketPort.rxConfig(mtu, Version.V2, 1, 50, false);
            c.validate(4096);
            assertEquals(Version.V2, c.version());
            assertTrue(c.promiscuous() && c.ignoreOutgoing());
            assertTrue(c.frameSize() - PacketRxRing.V2_MAC_OFFSET >= mtu + 14 + 8, "mtu " + mtu + ": " + c);
            assertEquals(16L << 20, (long) c.blockSize() * c.blockCount(), "16 MiB of ring: " + c);
        }
        assertEquals(2048, AfPacketPort.rxConfig(1500, Version.V2, 1, 50, false).frameSize());
        assertEquals(8192, AfPacketPort.rxConfig(1500, Version.V2, 1, 50, false).v2Slots());
        assertEquals(
                16384, AfPacketPort.rxConfig(9000, Version.V2, 1, 50, false).frameSize());
        assertEquals(50, AfPacketPort.rxConfig(1500, Version.V2, 1, 50, false).holdoffMicros());
    }

    @Test
    void vnetSlotsHoldASuperFrame() {
        for (Version v : Version.values()) {
            PacketRxRing.Config c = AfPacketPort.rxConfig(1500, v, 1, 50, true);
            c.validate(4096);
            assertTrue(c.vnetHeader());
            if (v == Version.V2) {
                // 64 KiB of IP + Ethernet + two tags behind the slot header and the virtio_net_hdr
                assertTrue(c.frameSize() - PacketRxRing.V2_MAC_OFFSET_VNET >= 65535 + 14 + 8, c.toString());
                assertEquals(AfPacketPort.VNET_RX_SLOTS, c.v2Slots());
            } else {
                assertTrue(c.blockSize() > 65535 + 14 + 8 + 128, c.toString());
            }
        }
    }

    @Test
    void headerLengthCoversTheTcpHeader() {
        byte[] f = new byte[200];
        f[34 + 12] = (byte) 0x80; // data offset 8 words: 32 bytes of TCP header
        long w = io.ftpalg.engine.codec.VirtioNetHeader.word(1, 1, 1448, 34, 16);
        assertEquals(34 + 32, AfPacketPort.headerLength(f, 0, 200, w));
        long udp = io.ftpalg.engine.codec.VirtioNetHeader.word(1, 0, 0, 34, 6);
        assertEquals(34 + 8, AfPacketPort.headerLength(f, 0, 200, udp));
    }

    @Test
    void v3TakesTheRetireTimeout() {
        PacketRxRing.Config c = AfPacketPort.rxConfig(1500, Version.V3, 1, 0, false);
        c.validate(4096);
        assertEquals(Version.V3, c.version());
        assertEquals(1, c.retireTimeoutMs());
        assertEquals(1 << 20, c.blockSize());
        assertTrue(c.promiscuous() && c.ignoreOutgoing());
    }
}
