package io.ftpalg.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.bindings.pcap.NativePcapFileReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real pcap library (libpcap, through the JNA binding) accepts what our writers produce. Not tagged:
 * the project installs libpcap wherever it builds, so a missing libpcap fails this test.
 */
class LibpcapReadsOurOutputTest {
    private static final long T0 = 1_700_000_000_987_654_321L;

    @TempDir
    Path dir;

    @Test
    void pcapngWithTwoInterfacesAndComments() throws IOException {
        Path f = dir.resolve("out.pcapng");
        // libpcap (1.10) requires one link type and one snaplen for all interfaces of a pcapng file.
        try (PcapngWriter w = new PcapngWriter(f, "ftp-alg")) {
            w.addInterface("inside", LinkType.ETHERNET, 0);
            w.addInterface("outside", LinkType.ETHERNET, 0);
            for (int i = 0; i < 50; i++) {
                int len = 14 + i * 29;
                w.write(i % 2, T0 + i * 1001L, Bytes.payload(len, i), 0, len, i % 3 == 0 ? "rewritten " + i : null);
            }
        }
        byte[] dst = new byte[2048];
        try (NativePcapFileReader r = NativePcapFileReader.open(f)) {
            assertEquals(LinkType.ETHERNET, r.linkType());
            for (int i = 0; i < 50; i++) {
                assertTrue(r.next(dst), "packet " + i);
                int len = 14 + i * 29;
                assertEquals(len, r.capturedLength());
                assertEquals(len, r.originalLength());
                assertEquals(T0 + i * 1001L, r.timestampNanos());
                assertArrayEquals(Bytes.payload(len, i), Arrays.copyOf(dst, len));
            }
            assertFalse(r.next(dst));
        }
    }

    @Test
    void classicNanosecondPcap() throws IOException {
        Path f = dir.resolve("out.pcap");
        try (PcapWriter w = new PcapWriter(f, LinkType.RAW, 0)) {
            w.write(T0, Bytes.payload(40, 1), 0, 40);
            w.write(T0 + 1, Bytes.payload(20, 2), 0, 20, 1500);
        }
        byte[] dst = new byte[2048];
        try (NativePcapFileReader r = NativePcapFileReader.open(f)) {
            // libpcap maps LINKTYPE_RAW (101) to DLT_RAW (12 on Linux).
            assertTrue(r.linkType() == 12 || r.linkType() == LinkType.RAW, "link type " + r.linkType());
            assertTrue(r.next(dst));
            assertEquals(T0, r.timestampNanos());
            assertArrayEquals(Bytes.payload(40, 1), Arrays.copyOf(dst, 40));
            assertTrue(r.next(dst));
            assertEquals(20, r.capturedLength());
            assertEquals(1500, r.originalLength());
            assertEquals(T0 + 1, r.timestampNanos());
            assertFalse(r.next(dst));
        }
    }
}
