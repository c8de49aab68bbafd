package io.ftpalg.engine.seqadj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SeqAdjustTest {
    private static final long M = 0xFFFF_FFFFL;

    /**
     * Three rewrites in one lane, sender's original space:
     *
     * <pre>
     *   span [1000,1020) grew by 6   -> boundary 1020, cum +6
     *   span [2000,2030) shrank by 3 -> boundary 2030, cum +3
     *   span [3000,3010) grew by 12  -> boundary 3010, cum +15
     * </pre>
     */
    private static SeqAdjust threeRewrites(long isn) {
        SeqAdjust a = new SeqAdjust(4);
        assertFalse(a.add(2, (isn + 1020) & M, 6));
        assertFalse(a.add(2, (isn + 2030) & M, -3));
        assertFalse(a.add(2, (isn + 3010) & M, 12));
        return a;
    }

    @ParameterizedTest(name = "isn={0}")
    @ValueSource(longs = {0L, 1_000_000L, 0xFFFF_FFF0L, 0xFFFF_F800L, 0xFFFF_FBF0L, 0x7FFF_FC00L})
    void seqDeltaBeforeBetweenAndAfterBoundaries(long isn) {
        SeqAdjust a = threeRewrites(isn);
        long[][] cases = {
            // offset from isn, expected delta
            {0, 0},
            {999, 0},
            {1000, 0},
            {1019, 0}, // before the first boundary (incl. the rewritten segment)
            {1020, 6},
            {1500, 6},
            {2000, 6},
            {2029, 6},
            {2030, 3},
            {2999, 3},
            {3000, 3},
            {3010, 15},
            {3011, 15},
            {100_000, 15},
        };
        for (long[] c : cases) {
            long seq = (isn + c[0]) & M;
            assertEquals(c[1], a.seqDelta(2, seq), "seq isn+" + c[0]);
        }
        assertEquals(15, a.currentDelta(2));
        assertTrue(a.active(2));
        // other lanes untouched
        assertEquals(0, a.seqDelta(1, (isn + 5000) & M));
        assertEquals(0, a.seqDelta(3, (isn + 5000) & M));
        assertFalse(a.active(1));
    }

    @ParameterizedTest(name = "isn={0}")
    @ValueSource(longs = {0L, 1_000_000L, 0xFFFF_FFF0L, 0xFFFF_F800L, 0xFFFF_FBF0L})
    void mapAckInverse(long isn) {
        SeqAdjust a = threeRewrites(isn);
        long[][] cases = {
            // translated offset from isn -> original offset from isn
            {0, 0},
            {1000, 1000},
            {1019, 1019},
            {1020, 1020}, // span [1000,1020) translated [1000,1026)
            {1021, 1020},
            {1025, 1020}, // inside the grown part: clamped to the span end
            {1026, 1020},
            {1027, 1021},
            {2006, 2000},
            // original span [2000,2030) shrank to translated [2006,2033)
            {2032, 2026},
            {2033, 2030},
            {2034, 2031},
            {2036, 2033},
            {3003, 3000},
            {3012, 3009},
            {3013, 3010},
            {3020, 3010},
            {3024, 3010}, // grown by 12
            {3025, 3010},
            {3026, 3011},
            {10_015, 10_000},
        };
        for (long[] c : cases) {
            long ack = (isn + c[0]) & M;
            assertEquals((isn + c[1]) & M, a.mapAck(2, ack), "ack isn+" + c[0]);
        }
    }

    @Test
    void retransmissionOfAnyEarlierSegmentGetsItsOriginalDelta() {
        SeqAdjust a = new SeqAdjust(1);
        long[] firstDelta = new long[8];
        long[] segStart = new long[8];
        long seq = 500;
        for (int i = 0; i < 8; i++) {
            segStart[i] = seq;
            firstDelta[i] = a.seqDelta(0, seq);
            // every segment is 40 bytes and each carries a rewrite of its last 20 bytes
            int delta = (i % 2 == 0) ? 5 + i : -(1 + i);
            a.add(0, seq + 40, delta);
            seq += 40;
        }
        for (int i = 0; i < 8; i++) {
            assertEquals(firstDelta[i], a.seqDelta(0, segStart[i]), "segment " + i);
        }
    }

    @Test
    void sackEdgesMapLikeAcks() {
        SeqAdjust a = threeRewrites(7000);
        // A SACK block covering translated [3100, 4000) maps to original [3100-15, 4000-15).
        assertEquals(7000 + 3085, a.mapAck(2, 7000 + 3100));
        assertEquals(7000 + 3985, a.mapAck(2, 7000 + 4000));
        // an edge inside the grown first span is clamped like an ack
        assertEquals(7000 + 1020, a.mapAck(2, 7000 + 1023));
    }

    @Test
    void zeroDeltaRecordsNothing() {
        SeqAdjust a = new SeqAdjust(1);
        assertFalse(a.add(0, 100, 0));
        assertFalse(a.active(0));
        assertEquals(0, a.seqDelta(0, 5000));
        assertEquals(5000, a.mapAck(0, 5000));
    }

    @Test
    void resetForgetsLane() {
        SeqAdjust a = threeRewrites(0);
        a.reset(2);
        assertFalse(a.active(2));
        assertEquals(0, a.seqDelta(2, 5000));
        assertEquals(5000, a.mapAck(2, 5000));
        assertEquals(0, a.currentDelta(2));
    }

    @ParameterizedTest(name = "base={0}")
    @CsvSource({"0", "4294967000", "4294966000"})
    void historyOverflowMergesOldestAndKeepsNewerExact(long base) {
        SeqAdjust a = new SeqAdjust(2);
        int cum = 0;
        long[] bounds = new long[SeqAdjust.HISTORY + 3];
        int[] cums = new int[SeqAdjust.HISTORY + 3];
        for (int i = 0; i < SeqAdjust.HISTORY + 3; i++) {
            int delta = i % 3 == 0 ? -2 : 7;
            cum += delta;
            bounds[i] = (base + 100L * (i + 1)) & M;
            cums[i] = cum;
            boolean merged = a.add(1, bounds[i], delta);
            assertEquals(i >= SeqAdjust.HISTORY, merged, "add " + i);
        }
        // three merges: boundaries 0..2 are folded into the base, which is cum[2]
        for (int i = 3; i < bounds.length; i++) {
            assertEquals(cums[i], a.seqDelta(1, bounds[i]), "at boundary " + i);
            assertEquals(cums[i - 1], a.seqDelta(1, (bounds[i] - 1) & M), "before boundary " + i);
            long translated = (bounds[i] + cums[i]) & M;
            assertEquals(bounds[i], a.mapAck(1, translated), "ack at boundary " + i);
        }
        // data older than the merged boundaries gets the base (the documented loss of precision)
        assertEquals(cums[2], a.seqDelta(1, base & M));
        assertEquals(cums[cums.length - 1], a.currentDelta(1));
        assertFalse(a.active(0));
    }

    @Test
    void wrapAroundBoundaryExactlyAtZero() {
        SeqAdjust a = new SeqAdjust(1);
        a.add(0, 0xFFFF_FFF8L, 10); // span ends 8 bytes before the wrap
        a.add(0, 0x10L, -4); // next one after the wrap
        assertEquals(0, a.seqDelta(0, 0xFFFF_FFF0L));
        assertEquals(10, a.seqDelta(0, 0xFFFF_FFF8L));
        assertEquals(10, a.seqDelta(0, 0L));
        assertEquals(10, a.seqDelta(0, 0xFL));
        assertEquals(6, a.seqDelta(0, 0x10L));
        assertEquals(6, a.seqDelta(0, 0x7000_0000L));
        // acks
        assertEquals(0xFFFF_FFF8L, a.mapAck(0, 0x2L)); // 0xFFFFFFF8 + 10 = 0x2 (mod 2^32)
        assertEquals(0x10L, a.mapAck(0, 0x16L));
        assertEquals(0xFFFF_FFF8L, a.mapAck(0, 0xFFFF_FFFCL)); // inside grown span, clamped
        assertEquals(0x20L, a.mapAck(0, 0x26L));
    }

    /**
     * Property test against an explicit model: a random original byte stream with random non-overlapping
     * rewrites (grown, shrunk, some deleted entirely), the translated stream built byte by byte, then every
     * position checked.
     */
    @Test
    void randomRewritesAgainstExplicitStreams() {
        Random rnd = new Random(0x5EEDAD1L);
        for (int round = 0; round < 400; round++) {
            long isn = rnd.nextInt(4) == 0 ? (0x1_0000_0000L - rnd.nextInt(3000)) & M : rnd.nextLong() & M;
            int rewrites = 1 + rnd.nextInt(round % 5 == 0 ? 24 : SeqAdjust.HISTORY);
            checkModel(rnd, isn, rewrites);
        }
    }

    private static void checkModel(Random rnd, long isn, int rewrites) {
        // Spans in the original stream: [start, end), with gaps >= 0 between them.
        List<int[]> spans = new ArrayList<>(); // start, end, newLength
        int p = rnd.nextInt(50);
        for (int i = 0; i < rewrites; i++) {
            int start = p + rnd.nextInt(200);
            int len = 1 + rnd.nextInt(40);
            int newLen;
            do {
                newLen = rnd.nextInt(len + 30);
            } while (newLen == len && rnd.nextBoolean());
            spans.add(new int[] {start, start + len, newLen});
            p = start + len;
        }
        int n = p + rnd.nextInt(200);

        // Build the translated stream explicitly. origin[t] = original index of translated byte t, or
        // -(k+1) when it belongs to rewrite k. transAt[x] = translated length when original byte x is reached.
        int[] transAt = new int[n + 1];
        List<Integer> origin = new ArrayList<>();
        int x = 0;
        for (int k = 0; k < spans.size(); k++) {
            int[] sp = spans.get(k);
            for (; x < sp[0]; x++) {
                transAt[x] = origin.size();
                origin.add(x);
            }
            transAt[x] = origin.size();
            for (int j = 0; j < sp[2]; j++) {
                origin.add(-(k + 1));
            }
            for (x = sp[0] + 1; x < sp[1]; x++) {
                transAt[x] = -1; // not a segment boundary
            }
            x = sp[1];
        }
        for (; x < n; x++) {
            transAt[x] = origin.size();
            origin.add(x);
        }
        transAt[n] = origin.size();

        SeqAdjust a = new SeqAdjust(3);
        int merges = 0;
        for (int[] sp : spans) {
            if (a.add(1, (isn + sp[1]) & M, sp[2] - (sp[1] - sp[0]))) {
                merges++;
            }
        }
        // Exact from the newest merged boundary on (or everywhere when nothing was merged).
        int exactFrom = 0;
        if (merges > 0) {
            int merged = 0;
            for (int[] sp : spans) {
                if (sp[2] != sp[1] - sp[0] && ++merged == merges) {
                    exactFrom = sp[1];
                }
            }
        }

        // Sequence numbers: every possible segment start (any original position not inside a rewritten span).
        for (int o = exactFrom; o <= n; o++) {
            if (transAt[o] < 0) {
                continue;
            }
            long seq = (isn + o) & M;
            long mapped = (seq + a.seqDelta(1, seq)) & M;
            assertEquals((isn + transAt[o]) & M, mapped, "seq at original " + o + " isn " + isn);
        }
        // Acks: every translated position.
        int tFrom = transAt[exactFrom];
        for (int t = tFrom; t <= origin.size(); t++) {
            long expected;
            if (t == origin.size()) {
                expected = n;
            } else if (origin.get(t) >= 0) {
                expected = origin.get(t);
            } else {
                // t lies in rewrite k's translated text, at (t - tStart) bytes into it
                int k = -origin.get(t) - 1;
                int[] sp = spans.get(k);
                int tStart = transAt[sp[0]];
                expected = Math.min(sp[0] + (t - tStart), sp[1]);
            }
            long ack = (isn + t) & M;
            assertEquals((isn + expected) & M, a.mapAck(1, ack), "ack at translated " + t + " isn " + isn);
        }
    }
}
