package io.ftpalg.bindings.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads hand-made classic pcap bytes back through the real libpcap (fails, never skips, without it). */
class NativePcapFileReaderTest {
    @TempDir
    Path dir;

    @Test
    void libraryLoadsAndReportsItsVersion() {
        assertTrue(LibPcap.isAvailable(), "libpcap must be installed (Debian: libpcap0.8)");
        assertTrue(NativePcapFileReader.libraryVersion().startsWith("libpcap version"));
    }

    @Test
    void readsMicrosecondPcapLittleEndian() throws IOException {
        Path f = write(ByteOrder.LITTLE_ENDIAN, 0xA1B2C3D4);
        byte[] dst = new byte[2048];
        try (NativePcapFileReader r = NativePcapFileReader.open(f)) {
            assertEquals(1, r.linkType());
            assertTrue(r.next(dst));
            assertEquals(60, r.capturedLength());
            assertEquals(60, r.originalLength());
            assertEquals(1_700_000_000_123_456_000L, r.timestampNanos());
            assertArrayEquals(payload(60, 1), Arrays.copyOf(dst, 60));
            assertTrue(r.next(dst));
            assertEquals(100, r.capturedLength());
            assertEquals(1500, r.originalLength());
            assertEquals(1_700_000_001_000_001_000L, r.timestampNanos());
            assertArrayEquals(payload(100, 2), Arrays.copyOf(dst, 100));
            assertFalse(r.next(dst));
            assertFalse(r.next(dst));
        }
    }

    @Test
    void readsNanosecondPcapBigEndian() throws IOException {
        Path f = write(ByteOrder.BIG_ENDIAN, 0xA1B23C4D);
        byte[] dst = new byte[2048];
        try (NativePcapFileReader r = NativePcapFileReader.open(f)) {
            assertTrue(r.next(dst));
            assertEquals(1_700_000_000_000_123_456L, r.timestampNanos());
            assertTrue(r.next(dst));
            assertEquals(1_700_000_001_000_000_001L, r.timestampNanos());
            assertArrayEquals(payload(100, 2), Arrays.copyOf(dst, 100));
            assertFalse(r.next(dst));
        }
    }

    @Test
    void packetLargerThanBufferIsAnErrorNotATruncation() throws IOException {
        Path f = write(ByteOrder.LITTLE_ENDIAN, 0xA1B2C3D4);
        try (NativePcapFileReader r = NativePcapFileReader.open(f)) {
            IOException e = assertThrows(IOException.class, () -> r.next(new byte[10]));
            assertTrue(e.getMessage().contains("60 bytes"), e.getMessage());
        }
    }

    @Test
    void openFailureCarriesLibpcapText() throws IOException {
        Path missing = dir.resolve("missing.pcap");
        IOException e = assertThrows(IOException.class, () -> NativePcapFileReader.open(missing));
        assertTrue(e.getMessage().contains("missing.pcap"), e.getMessage());
        assertTrue(e.getMessage().contains("No such file"), e.getMessage());

        Path junk = dir.resolve("junk.pcap");
        Files.write(junk, new byte[64]);
        IOException e2 = assertThrows(IOException.class, () -> NativePcapFileReader.open(junk));
        assertTrue(e2.getMessage().contains("unknown file format"), e2.getMessage());
    }

    /** Two Ethernet packets: 60 bytes at t0, and 100 of 1500 bytes at t0 + ~1 s. */
    private Path write(ByteOrder order, int magic) throws IOException {
        boolean nanos = magic == 0xA1B23C4D;
        ByteBuffer b = ByteBuffer.allocate(24 + 16 + 60 + 16 + 100).order(order);
        b.putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0);
        b.putInt(65535).putInt(1);
        b.putInt(1_700_000_000).putInt(nanos ? 123_456 : 123_456).putInt(60).putInt(60);
        b.put(payload(60, 1));
        b.putInt(1_700_000_001).putInt(1).putInt(100).putInt(1500);
        b.put(payload(100, 2));
        Path f = dir.resolve("hand-" + order + "-" + Integer.toHexString(magic) + ".pcap");
        Files.write(f, b.array());
        return f;
    }

    private static byte[] payload(int n, int seed) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 7 + seed);
        }
        return p;
    }
}
