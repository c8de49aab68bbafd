package io.ftpalg.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed input is a {@link CaptureFormatException} naming the offset; never another exception. */
class CorruptInputTest {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    @TempDir
    Path dir;

    // ------------------------------------------------------------ classic pcap

    @Test
    void badMagic() throws IOException {
        expect(new Bytes(LE).u32(0x12345678).raw(new byte[20]), "offset 0: unknown magic 0x78563412");
    }

    @Test
    void emptyAndTinyFiles() throws IOException {
        expect(new Bytes(LE), "offset 0: file too short to be a capture: 0 bytes");
        expect(new Bytes(LE).u16(0xC3D4), "offset 0: file too short to be a capture: 2 bytes");
    }

    @Test
    void truncatedFileHeader() throws IOException {
        expect(new Bytes(LE).u32(0xA1B2C3D4).u16(2).u16(4), "offset 0: truncated pcap file header: 8 of 24 bytes");
    }

    @Test
    void unsupportedVersion() throws IOException {
        expect(classicHeader(), null); // sanity: a header-only file is fine
        Bytes b = new Bytes(LE)
                .u32(0xA1B2C3D4)
                .u16(1)
                .u16(0)
                .u32(0)
                .u32(0)
                .u32(65535)
                .u32(1);
        expect(b, "offset 4: unsupported pcap version 1.0");
    }

    @Test
    void truncatedRecordHeader() throws IOException {
        expect(classicHeader().u32(1).u32(2), "offset 24: packet 1: truncated record header: 8 of 16 bytes");
    }

    @Test
    void truncatedPacketData() throws IOException {
        Bytes b = classicHeader().u32(1).u32(2).u32(60).u32(60).raw(new byte[59]);
        expect(b, "offset 24: packet 1: truncated packet data: 59 of 60 bytes");
    }

    @Test
    void absurdCapturedLength() throws IOException {
        expect(
                classicHeader().u32(1).u32(2).u32(-16).u32(60),
                "offset 24: packet 1: absurd captured length 4294967280");
        expect(
                classicHeader().u32(1).u32(2).u32(0x7FFF_FFFF).u32(0x7FFF_FFFF),
                "offset 24: packet 1: absurd captured length 2147483647");
    }

    @Test
    void capturedLongerThanOriginal() throws IOException {
        Bytes b = classicHeader().u32(1).u32(2).u32(60).u32(59).raw(new byte[60]);
        expect(b, "offset 24: packet 1: captured length 60 exceeds original length 59");
    }

    @Test
    void packetLargerThanRecordIsAnErrorAndCanBeRetried() throws IOException {
        Bytes b = classicHeader();
        b.u32(1).u32(2).u32(10).u32(10).raw(new byte[10]);
        b.u32(1).u32(2).u32(100).u32(100).raw(Bytes.payload(100, 9));
        Path f = write(b);
        try (CaptureReader reader = CaptureReader.open(f)) {
            PcapRecord small = new PcapRecord(64);
            assertTrue(reader.next(small));
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> reader.next(small));
            assertTrue(
                    e.getMessage()
                            .endsWith("offset 50: packet 2: captured length 100 does not fit the record buffer"
                                    + " (64 bytes)"),
                    e.getMessage());
            PcapRecord big = new PcapRecord(128);
            assertTrue(reader.next(big), "the packet was not consumed");
            assertEquals(100, big.capturedLength);
            assertTrue(Arrays.equals(Bytes.payload(100, 9), Arrays.copyOf(big.data, 100)));
        }
    }

    // ------------------------------------------------------------ pcapng

    @Test
    void truncatedSectionHeader() throws IOException {
        byte[] shb = new Bytes(LE).shb().toByteArray();
        expect(new Bytes(LE).raw(Arrays.copyOf(shb, 10)), "offset 0: truncated section header block: 10 of 12 bytes");
        expect(new Bytes(LE).raw(Arrays.copyOf(shb, 20)), "offset 0: section header block: truncated block: 20 of 28");
    }

    @Test
    void badByteOrderMagic() throws IOException {
        Bytes b = new Bytes(LE)
                .u32(0x0A0D0D0A)
                .u32(28)
                .u32(0x11223344)
                .raw(new byte[12])
                .u32(28);
        expect(b, "offset 8: section header: bad byte-order magic 0x44332211");
    }

    @Test
    void unsupportedPcapngVersion() throws IOException {
        Bytes b = new Bytes(LE)
                .u32(0x0A0D0D0A)
                .u32(28)
                .u32(0x1A2B3C4D)
                .u16(2)
                .u16(0)
                .u64(-1)
                .u32(28);
        expect(b, "offset 12: section header: unsupported pcapng version 2.0");
    }

    @Test
    void blockLengthMismatch() throws IOException {
        Bytes b = new Bytes(LE).shb().idb(1, 0, null, null, null);
        b.u32(6).u32(36).u32(0).u32(0).u32(0).u32(4).u32(4).u32(0).u32(40); // EPB, trailer says 40
        expect(b, "offset 84: enhanced packet block: trailing block length 40 differs from leading block length 36");
        b = new Bytes(LE).shb().idb(1, 0, null, null, null);
        b.u32(6).u32(40).u32(0).u32(0).u32(0).u32(4).u32(4).u32(0).u32(40); // file ends 4 bytes early
        expect(b, "offset 52: enhanced packet block: truncated block: 36 of 40 bytes");
    }

    @Test
    void absurdBlockLengths() throws IOException {
        Bytes shb = new Bytes(LE).shb();
        expect(
                new Bytes(LE).raw(shb.toByteArray()).u32(6).u32(0xFFFF_FFF0),
                "offset 32: enhanced packet block: absurd block length 4294967280 (allowed 32 to 16777216)");
        expect(
                new Bytes(LE).raw(shb.toByteArray()).u32(0x77).u32(8).u32(8),
                "offset 32: block type 0x00000077: absurd block length 8 (allowed 12 to 16777216)");
        expect(
                new Bytes(LE).raw(shb.toByteArray()).u32(0x77).u32(13).raw(new byte[5]),
                "offset 32: block type 0x00000077: block length 13 is not a multiple of 4");
        expect(
                new Bytes(LE).u32(0x0A0D0D0A).u32(0x7FFF_FFFC).u32(0x1A2B3C4D),
                "offset 4: section header block: absurd block length 2147483644");
    }

    @Test
    void truncatedBlockHeaderAndBody() throws IOException {
        expect(new Bytes(LE).shb().u32(6), "offset 28: truncated block header: 4 of 8 bytes");
        expect(
                new Bytes(LE).shb().u32(5).u32(100).raw(new byte[40]),
                "offset 28: block type 0x00000005: truncated block: 48 of 100 bytes");
    }

    @Test
    void capturedLengthOverrunsBlock() throws IOException {
        Bytes b = new Bytes(LE).shb().idb(1, 0, null, null, null);
        b.u32(6).u32(36).u32(0).u32(0).u32(0).u32(8).u32(8).u32(0).u32(36);
        expect(b, "offset 72: packet 1: captured length 8 overruns its 36-byte block");
    }

    @Test
    void pcapngCapturedLongerThanOriginal() throws IOException {
        Bytes b = new Bytes(LE).shb().idb(1, 0, null, null, null).epb(0, 0, new byte[8], 4, null);
        expect(b, "offset 52: packet 1: captured length 8 exceeds original length 4");
    }

    @Test
    void undeclaredInterface() throws IOException {
        Bytes b = new Bytes(LE).shb().idb(1, 0, null, null, null).epb(1, 0, new byte[8], 8, null);
        expect(b, "offset 60: packet 1: interface id 1 not declared (section has 1)");
        expect(
                new Bytes(LE).shb().spb(new byte[8], 8),
                "offset 28: packet 1: simple packet block before any interface");
    }

    @Test
    void optionOverrunsBlock() throws IOException {
        Bytes idbBody = new Bytes(LE).u16(1).u16(0).u32(0).u16(2).u16(200).raw(new byte[8]);
        expect(new Bytes(LE).shb().block(1, idbBody.toByteArray()), "offset 44: option 2 of length 200 overruns");
        Bytes epbBody = new Bytes(LE)
                .u32(0)
                .u32(0)
                .u32(0)
                .u32(4)
                .u32(4)
                .raw(new byte[4])
                .u16(1)
                .u16(9)
                .raw(new byte[4]);
        expect(
                new Bytes(LE).shb().idb(1, 0, null, null, null).block(6, epbBody.toByteArray()),
                "offset 84: option 1 of length 9 overruns");
    }

    @Test
    void unsupportedTimestampResolution() throws IOException {
        expect(new Bytes(LE).shb().idb(1, 0, null, 0xC0, null), "interface description: if_tsresol 2^-64");
        expect(new Bytes(LE).shb().idb(1, 0, null, 30, null), "interface description: if_tsresol 10^-30");
    }

    /**
     * Random corruption of valid files: bytes flipped, fields overwritten with extreme values, files cut
     * short. Whatever happens, the reader returns packets or throws CaptureFormatException.
     */
    @Test
    void randomCorruptionOnlyEverThrowsCaptureFormatException() throws IOException {
        byte[] pcapng = validPcapng();
        byte[] pcap = validPcap();
        Random rnd = new Random(1234);
        Path f = dir.resolve("fuzz");
        int formatErrors = 0;
        for (int i = 0; i < 4000; i++) {
            byte[] b = (i % 2 == 0 ? pcapng : pcap).clone();
            int edits = 1 + rnd.nextInt(4);
            for (int e = 0; e < edits && b.length > 0; e++) {
                int at = rnd.nextInt(b.length);
                switch (rnd.nextInt(4)) {
                    case 0 -> b[at] = (byte) rnd.nextInt(256);
                    case 1 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                    case 2 -> {
                        int word = at & ~3;
                        int v = new int[] {0, -1, 0x7FFFFFFF, 0x80000000, 1, 13, 0x10000}[rnd.nextInt(7)];
                        for (int k = 0; k < 4 && word + k < b.length; k++) {
                            b[word + k] = (byte) (v >>> (8 * k));
                        }
                    }
                    default -> b = Arrays.copyOf(b, at);
                }
            }
            Files.write(f, b);
            try (CaptureReader reader = CaptureReader.open(f, 64 + rnd.nextInt(2000))) {
                PcapRecord r = new PcapRecord(1 + rnd.nextInt(1600));
                int n = 0;
                while (reader.next(r)) {
                    assertTrue(r.capturedLength <= r.originalLength && r.capturedLength <= r.data.length);
                    if (r.interfaceId >= 0) {
                        reader.linkType(r.interfaceId);
                    }
                    if (++n > 10_000) {
                        fail("runaway reader");
                    }
                }
            } catch (CaptureFormatException e) {
                formatErrors++;
                assertTrue(e.getMessage().contains(": offset "), e.getMessage());
            } catch (Exception | Error e) {
                throw new AssertionError("input " + i + " threw " + e, e);
            }
        }
        assertTrue(formatErrors > 1000, "corruption detected " + formatErrors + " times");
    }

    private byte[] validPcapng() throws IOException {
        Path f = dir.resolve("valid.pcapng");
        try (PcapngWriter w = new PcapngWriter(f, "fuzz")) {
            w.addInterface("a", LinkType.ETHERNET, 0);
            w.addInterface("b", LinkType.RAW, 1500);
            for (int i = 0; i < 20; i++) {
                w.write(i % 2, i * 1_000_000L, Bytes.payload(i * 23, i), 0, i * 23, i % 3 == 0 ? "note " + i : null);
            }
        }
        Bytes extra = new Bytes(LE)
                .block(5, new byte[16])
                .spb(Bytes.payload(30, 1), 30)
                .opb(1, 9, Bytes.payload(9, 2), "x")
                .order(ByteOrder.BIG_ENDIAN)
                .shb()
                .idb(1, 0, "c", 0x8A, 5L)
                .epb(0, 77, Bytes.payload(40, 3), 40, "be");
        byte[] head = Files.readAllBytes(f);
        byte[] tail = extra.toByteArray();
        byte[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    private byte[] validPcap() throws IOException {
        Path f = dir.resolve("valid.pcap");
        try (PcapWriter w = new PcapWriter(f, LinkType.ETHERNET, 0)) {
            for (int i = 0; i < 20; i++) {
                w.write(i * 1_000L, Bytes.payload(i * 29, i), 0, i * 29);
            }
        }
        return Files.readAllBytes(f);
    }

    private static Bytes classicHeader() {
        return new Bytes(LE)
                .u32(0xA1B2C3D4)
                .u16(2)
                .u16(4)
                .u32(0)
                .u32(0)
                .u32(65535)
                .u32(1);
    }

    /** Opens and drains the file; expects a CaptureFormatException containing {@code message} (or none if null). */
    private void expect(Bytes b, String message) throws IOException {
        Path f = write(b);
        PcapRecord r = new PcapRecord(1600);
        if (message == null) {
            try (CaptureReader reader = CaptureReader.open(f)) {
                while (reader.next(r)) {
                    // drain
                }
            }
            return;
        }
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> {
            try (CaptureReader reader = CaptureReader.open(f)) {
                while (reader.next(r)) {
                    // drain
                }
            }
        });
        assertTrue(e.getMessage().startsWith(f + ": offset "), e.getMessage());
        assertTrue(e.getMessage().contains(message), "expected '" + message + "' in: " + e.getMessage());
    }

    private Path write(Bytes b) throws IOException {
        Path f = Files.createTempFile(dir, "bad", ".cap");
        Files.write(f, b.toByteArray());
        return f;
    }
}
