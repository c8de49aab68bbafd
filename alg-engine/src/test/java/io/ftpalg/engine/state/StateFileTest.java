package io.ftpalg.engine.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mapped record file: round trip, torn records, format version, other sizes, damage, the stamps. */
class StateFileTest {
    @TempDir
    Path tmp;

    private static long[] rec(long seed) {
        long[] r = new long[4];
        for (int i = 0; i < 4; i++) {
            r[i] = seed * 31 + i;
        }
        return r;
    }

    @Test
    void recordsSurviveAReopen() {
        Path p = tmp.resolve("t.state");
        try (StateFile f = StateFile.open(p, "test", new long[] {8}, 4, 8, false)) {
            assertFalse(f.loaded());
            assertTrue(f.write(3, rec(3), 0));
            assertFalse(f.write(3, rec(3), 0), "an unchanged record is not rewritten");
            f.write(5, rec(5), 0);
            f.stamp(1234, true);
        }
        try (StateFile f = StateFile.open(p, "test", new long[] {8}, 4, 8, false)) {
            assertTrue(f.loaded());
            assertTrue(f.wasClean());
            assertEquals(1234, f.savedWallMs());
            long[] got = new long[4];
            assertEquals(StateFile.VALID, f.read(3, got, 0));
            assertArrayEquals(rec(3), got);
            assertEquals(StateFile.VALID, f.read(5, got, 0));
            assertArrayEquals(rec(5), got);
            assertEquals(StateFile.EMPTY, f.read(4, got, 0));
            assertTrue(f.clear(5));
            assertEquals(StateFile.EMPTY, f.read(5, got, 0));
        }
    }

    @Test
    void aTornRecordIsDetected() {
        Path p = tmp.resolve("t.state");
        try (StateFile f = StateFile.open(p, "test", new long[] {8}, 4, 8, false)) {
            f.write(2, rec(2), 0);
            f.write(6, rec(6), 0);
            // Killed after the first store of an update: new payload word, old checksum.
            f.tearForTest(2, 1, 999);
        }
        try (StateFile f = StateFile.open(p, "test", new long[] {8}, 4, 8, false)) {
            long[] got = new long[4];
            assertEquals(StateFile.TORN, f.read(2, got, 0));
            assertEquals(StateFile.VALID, f.read(6, got, 0));
        }
    }

    @Test
    void aRecordCopiedToAnotherSlotDoesNotPass() throws Exception {
        Path p = tmp.resolve("t.state");
        try (StateFile f = StateFile.open(p, "test", new long[] {8}, 4, 8, false)) {
            f.write(1, rec(1), 0);
        }
        int stride = 5 * 8;
        byte[] all = Files.readAllBytes(p);
        System.arraycopy(all, StateFile.HEADER_BYTES + stride, all, StateFile.HEADER_BYTES + 2 * stride, stride);
        Files.write(p, all);
        try (StateFile f = StateFile.open(p, "test", new long[] {8}, 4, 8, false)) {
            assertEquals(StateFile.VALID, f.read(1, new long[4], 0));
            assertEquals(StateFile.TORN, f.read(2, new long[4], 0));
        }
    }

    @Test
    void anotherFormatVersionIsRefusedWithAClearMessageOrRebuiltOnRequest() throws Exception {
        Path p = tmp.resolve("t.state");
        try (StateFile f = StateFile.open(p, "test", new long[] {8}, 4, 8, false)) {
            f.write(1, rec(1), 0);
        }
        // Rewrite the header as a future version 2 would (its checksum made valid), so only the version differs.
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer h = ByteBuffer.allocate(112).order(ByteOrder.nativeOrder());
            ch.read(h, 0);
            h.putLong(16, 2);
            long[] words = new long[14];
            for (int i = 0; i < 14; i++) {
                words[i] = h.getLong(i * 8);
            }
            ByteBuffer sum = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            sum.putLong(0, StateFile.checksum(words, 0, 14, 0));
            h.position(0);
            ch.write(h, 0);
            ch.write(sum, 112);
        }
        StateException e =
                assertThrows(StateException.class, () -> StateFile.open(p, "test", new long[] {8}, 4, 8, false));
        assertTrue(e.getMessage().contains("format version 2; this build reads version 1"), e.getMessage());
        assertTrue(e.getMessage().contains("--state-reset"), e.getMessage());
        try (StateFile f = StateFile.open(p, "test", new long[] {8}, 4, 8, true)) {
            assertFalse(f.loaded(), "rebuilt empty");
            assertEquals(StateFile.EMPTY, f.read(1, new long[4], 0));
        }
    }

    @Test
    void otherTableSizesAreRefused() {
        Path p = tmp.resolve("t.state");
        StateFile.open(p, "test", new long[] {8}, 4, 8, false).close();
        StateException e =
                assertThrows(StateException.class, () -> StateFile.open(p, "test", new long[] {16}, 4, 16, false));
        assertTrue(e.getMessage().contains("other table sizes"), e.getMessage());
    }

    @Test
    void aDamagedHeaderOrATruncatedFileIsRefused() throws Exception {
        Path p = tmp.resolve("t.state");
        StateFile.open(p, "test", new long[] {8}, 4, 8, false).close();
        byte[] all = Files.readAllBytes(p);
        all[33] ^= 0x40; // the record count, under the header checksum
        Files.write(p, all);
        StateException e =
                assertThrows(StateException.class, () -> StateFile.open(p, "test", new long[] {8}, 4, 8, false));
        assertTrue(e.getMessage().contains("damaged (header checksum mismatch)"), e.getMessage());

        Path q = tmp.resolve("q.state");
        StateFile.open(q, "test", new long[] {8}, 4, 8, false).close();
        try (FileChannel ch = FileChannel.open(q, StandardOpenOption.WRITE)) {
            ch.truncate(StateFile.HEADER_BYTES + 10);
        }
        e = assertThrows(StateException.class, () -> StateFile.open(q, "test", new long[] {8}, 4, 8, false));
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());

        Path r = tmp.resolve("r.state");
        Files.writeString(r, "not a state file at all".repeat(300));
        e = assertThrows(StateException.class, () -> StateFile.open(r, "test", new long[] {8}, 4, 8, false));
        assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
    }

    @Test
    void aTornStampFallsBackToTheOtherOne() throws Exception {
        Path p = tmp.resolve("t.state");
        try (StateFile f = StateFile.open(p, "test", new long[] {8}, 4, 8, false)) {
            f.stamp(1000, false); // stamp seq 1 -> slot B
            f.stamp(2000, false); // seq 2 -> slot A
        }
        byte[] all = Files.readAllBytes(p);
        all[128 + 8] ^= 1; // slot A's wall time, its checksum now wrong
        Files.write(p, all);
        try (StateFile f = StateFile.open(p, "test", new long[] {8}, 4, 8, false)) {
            assertEquals(1000, f.savedWallMs());
            assertFalse(f.wasClean());
        }
    }
}
