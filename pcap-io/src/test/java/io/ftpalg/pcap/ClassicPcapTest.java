package io.ftpalg.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClassicPcapTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "BIG_ENDIAN, micros",
        "LITTLE_ENDIAN, micros",
        "BIG_ENDIAN, nanos",
        "LITTLE_ENDIAN, nanos",
    })
    void readsHandMadeFilesInEitherByteOrderAndPrecision(String orderName, String precision) throws IOException {
        ByteOrder order = orderName.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        boolean nanos = precision.equals("nanos");
        Bytes b = new Bytes(order)
                .u32(nanos ? 0xA1B23C4D : 0xA1B2C3D4)
                .u16(2)
                .u16(4)
                .u32(0)
                .u32(0)
                .u32(65535)
                .u32(LinkType.LINUX_SLL);
        b.u32(1_700_000_000).u32(999_999).u32(60).u32(60).raw(Bytes.payload(60, 1));
        b.u32(1_700_000_001).u32(7).u32(54).u32(1514).raw(Bytes.payload(54, 2));
        b.u32(0).u32(0).u32(0).u32(0); // empty packet
        Path f = dir.resolve("hand.pcap");
        Files.write(f, b.toByteArray());

        long unit = nanos ? 1 : 1000;
        PcapRecord r = new PcapRecord(1600);
        try (CaptureReader reader = CaptureReader.open(f)) {
            assertFalse(reader.isPcapng());
            assertEquals(1, reader.interfaceCount());
            assertNull(reader.interfaceName(0));
            assertEquals(LinkType.LINUX_SLL, reader.linkType(0));

            assertTrue(reader.next(r));
            assertEquals(1_700_000_000_000_000_000L + 999_999 * unit, r.timestampNanos);
            assertEquals(60, r.capturedLength);
            assertEquals(60, r.originalLength);
            assertEquals(LinkType.LINUX_SLL, r.linkType);
            assertEquals(0, r.interfaceId);
            assertNull(r.comment);
            assertArrayEquals(Bytes.payload(60, 1), Arrays.copyOf(r.data, 60));

            assertTrue(reader.next(r));
            assertEquals(1_700_000_001_000_000_000L + 7 * unit, r.timestampNanos);
            assertEquals(54, r.capturedLength);
            assertEquals(1514, r.originalLength);
            assertArrayEquals(Bytes.payload(54, 2), Arrays.copyOf(r.data, 54));

            assertTrue(reader.next(r));
            assertEquals(0, r.capturedLength);
            assertFalse(reader.next(r));
            assertFalse(reader.next(r));
            assertEquals(3, reader.packetCount());
        }
    }

    @Test
    void writerRoundTripThroughASmallBuffer() throws IOException {
        Path f = dir.resolve("rt.pcap");
        Random rnd = new Random(42);
        int n = 2000;
        byte[][] packets = new byte[n][];
        long[] times = new long[n];
        try (PcapWriter w = new PcapWriter(f, LinkType.ETHERNET, 0)) {
            long t = 1_700_000_000_123_456_789L;
            for (int i = 0; i < n; i++) {
                packets[i] = new byte[rnd.nextInt(1515)];
                rnd.nextBytes(packets[i]);
                times[i] = t += rnd.nextInt(1_000_000);
                w.write(t, packets[i], 0, packets[i].length);
            }
        }
        // 64-byte buffer: every record crosses buffer refills, and larger packets grow it.
        for (int bufferSize : new int[] {64, 1 << 20}) {
            PcapRecord r = new PcapRecord(1514);
            try (CaptureReader reader = CaptureReader.open(f, bufferSize)) {
                assertEquals(LinkType.ETHERNET, reader.linkType(0));
                for (int i = 0; i < n; i++) {
                    assertTrue(reader.next(r));
                    assertEquals(times[i], r.timestampNanos, "packet " + i);
                    assertEquals(packets[i].length, r.capturedLength);
                    assertEquals(packets[i].length, r.originalLength);
                    assertArrayEquals(packets[i], Arrays.copyOf(r.data, r.capturedLength));
                }
                assertFalse(reader.next(r));
            }
        }
    }

    @Test
    void writerKeepsOriginalLength() throws IOException {
        Path f = dir.resolve("snap.pcap");
        try (PcapWriter w = new PcapWriter(f, LinkType.RAW, 96)) {
            w.write(5, Bytes.payload(96, 3), 0, 96, 1500);
        }
        PcapRecord r = new PcapRecord(96);
        try (CaptureReader reader = CaptureReader.open(f)) {
            assertTrue(reader.next(r));
            assertEquals(96, r.capturedLength);
            assertEquals(1500, r.originalLength);
            assertEquals(5, r.timestampNanos);
            assertEquals(LinkType.RAW, r.linkType);
        }
    }
}
