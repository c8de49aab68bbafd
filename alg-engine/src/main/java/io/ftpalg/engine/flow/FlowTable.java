package io.ftpalg.engine.flow;

import java.util.Arrays;

/**
 * The connection table: fixed capacity, primitive arrays only, no allocation after construction.
 *
 * <h2>Model (Linux conntrack's)</h2>
 *
 * Each flow holds two tuples: the ORIGINAL one, as the first packet arrived from the initiator, and the REPLY
 * one, as the answer is expected to arrive from the responder. Both are in the hash index and both lead to the
 * same flow, so either direction finds it (the symmetric key). NAT is nothing but the difference between the
 * two: a packet travelling in direction {@code d} leaves looking like the inverse of the other direction's
 * tuple. With no NAT the reply tuple is the exact inverse of the original.
 *
 * <pre>
 *   client 192.0.2.2:40000 -> server 198.51.100.7:21, source NAT to 203.0.113.1
 *   ORIGINAL  192.0.2.2:40000     -> 198.51.100.7:21      (arrives inside)
 *   REPLY     198.51.100.7:21     -> 203.0.113.1:40000    (arrives outside)
 * </pre>
 *
 * <h2>Layout</h2>
 *
 * A tuple is five longs: {@code srcHi, srcLo, dstHi, dstLo, meta} with {@code meta = sport<<48 | dport<<32 |
 * proto<<8 | ipVersion}. The index is open addressing with linear probing over a {@code long[]} whose entries
 * are {@code (hash32 << 32) | (ref + 1)}, {@code ref = flow << 1 | direction}, 0 meaning empty; removal shifts
 * the following cluster back (no tombstones). The index has at least four slots per flow (two tuples, load
 * factor at most one half); the full 32-bit hash in each entry means a probe almost never reads a record that
 * is not the one it looks for.
 *
 * <p>Everything a forwarded packet reads or writes about its flow is in one record of {@value #RECORD_LONGS}
 * longs (96 bytes, two cache lines) in one {@code long[]}: an established packet touches one index line and this
 * record, nothing else of the table (the earlier layout spread it over six arrays, six more cache misses per
 * packet once the table outgrows the caches).
 *
 * <pre>
 *  long  0      deadline (ms on the engine's clock)
 *  long  1      state word (bits 0-30) | origin port (bit 31) | session (bits 32-63)
 *  long  2..6   ORIGINAL tuple
 *  long  7..11  REPLY tuple
 * </pre>
 *
 * Records start {@value #RECORD_PAD} longs into the array: the JVM places an array this large at the start of a
 * heap region (G1 humongous allocation), after a 16-byte header, so the padding puts record 0 on a 64-byte
 * boundary and every record then starts at 0 or 32 bytes into a cache line: each record spans exactly two lines.
 * (A 128-byte record, aligned to the adjacent-line prefetch pair, was tried first: a third more memory per flow
 * and no advantage that could be measured here.) The cold per-flow fields
 * ({@link #parent}, {@link #generation}) stay in their own arrays. FlowTableMemoryTest adds it all up per flow.
 *
 * <h2>Parents and children</h2>
 *
 * An FTP data connection names its control connection in {@link #parent} (with the parent's generation, so that
 * a record reused by another connection is never taken for it); the control connection counts its tracked data
 * connections in {@link #children}. The count changes in exactly two places, {@link #linkChild} and
 * {@link #remove}, the one way out of the table for every flow (closed and timed out, expired, evicted, reset),
 * so it is exact by construction.
 *
 * <h2>Eviction</h2>
 *
 * When no record is free, {@link #allocate} fails and the caller asks {@link #evictCandidate} for a victim: the
 * first flow, from a moving clock hand over at most {@link #EVICT_SCAN} records, that is expired or not yet
 * established (Linux's early drop); established flows are never evicted to make room.
 */
public final class FlowTable {
    public static final int ORIGINAL = 0;
    public static final int REPLY = 1;
    public static final int NONE = -1;
    /** Records looked at, from the clock hand, for an eviction victim or by one expiry sweep step. */
    public static final int EVICT_SCAN = 16;

    private static final int TUPLE_LONGS = 5;
    /** Longs per flow record: 96 bytes. */
    static final int RECORD_LONGS = 12;
    /** Longs before record 0, to put it on a 64-byte boundary (see the class comment). */
    static final int RECORD_PAD = 6;

    private static final int DEADLINE = 0;
    private static final int STATE_SESSION = 1;
    private static final int TUPLE0 = 2;
    /** Bit of the state long that holds the origin port (0 inside, 1 outside); never part of the state word. */
    private static final long ORIGIN_BIT = 1L << 31;

    private final int capacity;
    private final long[] index;
    private final int indexMask;

    /** The flow records, see the class comment. A free record has state 0 and session -1. */
    private final long[] records;
    /** For an FTP data connection: the control flow, or -1. */
    public final int[] parent;
    /** Generation of each record, bumped on free: a (flow, generation) pair names one connection for ever. */
    public final int[] generation;
    /** For an FTP data connection: the generation of {@link #parent} when it was linked. */
    private final int[] parentGeneration;
    /** For an FTP control connection: how many of its data connections are in the table. */
    public final int[] children;

    private final int[] freeStack;
    private int freeTop;
    private int live;
    private int clockHand;

    public FlowTable(int maxFlows) {
        if (maxFlows < 1) {
            throw new IllegalArgumentException("maxFlows must be positive: " + maxFlows);
        }
        this.capacity = maxFlows;
        int slots = Integer.highestOneBit(Math.max(16, maxFlows * 4 - 1)) << 1;
        this.index = new long[slots];
        this.indexMask = slots - 1;
        this.records = new long[RECORD_PAD + maxFlows * RECORD_LONGS];
        this.parent = new int[maxFlows];
        this.generation = new int[maxFlows];
        this.parentGeneration = new int[maxFlows];
        this.children = new int[maxFlows];
        this.freeStack = new int[maxFlows];
        for (int i = 0; i < maxFlows; i++) {
            freeStack[i] = maxFlows - 1 - i;
            records[base(i) + STATE_SESSION] = stateSession(0, -1);
        }
        this.freeTop = maxFlows;
        Arrays.fill(parent, -1);
    }

    private static int base(int flow) {
        return RECORD_PAD + flow * RECORD_LONGS;
    }

    private static int tupleBase(int flow, int dir) {
        return RECORD_PAD + flow * RECORD_LONGS + TUPLE0 + dir * TUPLE_LONGS;
    }

    private static long stateSession(int state, int session) {
        return ((long) session << 32) | (state & 0xFFFF_FFFFL);
    }

    // ---- per-flow hot fields, in the record ----

    /** Flow state word, see {@link FlowState} (bit 31 is the table's); 0 = free record. */
    public int state(int flow) {
        return (int) records[base(flow) + STATE_SESSION] & 0x7FFF_FFFF;
    }

    public void state(int flow, int word) {
        int b = base(flow) + STATE_SESSION;
        records[b] = (records[b] & (0xFFFF_FFFF_0000_0000L | ORIGIN_BIT)) | (word & 0x7FFF_FFFFL);
    }

    /** FTP control session index, or -1. */
    public int session(int flow) {
        return (int) (records[base(flow) + STATE_SESSION] >> 32);
    }

    public void session(int flow, int session) {
        int b = base(flow) + STATE_SESSION;
        records[b] = stateSession((int) records[b], session);
    }

    /** Time after which the flow is dead, ms on the engine's clock. */
    public long deadline(int flow) {
        return records[base(flow) + DEADLINE];
    }

    public void deadline(int flow, long deadlineMs) {
        records[base(flow) + DEADLINE] = deadlineMs;
    }

    /** Port (inside 0 / outside 1) the ORIGINAL direction arrived on. */
    public int originPort(int flow) {
        return (int) (records[base(flow) + STATE_SESSION] >>> 31) & 1;
    }

    public void originPort(int flow, int port) {
        int b = base(flow) + STATE_SESSION;
        records[b] = (records[b] & ~ORIGIN_BIT) | ((long) (port & 1) << 31);
    }

    public int capacity() {
        return capacity;
    }

    public int size() {
        return live;
    }

    public static long meta(int ipVersion, int proto, int sport, int dport) {
        return ((long) sport << 48) | ((long) dport << 32) | ((long) proto << 8) | ipVersion;
    }

    public static int metaSrcPort(long meta) {
        return (int) (meta >>> 48) & 0xFFFF;
    }

    public static int metaDstPort(long meta) {
        return (int) (meta >>> 32) & 0xFFFF;
    }

    public static int metaProto(long meta) {
        return (int) (meta >>> 8) & 0xFF;
    }

    public static int metaVersion(long meta) {
        return (int) meta & 0xFF;
    }

    static int hash(long srcHi, long srcLo, long dstHi, long dstLo, long meta) {
        long h = meta * 0x9E3779B97F4A7C15L;
        h = (h ^ srcLo) * 0xBF58476D1CE4E5B9L;
        h = (h ^ dstLo) * 0x94D049BB133111EBL;
        h = (h ^ srcHi) * 0x9E3779B97F4A7C15L;
        h = (h ^ dstHi) * 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 31) ^ (h >>> 47));
    }

    /**
     * Finds the flow a tuple belongs to.
     *
     * @return {@code flow << 1 | direction}, or {@link #NONE}
     */
    public int lookup(long srcHi, long srcLo, long dstHi, long dstLo, long meta) {
        int h = hash(srcHi, srcLo, dstHi, dstLo, meta);
        int i = h & indexMask;
        while (true) {
            long e = index[i];
            if (e == 0) {
                return NONE;
            }
            if ((int) (e >>> 32) == h) {
                int ref = (int) e - 1;
                int base = tupleBase(ref >>> 1, ref & 1);
                long[] r = records;
                if (r[base] == srcHi
                        && r[base + 1] == srcLo
                        && r[base + 2] == dstHi
                        && r[base + 3] == dstLo
                        && r[base + 4] == meta) {
                    return ref;
                }
            }
            i = (i + 1) & indexMask;
        }
    }

    /** Takes a free record, or returns {@link #NONE} when the table is full. The record is not indexed yet. */
    public int allocate() {
        if (freeTop == 0) {
            return NONE;
        }
        int f = freeStack[--freeTop];
        live++;
        records[base(f) + STATE_SESSION] = stateSession(0, -1);
        parent[f] = -1;
        children[f] = 0;
        return f;
    }

    /** Links data connection {@code child} to its control connection {@code control} (a live record). */
    public void linkChild(int child, int control) {
        parent[child] = control;
        parentGeneration[child] = generation[control];
        children[control]++;
    }

    /** Sets one direction's tuple of an allocated record (before {@link #insert}). */
    public void setTuple(int flow, int dir, long srcHi, long srcLo, long dstHi, long dstLo, long meta) {
        int base = tupleBase(flow, dir);
        records[base] = srcHi;
        records[base + 1] = srcLo;
        records[base + 2] = dstHi;
        records[base + 3] = dstLo;
        records[base + 4] = meta;
    }

    /** Indexes both tuples of a record. The caller has checked that neither tuple is in use. */
    public void insert(int flow) {
        indexTuple(flow, ORIGINAL);
        indexTuple(flow, REPLY);
    }

    private void indexTuple(int flow, int dir) {
        int h = tupleHash(flow, dir);
        int i = h & indexMask;
        while (index[i] != 0) {
            i = (i + 1) & indexMask;
        }
        index[i] = ((long) h << 32) | ((flow << 1 | dir) + 1L);
    }

    /** Removes a record from the index and frees it; its generation changes. */
    public void remove(int flow) {
        int p = parent[flow];
        if (p >= 0 && generation[p] == parentGeneration[flow] && children[p] > 0) {
            children[p]--;
        }
        unindexTuple(flow, ORIGINAL);
        unindexTuple(flow, REPLY);
        records[base(flow) + STATE_SESSION] = stateSession(0, -1);
        parent[flow] = -1;
        children[flow] = 0;
        generation[flow]++;
        freeStack[freeTop++] = flow;
        live--;
    }

    private void unindexTuple(int flow, int dir) {
        long ref = (flow << 1 | dir) + 1L;
        int h = tupleHash(flow, dir);
        int i = h & indexMask;
        while ((index[i] & 0xFFFF_FFFFL) != ref) {
            if (index[i] == 0) {
                return;
            }
            i = (i + 1) & indexMask;
        }
        // Backward-shift deletion (Knuth 6.4, algorithm R): move later members of the cluster into the hole
        // when their home slot does not lie cyclically in (hole, their position].
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & indexMask;
            long e = index[j];
            if (e == 0) {
                break;
            }
            int home = (int) (e >>> 32) & indexMask;
            boolean stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!stays) {
                index[hole] = e;
                hole = j;
            }
        }
        index[hole] = 0;
    }

    private int tupleHash(int flow, int dir) {
        int base = tupleBase(flow, dir);
        long[] r = records;
        return hash(r[base], r[base + 1], r[base + 2], r[base + 3], r[base + 4]);
    }

    // ---- tuple accessors ----

    public long srcHi(int flow, int dir) {
        return records[tupleBase(flow, dir)];
    }

    public long srcLo(int flow, int dir) {
        return records[tupleBase(flow, dir) + 1];
    }

    public long dstHi(int flow, int dir) {
        return records[tupleBase(flow, dir) + 2];
    }

    public long dstLo(int flow, int dir) {
        return records[tupleBase(flow, dir) + 3];
    }

    public long meta(int flow, int dir) {
        return records[tupleBase(flow, dir) + 4];
    }

    public boolean inUse(int flow) {
        return state(flow) != 0;
    }

    /**
     * Advances the clock hand by up to {@link #EVICT_SCAN} records and returns the first live flow that is
     * expired at {@code nowMs} or, if {@code includeUnestablished}, not yet established; or {@link #NONE}.
     */
    public int evictCandidate(long nowMs, boolean includeUnestablished) {
        for (int n = 0; n < EVICT_SCAN; n++) {
            int f = clockHand;
            clockHand = clockHand + 1 == capacity ? 0 : clockHand + 1;
            int st = state(f);
            if (st == 0) {
                continue;
            }
            if (deadline(f) - nowMs <= 0) {
                return f;
            }
            if (includeUnestablished && !FlowState.isAssured(st)) {
                return f;
            }
        }
        return NONE;
    }

    // ---- persistence (io.ftpalg.engine.state; slow path, never per packet) ----

    /** Longs {@link #exportRecord} writes: the record as laid out above, then the cold fields, two to a long. */
    public static final int EXPORT_LONGS = RECORD_LONGS + 2;

    /**
     * Copies flow {@code flow}'s record into {@code dst[off..off+EXPORT_LONGS)}: the {@value #RECORD_LONGS} longs
     * of the record unchanged, then {@code parent << 32 | generation} and {@code parentGeneration << 32 |
     * children}.
     */
    public void exportRecord(int flow, long[] dst, int off) {
        System.arraycopy(records, base(flow), dst, off, RECORD_LONGS);
        dst[off + RECORD_LONGS] = ((long) parent[flow] << 32) | (generation[flow] & 0xFFFF_FFFFL);
        dst[off + RECORD_LONGS + 1] = ((long) parentGeneration[flow] << 32) | (children[flow] & 0xFFFF_FFFFL);
    }

    /**
     * The inverse of {@link #exportRecord}, into a table that is being restored: writes the record and its cold
     * fields, indexes nothing. {@link #rebuild} must follow once every record is in.
     */
    public void importRecord(int flow, long[] src, int off) {
        System.arraycopy(src, off, records, base(flow), RECORD_LONGS);
        long a = src[off + RECORD_LONGS];
        long b = src[off + RECORD_LONGS + 1];
        parent[flow] = (int) (a >> 32);
        generation[flow] = (int) a;
        parentGeneration[flow] = (int) (b >> 32);
        children[flow] = (int) b;
    }

    /** The generation {@link #parent} had when it was linked (for a restore's checks). */
    public int parentGeneration(int flow) {
        return parentGeneration[flow];
    }

    /** Unlinks a data connection from its control connection (a restore found the control gone). */
    public void unlinkParent(int flow) {
        parent[flow] = -1;
    }

    /**
     * After {@link #importRecord}: frees every record whose state is 0, indexes the others, rebuilds the free
     * stack, the live count and every control connection's {@link #children} count from the data connections'
     * parents (so it is exact whatever the imported counts said). A live record whose tuple is already indexed (two
     * records for one connection, from files written at two moments) is freed and counted.
     *
     * @return the number of records freed as duplicates
     */
    public int rebuild() {
        Arrays.fill(index, 0);
        freeTop = 0;
        live = 0;
        int duplicates = 0;
        for (int f = 0; f < capacity; f++) {
            children[f] = 0;
        }
        for (int f = 0; f < capacity; f++) {
            if (state(f) != 0) {
                if (lookupTuple(f, ORIGINAL) != NONE || lookupTuple(f, REPLY) != NONE) {
                    records[base(f) + STATE_SESSION] = stateSession(0, -1);
                    duplicates++;
                } else {
                    insert(f);
                    live++;
                    continue;
                }
            }
            records[base(f) + STATE_SESSION] = stateSession(0, -1);
            parent[f] = -1;
        }
        for (int f = capacity - 1; f >= 0; f--) {
            if (state(f) == 0) {
                freeStack[freeTop++] = f;
            }
        }
        for (int f = 0; f < capacity; f++) {
            int p = parent[f];
            if (state(f) != 0 && p >= 0) {
                if (state(p) != 0 && generation[p] == parentGeneration[f]) {
                    children[p]++;
                } else {
                    parent[f] = -1;
                }
            }
        }
        return duplicates;
    }

    private int lookupTuple(int flow, int dir) {
        int b = tupleBase(flow, dir);
        return lookup(records[b], records[b + 1], records[b + 2], records[b + 3], records[b + 4]);
    }

    /**
     * For a data connection: true when its {@link #parent} is still the control connection it was linked to (the
     * record was not freed and reused since). For the operator's listings.
     */
    public boolean parentLive(int flow) {
        int p = parent[flow];
        return p >= 0 && inUse(p) && generation[p] == parentGeneration[flow];
    }

    /**
     * A stable identifier of one direction's tuple (Suricata's {@code flow_id}): a 53-bit positive number, so that
     * JSON readers that hold numbers as doubles keep it exact. Listings and events of one connection carry the same
     * id (both compute it from the ORIGINAL tuple, see {@link #flowId(int, long, long, long, long, long)}).
     */
    public long flowId(int flow) {
        int b = tupleBase(flow, ORIGINAL);
        long[] r = records;
        return flowId(metaVersion(r[b + 4]), r[b], r[b + 1], r[b + 2], r[b + 3], r[b + 4]);
    }

    /** See {@link #flowId(int)}; {@code meta} as {@link #meta}; the version is taken from it. */
    public static long flowId(int ipVersion, long srcHi, long srcLo, long dstHi, long dstLo, long meta) {
        long h = (meta | ipVersion) * 0x9E3779B97F4A7C15L;
        h = (h ^ srcLo) * 0xBF58476D1CE4E5B9L;
        h = (h ^ dstLo) * 0x94D049BB133111EBL;
        h = (h ^ srcHi) * 0x9E3779B97F4A7C15L;
        h = (h ^ dstHi) * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        return (h & ((1L << 53) - 1)) | 1;
    }

    /** A short text of one direction's tuple, for reports (slow path). */
    public String describe(int flow, int dir) {
        long m = meta(flow, dir);
        return Addresses.format(metaVersion(m), srcHi(flow, dir), srcLo(flow, dir), metaSrcPort(m))
                + " -> "
                + Addresses.format(metaVersion(m), dstHi(flow, dir), dstLo(flow, dir), metaDstPort(m))
                + " " + protoName(metaProto(m));
    }

    static String protoName(int proto) {
        switch (proto) {
            case 6:
                return "tcp";
            case 17:
                return "udp";
            case 1:
                return "icmp";
            case 58:
                return "icmpv6";
            default:
                return "proto-" + proto;
        }
    }
}
