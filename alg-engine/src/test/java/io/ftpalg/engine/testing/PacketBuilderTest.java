package io.ftpalg.engine.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.ftpalg.engine.codec.TcpHeader;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The fixture itself: byte-exact against a hand-written frame, and reusable. */
class PacketBuilderTest {
    @Test
    void buildsAByteExactTcpSyn() {
        byte[] f = PacketBuilder.ethernet("02:00:00:00:00:01", "02:00:00:00:00:02")
                .ipv4("192.0.2.1", "198.51.100.2")
                .ttl(64)
                .ipId(1)
                .df()
                .tcp(40000, 21, 1, 0, TcpHeader.SYN)
                .window(1024)
                .build();
        byte[] want = Frames.hex("020000000002 020000000001 0800"
                + " 4500 0028 0001 4000 4006 0000"
                + " c0000201 c6336402"
                + " 9c40 0015 00000001 00000000 5002 0400 0000 0000");
        // Checksums (zeroed here) are verified by ChecksumTest; compare everything else.
        assertEquals(want.length, f.length);
        for (int i = 0; i < f.length; i++) {
            if (i != 24 && i != 25 && i != 50 && i != 51) {
                assertEquals(want[i], f[i], "byte " + i);
            }
        }
    }

    @Test
    void copyIsIndependentAndBuildIsRepeatable() {
        PacketBuilder base = Frames.tcp4(1, 21, 1, 0, TcpHeader.ACK).payload("USER a\r\n");
        byte[] first = base.build();
        PacketBuilder other = base.copy().payload("USER bb\r\n").vlan(5).mss(1000);
        assertArrayEquals(first, base.build());
        assertFalse(Arrays.equals(first, other.build()));
    }

    @Test
    void ipv4LiteralInAnIpv6BuilderIsMapped() {
        byte[] a = PacketBuilder.addr("192.0.2.1", 16);
        assertEquals((byte) 0xFF, a[10]);
        assertEquals((byte) 192, a[12]);
    }
}
