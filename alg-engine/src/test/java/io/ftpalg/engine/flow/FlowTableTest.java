package io.ftpalg.engine.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlowTableTest {
    private static final long CLIENT = 0xC000_020AL; // 192.0.2.10
    private static final long SERVER = 0xC633_6414L; // 198.51.100.20
    private static final long NAT = 0xCB00_7101L; // 203.0.113.1

    private record Key(long srcHi, long srcLo, long dstHi, long dstLo, long meta) {
        int lookup(FlowTable t) {
            return t.lookup(srcHi, srcLo, dstHi, dstLo, meta);
        }

        int hash() {
            return FlowTable.hash(srcHi, srcLo, dstHi, dstLo, meta);
        }
    }

    private static void set(FlowTable t, int flow, int dir, Key k) {
        t.setTuple(flow, dir, k.srcHi, k.srcLo, k.dstHi, k.dstLo, k.meta);
    }

    @Test
    void insertLookupRemoveBothTuples() {
        FlowTable t = new FlowTable(8);
        Key orig = new Key(0, CLIENT, 0, SERVER, FlowTable.meta(4, 6, 40000, 21));
        Key reply = new Key(0, SERVER, 0, NAT, FlowTable.meta(4, 6, 21, 40000));
        int f = t.allocate();
        assertNotEquals(FlowTable.NONE, f);
        set(t, f, FlowTable.ORIGINAL, orig);
        set(t, f, FlowTable.REPLY, reply);
        t.insert(f);
        t.state(f, FlowState.LIVE | FlowState.TCP_SYN_SENT);
        assertEquals(f << 1 | FlowTable.ORIGINAL, orig.lookup(t));
        assertEquals(f << 1 | FlowTable.REPLY, reply.lookup(t));
        assertEquals(1, t.size());
        // the inverse of the original is NOT the reply (NAT changed it)
        assertEquals(FlowTable.NONE, t.lookup(0, SERVER, 0, CLIENT, FlowTable.meta(4, 6, 21, 40000)));
        // tuple accessors
        assertEquals(CLIENT, t.srcLo(f, FlowTable.ORIGINAL));
        assertEquals(NAT, t.dstLo(f, FlowTable.REPLY));
        assertEquals(40000, FlowTable.metaDstPort(t.meta(f, FlowTable.REPLY)));
        assertEquals(21, FlowTable.metaSrcPort(t.meta(f, FlowTable.REPLY)));
        assertEquals(6, FlowTable.metaProto(t.meta(f, FlowTable.REPLY)));
        assertEquals(4, FlowTable.metaVersion(t.meta(f, FlowTable.REPLY)));
        assertEquals("192.0.2.10:40000 -> 198.51.100.20:21 tcp", t.describe(f, FlowTable.ORIGINAL));

        int gen = t.generation[f];
        t.remove(f);
        assertEquals(FlowTable.NONE, orig.lookup(t));
        assertEquals(FlowTable.NONE, reply.lookup(t));
        assertEquals(0, t.size());
        assertEquals(gen + 1, t.generation[f]);
        assertEquals(0, t.state(f));
        assertEquals(-1, t.session(f));
        assertEquals(-1, t.parent[f]);
    }

    /** State word, session and origin port share one long of the record: each keeps its value when the others change. */
    @Test
    void packedHotFieldsAreIndependent() {
        FlowTable t = new FlowTable(4);
        int f = t.allocate();
        assertEquals(0, t.state(f));
        assertEquals(-1, t.session(f));
        t.originPort(f, 1);
        t.state(f, FlowState.LIVE | FlowState.TCP_ESTABLISHED | FlowState.FTP_CONTROL);
        t.session(f, 16383);
        t.deadline(f, -5);
        assertEquals(1, t.originPort(f));
        assertEquals(FlowState.LIVE | FlowState.TCP_ESTABLISHED | FlowState.FTP_CONTROL, t.state(f));
        assertEquals(16383, t.session(f));
        assertEquals(-5, t.deadline(f));
        t.state(f, 0x7FFF_FFFF);
        assertEquals(0x7FFF_FFFF, t.state(f));
        assertEquals(1, t.originPort(f));
        t.originPort(f, 0);
        assertEquals(0x7FFF_FFFF, t.state(f));
        assertEquals(16383, t.session(f));
        t.session(f, -1);
        t.originPort(f, 1);
        assertEquals(-1, t.session(f));
        assertEquals(0x7FFF_FFFF, t.state(f));
        t.state(f, 0);
        assertEquals(1, t.originPort(f));
        assertEquals(0, t.state(f));
    }

    /** Allocates and indexes a flow with distinct tuples (client port {@code port}). */
    private static int flow(FlowTable t, int port) {
        int f = t.allocate();
        set(t, f, FlowTable.ORIGINAL, new Key(0, CLIENT, 0, SERVER, FlowTable.meta(4, 6, port, 21)));
        set(t, f, FlowTable.REPLY, new Key(0, SERVER, 0, NAT, FlowTable.meta(4, 6, 21, port)));
        t.insert(f);
        t.state(f, FlowState.LIVE | FlowState.TCP_ESTABLISHED);
        return f;
    }

    @Test
    void childCountFollowsLinkAndRemoveAndIgnoresAReusedParentRecord() {
        FlowTable t = new FlowTable(4);
        int control = flow(t, 40000);
        int d1 = flow(t, 40001);
        int d2 = flow(t, 40002);
        t.linkChild(d1, control);
        t.linkChild(d2, control);
        assertEquals(2, t.children[control]);
        assertEquals(control, t.parent[d1]);
        t.remove(d1);
        assertEquals(1, t.children[control]);
        // The control record goes and is reused by an unrelated flow: the old child must not touch its count.
        t.remove(control);
        int reused = flow(t, 40003);
        assertEquals(control, reused, "the freed record is taken again (free stack)");
        int d3 = flow(t, 40004);
        t.linkChild(d3, reused);
        assertEquals(1, t.children[reused]);
        t.remove(d2); // child of the old connection in this record
        assertEquals(1, t.children[reused], "a child of an earlier generation is not counted");
        t.remove(d3);
        assertEquals(0, t.children[reused]);
    }

    @Test
    void ipv6TuplesUseAllBits() {
        FlowTable t = new FlowTable(4);
        long hi = 0x2001_0db8_0001_0000L;
        Key a = new Key(hi, 0x10, hi + 1, 0x20, FlowTable.meta(6, 6, 1000, 21));
        Key b = new Key(hi + 1, 0x20, hi, 0x10, FlowTable.meta(6, 6, 21, 1000));
        int f = t.allocate();
        set(t, f, 0, a);
        set(t, f, 1, b);
        t.insert(f);
        assertEquals(f << 1, a.lookup(t));
        assertEquals(f << 1 | 1, b.lookup(t));
        assertEquals(FlowTable.NONE, t.lookup(hi + 2, 0x10, hi + 1, 0x20, a.meta));
        assertEquals(FlowTable.NONE, t.lookup(hi, 0x10, hi + 1, 0x20, FlowTable.meta(4, 6, 1000, 21)));
        assertEquals(FlowTable.NONE, t.lookup(hi, 0x10, hi + 1, 0x20, FlowTable.meta(6, 17, 1000, 21)));
    }

    @Test
    void fullTableAllocateReturnsNoneAndRemoveFrees() {
        FlowTable t = new FlowTable(3);
        int a = t.allocate();
        int b = t.allocate();
        int c = t.allocate();
        assertEquals(Set.of(0, 1, 2), Set.of(a, b, c));
        assertEquals(FlowTable.NONE, t.allocate());
        assertEquals(3, t.size());
        int gen = t.generation[b];
        t.setTuple(b, FlowTable.ORIGINAL, 0, 1, 0, 2, FlowTable.meta(4, 6, 1000, 21));
        t.setTuple(b, FlowTable.REPLY, 0, 2, 0, 1, FlowTable.meta(4, 6, 21, 1000));
        t.insert(b);
        t.remove(b);
        assertEquals(FlowTable.NONE, t.lookup(0, 1, 0, 2, FlowTable.meta(4, 6, 1000, 21)));
        assertEquals(gen + 1, t.generation[b]);
        assertEquals(2, t.size());
        assertEquals(b, t.allocate());
        assertEquals(FlowTable.NONE, t.allocate());
    }

    @Test
    void rejectsNonPositiveCapacity() {
        assertThrows(IllegalArgumentException.class, () -> new FlowTable(0));
    }

    @Test
    void generationIncrementsOnEveryRemove() {
        FlowTable t = new FlowTable(1);
        for (int i = 0; i < 5; i++) {
            int f = t.allocate();
            assertEquals(0, f);
            assertEquals(i, t.generation[f]);
            set(t, f, 0, new Key(0, i, 0, 2, FlowTable.meta(4, 17, 1, 2)));
            set(t, f, 1, new Key(0, 2, 0, i, FlowTable.meta(4, 17, 2, 1)));
            t.insert(f);
            t.remove(f);
        }
        assertEquals(5, t.generation[0]);
    }

    /**
     * Keys whose home slot in a table of {@code flows} records lies in {@code homes}: a few home slots for many
     * keys make long clusters, and homes at the end of the index make clusters that wrap around to slot 0.
     */
    private static List<Key> colliding(Random rnd, int flows, int[] homes, int count) {
        int mask = indexSlots(flows) - 1;
        Set<Integer> wanted = new HashSet<>();
        for (int h : homes) {
            wanted.add(h & mask);
        }
        Set<Key> out = new HashSet<>();
        while (out.size() < count) {
            Key k = new Key(
                    rnd.nextInt(4) == 0 ? rnd.nextLong() : 0,
                    rnd.nextInt(1 << 16),
                    0,
                    rnd.nextInt(1 << 8),
                    FlowTable.meta(4, rnd.nextBoolean() ? 6 : 17, rnd.nextInt(65536), rnd.nextInt(65536)));
            if (wanted.contains(k.hash() & mask)) {
                out.add(k);
            }
        }
        return new ArrayList<>(out);
    }

    /** Mirrors the constructor's sizing (at least four index slots per flow, a power of two, at least 32). */
    private static int indexSlots(int flows) {
        return Integer.highestOneBit(Math.max(16, flows * 4 - 1)) << 1;
    }

    @ParameterizedTest(name = "flows={0} homes={1} seed={2}")
    @CsvSource({
        "8, 30 31 0, 1",
        "8, 31, 2",
        "8, 5 6, 3",
        "4, 0 1 2 3 28 29 30 31, 4",
        "8, 13 20 27, 5",
        "16, 62 63, 6",
    })
    void randomizedAgainstHashMapWithCollidingClusters(int maxFlows, String homes, long seed) {
        Random rnd = new Random(seed);
        int[] hs = java.util.Arrays.stream(homes.trim().split(" "))
                .mapToInt(Integer::parseInt)
                .toArray();
        List<Key> pool = colliding(rnd, maxFlows, hs, maxFlows * 2 + 10);
        runModel(rnd, new FlowTable(maxFlows), pool, 30_000, true);
    }

    @Test
    void randomizedAgainstHashMapLargeTable() {
        Random rnd = new Random(99);
        List<Key> pool = new ArrayList<>();
        Set<Key> seen = new HashSet<>();
        while (pool.size() < 3000) {
            Key k = new Key(
                    0, rnd.nextInt(64), 0, rnd.nextInt(64), FlowTable.meta(4, 6, rnd.nextInt(16), rnd.nextInt(16)));
            if (seen.add(k)) {
                pool.add(k);
            }
        }
        runModel(rnd, new FlowTable(1000), pool, 60_000, false);
    }

    /**
     * Random inserts (two distinct unused keys per flow) and removals, compared with a HashMap. With
     * {@code checkAll} every pool key is looked up after every removal; otherwise the removed keys and a sample.
     */
    private static void runModel(Random rnd, FlowTable t, List<Key> pool, int ops, boolean checkAll) {
        Map<Key, Integer> model = new HashMap<>();
        Map<Integer, Key[]> flowsLive = new HashMap<>();
        List<Integer> liveList = new ArrayList<>();
        for (int op = 0; op < ops; op++) {
            boolean insert = liveList.isEmpty() || (t.size() < t.capacity() && rnd.nextInt(100) < 55);
            if (insert) {
                Key a = pool.get(rnd.nextInt(pool.size()));
                Key b = pool.get(rnd.nextInt(pool.size()));
                if (a.equals(b) || model.containsKey(a) || model.containsKey(b)) {
                    continue;
                }
                int f = t.allocate();
                assertNotEquals(FlowTable.NONE, f, "free record expected");
                set(t, f, FlowTable.ORIGINAL, a);
                set(t, f, FlowTable.REPLY, b);
                t.insert(f);
                t.state(f, FlowState.LIVE);
                model.put(a, f << 1);
                model.put(b, f << 1 | 1);
                flowsLive.put(f, new Key[] {a, b});
                liveList.add(f);
                assertEquals(f << 1, a.lookup(t));
                assertEquals(f << 1 | 1, b.lookup(t));
            } else {
                int f = liveList.remove(rnd.nextInt(liveList.size()));
                Key[] ks = flowsLive.remove(f);
                t.remove(f);
                model.remove(ks[0]);
                model.remove(ks[1]);
                assertEquals(FlowTable.NONE, ks[0].lookup(t), "removed original");
                assertEquals(FlowTable.NONE, ks[1].lookup(t), "removed reply");
                if (checkAll) {
                    for (Key k : pool) {
                        assertEquals(model.getOrDefault(k, FlowTable.NONE), k.lookup(t), () -> "key " + k);
                    }
                } else {
                    for (int i = 0; i < 20; i++) {
                        Key k = pool.get(rnd.nextInt(pool.size()));
                        assertEquals(model.getOrDefault(k, FlowTable.NONE), k.lookup(t), () -> "key " + k);
                    }
                }
            }
            assertEquals(liveList.size(), t.size());
        }
        for (Key k : pool) {
            assertEquals(model.getOrDefault(k, FlowTable.NONE), k.lookup(t));
        }
        // drain: everything must come out, after which no key is found
        for (int f : liveList) {
            t.remove(f);
        }
        assertEquals(0, t.size());
        for (Key k : pool) {
            assertEquals(FlowTable.NONE, k.lookup(t));
        }
    }

    // ---- eviction ----

    private static FlowTable tableWith(int n, int stateWord, long deadline) {
        FlowTable t = new FlowTable(n);
        for (int i = 0; i < n; i++) {
            int f = t.allocate();
            set(t, f, 0, new Key(0, 1, 0, 2, FlowTable.meta(4, 6, i + 1, 80)));
            set(t, f, 1, new Key(0, 2, 0, 1, FlowTable.meta(4, 6, 80, i + 1)));
            t.insert(f);
            t.state(f, stateWord);
            t.deadline(f, deadline);
        }
        return t;
    }

    private static final int ASSURED_LIVE = FlowState.LIVE | FlowState.ASSURED | FlowState.TCP_ESTABLISHED;

    @Test
    void evictNeverPicksAssuredLiveFlows() {
        FlowTable t = tableWith(40, ASSURED_LIVE, 10_000);
        for (int i = 0; i < 10; i++) {
            assertEquals(FlowTable.NONE, t.evictCandidate(5_000, true));
            assertEquals(FlowTable.NONE, t.evictCandidate(5_000, false));
        }
    }

    @Test
    void evictPrefersExpiredAndUnestablishedOnlyWithFlag() {
        FlowTable t = tableWith(8, ASSURED_LIVE, 10_000);
        int unest = 3;
        t.state(unest, FlowState.LIVE | FlowState.TCP_SYN_SENT);
        assertEquals(FlowTable.NONE, t.evictCandidate(5_000, false));
        assertEquals(unest, t.evictCandidate(5_000, true));
        // expired assured flow is a candidate even without the flag; deadline == now counts as expired
        t.deadline(6, 5_000);
        assertEquals(6, t.evictCandidate(5_000, false));
        // the clock hand moves on: the next scan finds the same ones again in turn
        assertEquals(6, t.evictCandidate(5_000, false));
    }

    @Test
    void evictSkipsFreeRecordsAndScansAtMostEvictScan() {
        FlowTable t = tableWith(64, ASSURED_LIVE, 10_000);
        t.remove(0);
        t.deadline(40, 0); // expired, but beyond the first scan window
        assertEquals(FlowTable.NONE, t.evictCandidate(5_000, false)); // records 0..15
        assertEquals(FlowTable.NONE, t.evictCandidate(5_000, false)); // 16..31
        assertEquals(40, t.evictCandidate(5_000, false)); // 32..47
    }

    @Test
    void evictionHandlesDeadlineComparisonAcrossLongWrap() {
        FlowTable t = tableWith(2, ASSURED_LIVE, Long.MIN_VALUE + 5);
        // now just before the wrap: the deadline lies in the future by signed difference
        assertEquals(FlowTable.NONE, t.evictCandidate(Long.MAX_VALUE - 5, false));
        assertTrue(t.evictCandidate(Long.MIN_VALUE + 6, false) >= 0);
    }
}
