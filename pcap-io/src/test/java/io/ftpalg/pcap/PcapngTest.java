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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PcapngTest {
    private static final long T0 = 1_700_000_000_123_456_789L;

    @TempDir
    Path dir;

    @Test
    void writerRoundTripWithTwoInterfacesAndComments() throws IOException {
        Path f = dir.resolve("two.pcapng");
        try (PcapngWriter w = new PcapngWriter(f, "ftp-alg test")) {
            assertEquals(0, w.addInterface("inside", LinkType.ETHERNET, 0));
            assertEquals(1, w.addInterface("outside-é", LinkType.RAW, 65535));
            w.write(0, T0, Bytes.payload(60, 1), 0, 60, null);
            w.write(1, T0 + 1, Bytes.payload(41, 2), 0, 41, "PORT rewritten: 10,0,0,1 -> 192,0,2,1");
            w.write(0, T0 + 2, Bytes.payload(100, 3), 10, 50, 1500, "ünïcode comment");
            w.write(1, T0 + 3, new byte[0], 0, 0, "");
        }
        PcapRecord r = new PcapRecord(1514);
        try (CaptureReader reader = CaptureReader.open(f)) {
            assertTrue(reader.isPcapng());
            assertEquals(2, reader.interfaceCount());
            assertEquals("inside", reader.interfaceName(0));
            assertEquals("outside-é", reader.interfaceName(1));
            assertEquals(LinkType.ETHERNET, reader.linkType(0));
            assertEquals(LinkType.RAW, reader.linkType(1));

            assertTrue(reader.next(r));
            assertEquals(T0, r.timestampNanos);
            assertEquals(0, r.interfaceId);
            assertEquals(LinkType.ETHERNET, r.linkType);
            assertNull(r.comment);
            assertArrayEquals(Bytes.payload(60, 1), Arrays.copyOf(r.data, 60));

            assertTrue(reader.next(r));
            assertEquals(T0 + 1, r.timestampNanos);
            assertEquals(1, r.interfaceId);
            assertEquals(LinkType.RAW, r.linkType);
            assertEquals(41, r.capturedLength);
            assertEquals("PORT rewritten: 10,0,0,1 -> 192,0,2,1", r.comment);
            assertArrayEquals(Bytes.payload(41, 2), Arrays.copyOf(r.data, 41));

            assertTrue(reader.next(r));
            assertEquals(50, r.capturedLength);
            assertEquals(1500, r.originalLength);
            assertEquals("ünïcode comment", r.comment);
            assertArrayEquals(Arrays.copyOfRange(Bytes.payload(100, 3), 10, 60), Arrays.copyOf(r.data, 50));

            assertTrue(reader.next(r));
            assertEquals(0, r.capturedLength);
            assertNull(r.comment, "an empty comment is not written");
            assertFalse(reader.next(r));
        }
    }

    /** if_tsresol: power of 10 (MSB clear) or power of 2 (MSB set); absent means microseconds. */
    @ParameterizedTest(name = "tsresol {0}")
    @CsvSource({
        // tsresol byte (-1: option absent), raw timestamp, expected ns
        "-1,   1700000000123456,     1700000000123456000",
        "6,    1700000000123456,     1700000000123456000",
        "3,    1700000000123,        1700000000123000000",
        "0,    1700000000,           1700000000000000000",
        "9,    1700000000123456789,  1700000000123456789",
        "12,   1700000000123456789,  1700000000123456",
        "138,  1740800000512,        1700000000500000000", // 2^-10: 1700000000 s * 1024 + 512
        "160,  7301444403200000000,  1700000000000000000", // 2^-32: 1700000000 << 32
        "160,  7301444405347483648,  1700000000500000000", // + 2^31 = half a second
    })
    void timestampResolutions(int tsresol, long raw, long expectedNanos) throws IOException {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            Bytes b = new Bytes(order)
                    .shb()
                    .idb(LinkType.ETHERNET, 0, null, tsresol < 0 ? null : tsresol, null)
                    .epb(0, raw, Bytes.payload(20, 1), 20, null);
            PcapRecord r = read1(b);
            assertEquals(expectedNanos, r.timestampNanos, order.toString());
        }
    }

    @Test
    void tsOffsetIsAdded() throws IOException {
        Bytes b = new Bytes(ByteOrder.LITTLE_ENDIAN)
                .shb()
                .idb(LinkType.ETHERNET, 0, "eth0", 9, 1_000_000_000L)
                .epb(0, 42, Bytes.payload(20, 1), 20, null);
        assertEquals(1_000_000_000L * 1_000_000_000L + 42, read1(b).timestampNanos);
    }

    @Test
    void unknownBlocksAreSkippedAndSimpleAndObsoletePacketBlocksRead() throws IOException {
        byte[] nrb = new Bytes(ByteOrder.BIG_ENDIAN)
                .u16(1)
                .u16(8)
                .raw(new byte[] {(byte) 192, 0, 2, 1, 'f', 't', 'p', 0})
                .u16(0)
                .u16(0)
                .toByteArray();
        Bytes b = new Bytes(ByteOrder.BIG_ENDIAN)
                .shb()
                .block(4, nrb) // name resolution block before any interface
                .idb(LinkType.ETHERNET, 0, "eth0", null, null)
                .block(0x0BAD, new byte[] {1, 2, 3, 4, 5}) // custom / unknown
                .spb(Bytes.payload(61, 1), 61)
                .block(5, new byte[20]) // interface statistics block
                .opb(0, 5_000_000, Bytes.payload(33, 2), "obsolete")
                .block(0x0000000A, new byte[40]) // decryption secrets block
                .block(0x40000BAD, new byte[0]) // custom block, empty body
                .epb(0, 7, Bytes.payload(12, 3), 12, null)
                .block(5, new byte[8]); // trailing ISB
        Path f = write(b);
        PcapRecord r = new PcapRecord(100);
        try (CaptureReader reader = CaptureReader.open(f)) {
            assertTrue(reader.next(r));
            assertEquals(61, r.capturedLength, "simple packet block");
            assertEquals(0, r.timestampNanos);
            assertNull(r.comment);
            assertArrayEquals(Bytes.payload(61, 1), Arrays.copyOf(r.data, 61));
            assertTrue(reader.next(r));
            assertEquals(33, r.capturedLength, "obsolete packet block");
            assertEquals(5_000_000_000L, r.timestampNanos);
            assertEquals("obsolete", r.comment);
            assertTrue(reader.next(r));
            assertEquals(12, r.capturedLength);
            assertArrayEquals(Bytes.payload(12, 3), Arrays.copyOf(r.data, 12));
            assertFalse(reader.next(r));
            assertEquals(3, reader.packetCount());
        }
    }

    @Test
    void simplePacketBlockHonoursSnapLen() throws IOException {
        Bytes b = new Bytes(ByteOrder.LITTLE_ENDIAN)
                .shb()
                .idb(LinkType.ETHERNET, 16, null, null, null)
                .spb(Bytes.payload(20, 1), 1500);
        PcapRecord r = read1(b);
        assertEquals(16, r.capturedLength);
        assertEquals(1500, r.originalLength);
    }

    @Test
    void multipleSectionsWithDifferentByteOrdersNumberInterfacesReaderWide() throws IOException {
        Bytes b = new Bytes(ByteOrder.BIG_ENDIAN)
                .shb()
                .idb(LinkType.ETHERNET, 0, "a0", 9, null)
                .idb(LinkType.RAW, 0, "a1", 9, null)
                .epb(1, 100, Bytes.payload(10, 1), 10, null)
                .order(ByteOrder.LITTLE_ENDIAN)
                .shb()
                .idb(LinkType.LINUX_SLL2, 0, "b0", 6, null)
                .epb(0, 200, Bytes.payload(11, 2), 11, "second section");
        Path f = write(b);
        PcapRecord r = new PcapRecord(100);
        try (CaptureReader reader = CaptureReader.open(f)) {
            assertEquals(2, reader.interfaceCount(), "interfaces known before the first packet");
            assertTrue(reader.next(r));
            assertEquals(1, r.interfaceId);
            assertEquals(LinkType.RAW, r.linkType);
            assertEquals(100, r.timestampNanos);
            assertTrue(reader.next(r));
            assertEquals(3, reader.interfaceCount());
            assertEquals(2, r.interfaceId);
            assertEquals("b0", reader.interfaceName(2));
            assertEquals(LinkType.LINUX_SLL2, r.linkType);
            assertEquals(200_000, r.timestampNanos);
            assertEquals("second section", r.comment);
            assertArrayEquals(Bytes.payload(11, 2), Arrays.copyOf(r.data, 11));
            assertFalse(reader.next(r));
        }
    }

    @Test
    void emptySectionIsACleanEndOfFile() throws IOException {
        Path f = write(new Bytes(ByteOrder.LITTLE_ENDIAN).shb());
        try (CaptureReader reader = CaptureReader.open(f)) {
            assertEquals(0, reader.interfaceCount());
            assertFalse(reader.next(new PcapRecord(10)));
        }
    }

    @Test
    void manyPacketsThroughASmallBuffer() throws IOException {
        Path f = dir.resolve("many.pcapng");
        int n = 3000;
        try (PcapngWriter w = new PcapngWriter(f, null)) {
            w.addInterface(null, LinkType.ETHERNET, 0);
            for (int i = 0; i < n; i++) {
                int len = (i * 37) % 1515;
                w.write(0, T0 + i, Bytes.payload(len, i), 0, len, i % 7 == 0 ? "c" + i : null);
            }
        }
        PcapRecord r = new PcapRecord(1514);
        try (CaptureReader reader = CaptureReader.open(f, 64)) {
            assertNull(reader.interfaceName(0));
            for (int i = 0; i < n; i++) {
                assertTrue(reader.next(r));
                int len = (i * 37) % 1515;
                assertEquals(len, r.capturedLength);
                assertEquals(T0 + i, r.timestampNanos);
                assertEquals(i % 7 == 0 ? "c" + i : null, r.comment);
                assertArrayEquals(Bytes.payload(len, i), Arrays.copyOf(r.data, len));
            }
            assertFalse(reader.next(r));
        }
    }

    private PcapRecord read1(Bytes b) throws IOException {
        PcapRecord r = new PcapRecord(100);
        try (CaptureReader reader = CaptureReader.open(write(b))) {
            assertTrue(reader.next(r));
            assertFalse(reader.next(new PcapRecord(100)));
        }
        return r;
    }

    private Path write(Bytes b) throws IOException {
        Path f = Files.createTempFile(dir, "t", ".pcapng");
        Files.write(f, b.toByteArray());
        return f;
    }
}
