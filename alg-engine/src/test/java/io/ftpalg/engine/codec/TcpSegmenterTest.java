package io.ftpalg.engine.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.testing.Frames;
import io.ftpalg.engine.testing.PacketBuilder;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Software GSO: a super-frame cut into segments a receiver accepts, byte for byte the same stream. */
class TcpSegmenterTest {
    static byte[] payload(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 7 + i / 251);
        }
        return p;
    }

    static PacketSlot superFrame(int family, boolean vlan, int payload, int flags) {
        PacketBuilder b = PacketBuilder.ethernet();
        if (vlan) {
            b = b.vlan(42);
        }
        b = family == 4
                ? b.ipv4("192.0.2.10", "198.51.100.20").ipId(0xfffe).df()
                : b.ipv6("2001:db8:1::10", "2001:db8:2::20");
        byte[] f = b.tcp(40000, 21, 0xfffff000L, 777, flags)
                .timestamps(1, 2)
                .payload(payload(payload))
                .build();
        PacketSlot s = new PacketSlot(f.length + 512);
        System.arraycopy(f, 0, s.data, 0, f.length);
        s.length = f.length;
        assertNull(new Decoder().decode(s));
        s.gsoType = family == 4 ? VirtioNetHeader.GSO_TCPV4 : VirtioNetHeader.GSO_TCPV6;
        return s;
    }

    @ParameterizedTest
    @CsvSource({
        "4, false, 10000, 1448",
        "6, false, 10000, 1428",
        "4, true, 65000, 1448",
        "6, true, 2896, 1448", // exactly two
        "4, false, 1449, 1448", // one byte in the last
        "4, false, 100, 1448" // fits one: a single segment, unchanged but for the checksum
    })
    void segmentsCarryTheSameStreamWithValidHeaders(int family, boolean vlan, int payload, int mss) {
        int flags = TcpHeader.ACK | TcpHeader.PSH | TcpHeader.FIN | TcpHeader.CWR;
        PacketSlot s = superFrame(family, vlan, payload, flags);
        int n = TcpSegmenter.count(payload, mss);
        assertEquals((payload + mss - 1) / mss, n);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        byte[] out = new byte[70000];
        long seq = 0xfffff000L;
        for (int k = 0; k < n; k++) {
            int len = TcpSegmenter.segment(s, mss, k, out);
            assertTrue(len > 0);
            PacketSlot seg = Frames.slot(java.util.Arrays.copyOf(out, len));
            assertNull(new Decoder().decode(seg), "segment " + k + " decodes (lengths consistent)");
            assertTrue(Checksum.verifyL4(seg), "segment " + k + " TCP checksum");
            if (family == 4) {
                assertTrue(Checksum.verifyIpv4Header(seg.data, seg.l3Offset, 20), "IPv4 header checksum");
                assertEquals((0xfffe + k) & 0xffff, Bytes.u16(seg.data, seg.l3Offset + Ipv4Header.ID_OFFSET));
            }
            assertEquals(seq, seg.seq, "segment " + k + " starts where the previous ended (mod 2^32)");
            assertEquals(777, seg.ack);
            assertEquals(s.tcpHeaderLength, seg.tcpHeaderLength, "options copied");
            int expectFlags =
                    TcpHeader.ACK | (k == n - 1 ? TcpHeader.PSH | TcpHeader.FIN : 0) | (k == 0 ? TcpHeader.CWR : 0);
            assertEquals(expectFlags, seg.tcpFlags & 0xff, "segment " + k + " flags");
            assertTrue(seg.payloadLength <= mss && seg.payloadLength > 0);
            if (vlan) {
                assertEquals(1, seg.vlanCount);
                assertEquals(42, seg.vlanId);
            }
            stream.write(seg.data, seg.payloadOffset, seg.payloadLength);
            seq = (seq + seg.payloadLength) & 0xffffffffL;
        }
        assertArrayEquals(payload(payload), stream.toByteArray());
        assertEquals(-1, TcpSegmenter.segment(s, mss, n, out), "no segment past the last");
    }
}
