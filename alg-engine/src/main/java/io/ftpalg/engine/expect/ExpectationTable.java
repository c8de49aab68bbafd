package io.ftpalg.engine.expect;

import io.ftpalg.engine.codec.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

/**
 * Expected FTP data connections, in an off-heap Chronicle Map (keys and values fixed-size byte records), plus a
 * small primitive index per control session that enforces the per-session cap, finds expectations to expire and
 * removes a session's expectations when its control connection ends.
 *
 * <p>Only the slow path comes here: a negotiation creates an entry, and a new connection that matches no flow
 * consumes one. Established packets never touch the map. Every entry is one-shot: consuming it removes it.
 *
 * <pre>
 * key   (40 bytes)  peerHi peerLo dstHi dstLo | dstPort&lt;&lt;32 | 6&lt;&lt;8 | ipVersion
 * value (96 bytes)  realDstHi realDstLo realDstPort newSrcHi newSrcLo ingressPort controlFlow controlGeneration
 *                   session deadlineMs createdMs
 * </pre>
 *
 * <p>Caps: {@code maxPerSession} per control session (a new one replaces the session's oldest, as Linux's
 * {@code max_expected} does), {@code maxTotal} overall (then creation is refused and counted). Memory at the cap:
 * Chronicle's per-entry overhead plus 136 bytes, and {@code 48 * maxPerSession} bytes per session of index.
 *
 * <p>No call allocates: the key and value are encoded into two reused arrays, each wrapped once in a Chronicle
 * {@link BytesStore} at construction, and every map access goes through those stores ({@code queryContext(store,
 * 0, KEY_SIZE)}, {@code wrapValueBytesAsData(store, 0, VALUE_SIZE)}, values read back with
 * {@code bytes().read(...)} into the reused array). Passing the {@code byte[]} itself ({@code queryContext(key)},
 * {@code wrapValueAsData(value)}) made Chronicle wrap it anew on every call: about 192 bytes of garbage each
 * ({@code HeapBytesStore} and its reference-counting objects), 576-768 bytes per PORT line.
 */
public final class ExpectationTable implements AutoCloseable {
    static final int KEY_SIZE = 40;
    static final int VALUE_SIZE = 96;
    private static final int IDX_LONGS = 6; // key (5 longs) + deadline

    private final ChronicleMap<byte[], byte[]> map;
    private final int maxPerSession;
    private final int maxTotal;
    private final byte[] key = new byte[KEY_SIZE];
    private final byte[] value = new byte[VALUE_SIZE];
    /** {@link #key} and {@link #value} as Chronicle sees them, wrapped once (see the class comment). */
    private final BytesStore<?, byte[]> keyStore = BytesStore.wrap(key);

    private final BytesStore<?, byte[]> valueStore = BytesStore.wrap(value);
    /** Scratch for a key that moves from one session to another in {@link #create}. */
    private final Expectation moved = new Expectation();

    /** Per session: number of live expectations, then up to maxPerSession (key, deadline) in creation order. */
    private final int[] sessionCount;

    private final long[] sessionIndex;
    private int total;
    private final KeyFilter filter;
    private int sweepSession;

    public ExpectationTable(int sessions, int maxPerSession, int maxTotal) {
        this(sessions, maxPerSession, maxTotal, null);
    }

    /**
     * @param persistTo the file of a persisted Chronicle Map (created, or recovered when it exists: Chronicle's
     *     {@code recoverPersistedTo} resets the locks of a process that was killed holding them and repairs its
     *     segments); null keeps the map in memory. A restored map's entries are not yet indexed: call {@link
     *     #restore}. The caller guards the file's format (its sizes) with a versioned header of its own.
     */
    public ExpectationTable(int sessions, int maxPerSession, int maxTotal, java.io.File persistTo) {
        this.maxPerSession = Math.max(1, maxPerSession);
        this.maxTotal = Math.max(1, maxTotal);
        this.sessionCount = new int[sessions];
        this.sessionIndex = new long[sessions * this.maxPerSession * IDX_LONGS];
        this.filter = new KeyFilter(this.maxTotal);
        var builder = ChronicleMap.of(byte[].class, byte[].class)
                .name("ftp-alg-expectations")
                .entries(this.maxTotal)
                .constantKeySizeBySample(new byte[KEY_SIZE])
                .constantValueSizeBySample(new byte[VALUE_SIZE]);
        if (persistTo == null) {
            this.map = builder.create();
        } else {
            try {
                this.map = persistTo.exists()
                        ? builder.recoverPersistedTo(persistTo, true, corruption -> recoveredCorruptions++)
                        : builder.createPersistedTo(persistTo);
            } catch (java.io.IOException | RuntimeException e) {
                throw new IllegalStateException(
                        "cannot open the expectation map " + persistTo + ": " + e.getMessage(), e);
            }
        }
    }

    /** Corruptions Chronicle reported (and repaired) while recovering a persisted map. */
    private int recoveredCorruptions;

    public int recoveredCorruptions() {
        return recoveredCorruptions;
    }

    /** Decides, at a restore, whether an expectation found in the persisted map is kept. */
    public interface Keep {
        boolean keep(Expectation e);
    }

    /**
     * Indexes the entries of a recovered persisted map (slow path, at start): each is decoded, its times moved by
     * {@code shiftMs}, and kept when {@code keep} says so and its session has room (oldest first, as created);
     * every other entry is removed from the map. Returns how many were kept.
     */
    public int restore(long shiftMs, Keep keep) {
        java.util.List<Expectation> all = new java.util.ArrayList<>();
        java.util.List<byte[]> drop = new java.util.ArrayList<>();
        for (java.util.Map.Entry<byte[], byte[]> en : map.entrySet()) {
            System.arraycopy(en.getKey(), 0, key, 0, KEY_SIZE);
            System.arraycopy(en.getValue(), 0, value, 0, VALUE_SIZE);
            Expectation e = new Expectation();
            decode(e);
            e.createdMs += shiftMs;
            e.deadlineMs += shiftMs;
            if (e.session >= 0 && e.session < sessionCount.length && keep.keep(e)) {
                all.add(e);
            } else {
                drop.add(en.getKey().clone());
            }
        }
        for (byte[] k : drop) {
            map.remove(k);
        }
        all.sort(java.util.Comparator.comparingLong(x -> x.createdMs));
        int kept = 0;
        for (Expectation e : all) {
            encodeKey(e.ipVersion, e.peerHi, e.peerLo, e.dstHi, e.dstLo, e.dstPort);
            if (sessionCount[e.session] >= maxPerSession || total >= maxTotal) {
                map.remove(key.clone());
                continue;
            }
            encodeValue(e);
            map.put(key.clone(), value.clone());
            int i = sessionCount[e.session]++;
            writeIndex((e.session * maxPerSession + i) * IDX_LONGS, e);
            filter.add(hash(e.ipVersion, e.peerHi, e.peerLo, e.dstHi, e.dstLo, e.dstPort));
            total++;
            kept++;
        }
        return kept;
    }

    public int size() {
        return total;
    }

    /** Off-heap bytes the Chronicle Map uses (sized for the cap at creation). */
    public long offHeapBytes() {
        return map.offHeapMemoryUsed();
    }

    public int maxTotal() {
        return maxTotal;
    }

    /** Outcome of {@link #create}. */
    public static final int CREATED = 0;

    public static final int REPLACED_OLDEST = 1;
    public static final int REFUSED_FULL = 2;

    /** Outcome of {@link #consume}. */
    public static final int NO_MATCH = 0;

    public static final int MATCHED = 1;
    public static final int EXPIRED = 2;

    /**
     * Adds an expectation for {@code e.session}. If the session is at its cap its oldest expectation is removed
     * first and copied into {@code replaced} (for the report).
     *
     * <p>A key the session already has (a client repeating PORT with the same port) is refreshed in place: that
     * neither grows the table nor counts against either cap. A key another session has moves to this one.
     */
    public int create(Expectation e, Expectation replaced) {
        int s = e.session;
        int owner = owner(e);
        if (owner >= 0 && owner != s) {
            int i = indexOf(owner, e);
            if (i >= 0) {
                removeAt(owner, i, moved);
            }
            owner = -1;
        }
        if (owner == s) {
            encodeKey(e.ipVersion, e.peerHi, e.peerLo, e.dstHi, e.dstLo, e.dstPort);
            encodeValue(e);
            try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(keyStore, 0, KEY_SIZE)) {
                c.updateLock().lock();
                MapEntry<byte[], byte[]> entry = c.entry();
                if (entry != null) {
                    c.replaceValue(entry, c.wrapValueBytesAsData(valueStore, 0, VALUE_SIZE));
                }
            }
            refreshIndex(s, e);
            return CREATED;
        }
        int result = CREATED;
        if (sessionCount[s] >= maxPerSession) {
            removeAt(s, 0, replaced);
            result = REPLACED_OLDEST;
        } else if (total >= maxTotal) {
            return REFUSED_FULL;
        }
        // removeAt above reuses the key and value buffers: encode after it.
        encodeKey(e.ipVersion, e.peerHi, e.peerLo, e.dstHi, e.dstLo, e.dstPort);
        encodeValue(e);
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(keyStore, 0, KEY_SIZE)) {
            c.updateLock().lock();
            c.insert(c.absentEntry(), c.wrapValueBytesAsData(valueStore, 0, VALUE_SIZE));
        }
        int i = sessionCount[s]++;
        writeIndex((s * maxPerSession + i) * IDX_LONGS, e);
        filter.add(hash(e.ipVersion, e.peerHi, e.peerLo, e.dstHi, e.dstLo, e.dstPort));
        total++;
        return result;
    }

    /** The session holding {@code e}'s key, or -1. Leaves the key encoded and the value (if any) decoded. */
    private int owner(Expectation e) {
        if (!filter.mayContain(hash(e.ipVersion, e.peerHi, e.peerLo, e.dstHi, e.dstLo, e.dstPort))) {
            return -1;
        }
        encodeKey(e.ipVersion, e.peerHi, e.peerLo, e.dstHi, e.dstLo, e.dstPort);
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(keyStore, 0, KEY_SIZE)) {
            MapEntry<byte[], byte[]> entry = c.entry();
            if (entry == null) {
                return -1;
            }
            readValue(entry.value());
        }
        return (int) Bytes.i64(value, 48);
    }

    /**
     * Finds and removes the expectation a new connection matches. Expired entries are removed and not returned.
     *
     * @return {@link #MATCHED} ({@code out} holds it), {@link #EXPIRED} (it was removed, {@code out} holds it)
     *     or {@link #NO_MATCH}
     */
    public int consume(
            int ipVersion, long peerHi, long peerLo, long dstHi, long dstLo, int dstPort, long nowMs, Expectation out) {
        long h = hash(ipVersion, peerHi, peerLo, dstHi, dstLo, dstPort);
        if (total == 0 || !filter.mayContain(h)) {
            return NO_MATCH;
        }
        encodeKey(ipVersion, peerHi, peerLo, dstHi, dstLo, dstPort);
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(keyStore, 0, KEY_SIZE)) {
            c.updateLock().lock();
            MapEntry<byte[], byte[]> entry = c.entry();
            if (entry == null) {
                return NO_MATCH;
            }
            readValue(entry.value());
            c.remove(entry);
        }
        decode(out);
        unindex(out.session, out);
        filter.remove(h);
        total--;
        return out.deadlineMs - nowMs > 0 ? MATCHED : EXPIRED;
    }

    /**
     * True if an expectation with this key exists for a control flow other than {@code controlFlow} (the NAT port
     * choice steps past such ports).
     */
    public boolean exists(
            int ipVersion, long peerHi, long peerLo, long dstHi, long dstLo, int dstPort, int controlFlow) {
        if (total == 0 || !filter.mayContain(hash(ipVersion, peerHi, peerLo, dstHi, dstLo, dstPort))) {
            return false;
        }
        encodeKey(ipVersion, peerHi, peerLo, dstHi, dstLo, dstPort);
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(keyStore, 0, KEY_SIZE)) {
            MapEntry<byte[], byte[]> entry = c.entry();
            if (entry == null) {
                return false;
            }
            readValue(entry.value());
        }
        return (int) (Bytes.i64(value, 40) >>> 32) != controlFlow;
    }

    /** Live expectations of one session. */
    public int sessionSize(int session) {
        return sessionCount[session];
    }

    /**
     * Removes every expectation of a session (its control connection ended), copying each into {@code sink}
     * before calling {@code onRemoved}. Returns how many were removed.
     */
    public int removeSession(int session, Expectation scratch, Removed onRemoved) {
        int n = 0;
        while (sessionCount[session] > 0) {
            removeAt(session, sessionCount[session] - 1, scratch);
            if (onRemoved != null) {
                onRemoved.removed(scratch);
            }
            n++;
        }
        return n;
    }

    /**
     * Expires up to {@code budget} sessions' worth of timed-out expectations, moving a cursor over the sessions.
     * Returns the number expired; each is passed to {@code onExpired}.
     */
    public int sweep(long nowMs, int budget, Expectation scratch, Removed onExpired) {
        if (total == 0) {
            return 0;
        }
        int expired = 0;
        int sessions = sessionCount.length;
        for (int n = 0; n < budget; n++) {
            int s = sweepSession;
            sweepSession = sweepSession + 1 == sessions ? 0 : sweepSession + 1;
            for (int i = sessionCount[s] - 1; i >= 0; i--) {
                long deadline = sessionIndex[(s * maxPerSession + i) * IDX_LONGS + 5];
                if (deadline - nowMs <= 0) {
                    removeAt(s, i, scratch);
                    if (onExpired != null) {
                        onExpired.removed(scratch);
                    }
                    expired++;
                }
            }
        }
        return expired;
    }

    /**
     * The live expectations, one line each, sorted: {@code "tcp 198.51.100.20 -> 203.0.113.1:50000"} (what a data
     * connection must look like to be admitted). For reports and tests; allocates.
     */
    public java.util.List<String> describeLive() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int s = 0; s < sessionCount.length; s++) {
            for (int i = 0; i < sessionCount[s]; i++) {
                int b = (s * maxPerSession + i) * IDX_LONGS;
                long meta = sessionIndex[b + 4];
                int v = (int) meta & 0xFF;
                int port = (int) (meta >>> 32);
                out.add("tcp " + io.ftpalg.engine.flow.Addresses.format(v, sessionIndex[b], sessionIndex[b + 1], -1)
                        + " -> "
                        + io.ftpalg.engine.flow.Addresses.format(v, sessionIndex[b + 2], sessionIndex[b + 3], port));
            }
        }
        java.util.Collections.sort(out);
        return out;
    }

    /**
     * Copies live expectations into {@code scratch} one at a time and hands each to {@code visitor}, whole sessions
     * at a time, from session {@code fromSession} on, stopping before a session whose expectations would take the
     * total past {@code maxEntries} (at least one session is always visited). No allocation. For the operator's
     * listing, chunk by chunk on the worker thread.
     *
     * @return the session to continue from, or -1 when every session has been visited
     */
    public int visit(int fromSession, int maxEntries, Expectation scratch, Removed visitor) {
        int n = 0;
        int s = fromSession;
        for (; s < sessionCount.length; s++) {
            int c = sessionCount[s];
            if (c == 0) {
                continue;
            }
            if (n > 0 && n + c > maxEntries) {
                return s;
            }
            for (int i = 0; i < c; i++) {
                int b = (s * maxPerSession + i) * IDX_LONGS;
                for (int k = 0; k < 5; k++) {
                    Bytes.i64(key, k * 8, sessionIndex[b + k]);
                }
                try (ExternalMapQueryContext<byte[], byte[], ?> q = map.queryContext(keyStore, 0, KEY_SIZE)) {
                    MapEntry<byte[], byte[]> entry = q.entry();
                    if (entry == null) {
                        continue;
                    }
                    readValue(entry.value());
                }
                decode(scratch);
                visitor.removed(scratch);
                n++;
            }
        }
        return -1;
    }

    /** Removes every expectation (an operator's flush), each passed to {@code onRemoved}; returns how many. */
    public int removeAll(Expectation scratch, Removed onRemoved) {
        int n = 0;
        for (int s = 0; s < sessionCount.length && total > 0; s++) {
            n += removeSession(s, scratch, onRemoved);
        }
        return n;
    }

    /** Callback for removed expectations (slow path). */
    public interface Removed {
        void removed(Expectation e);
    }

    private void removeAt(int s, int i, Expectation out) {
        int b = (s * maxPerSession + i) * IDX_LONGS;
        for (int k = 0; k < 5; k++) {
            Bytes.i64(key, k * 8, sessionIndex[b + k]);
        }
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(keyStore, 0, KEY_SIZE)) {
            c.updateLock().lock();
            MapEntry<byte[], byte[]> entry = c.entry();
            if (entry != null) {
                readValue(entry.value());
                c.remove(entry);
                decode(out);
            }
        }
        filter.remove(KeyFilter.hash(
                sessionIndex[b], sessionIndex[b + 1], sessionIndex[b + 2], sessionIndex[b + 3], sessionIndex[b + 4]));
        int last = sessionCount[s] - 1;
        int base = s * maxPerSession * IDX_LONGS;
        System.arraycopy(
                sessionIndex, base + (i + 1) * IDX_LONGS, sessionIndex, base + i * IDX_LONGS, (last - i) * IDX_LONGS);
        sessionCount[s] = last;
        total--;
    }

    private void unindex(int s, Expectation e) {
        int n = sessionCount[s];
        for (int i = 0; i < n; i++) {
            int b = (s * maxPerSession + i) * IDX_LONGS;
            if (matches(b, e)) {
                int base = s * maxPerSession * IDX_LONGS;
                System.arraycopy(
                        sessionIndex,
                        base + (i + 1) * IDX_LONGS,
                        sessionIndex,
                        base + i * IDX_LONGS,
                        (n - 1 - i) * IDX_LONGS);
                sessionCount[s] = n - 1;
                return;
            }
        }
    }

    private int indexOf(int s, Expectation e) {
        int n = sessionCount[s];
        for (int i = 0; i < n; i++) {
            if (matches((s * maxPerSession + i) * IDX_LONGS, e)) {
                return i;
            }
        }
        return -1;
    }

    private void refreshIndex(int s, Expectation e) {
        int n = sessionCount[s];
        for (int i = 0; i < n; i++) {
            int b = (s * maxPerSession + i) * IDX_LONGS;
            if (matches(b, e)) {
                sessionIndex[b + 5] = e.deadlineMs;
                return;
            }
        }
    }

    private boolean matches(int b, Expectation e) {
        return sessionIndex[b] == e.peerHi
                && sessionIndex[b + 1] == e.peerLo
                && sessionIndex[b + 2] == e.dstHi
                && sessionIndex[b + 3] == e.dstLo
                && sessionIndex[b + 4] == keyMeta(e.ipVersion, e.dstPort);
    }

    private void writeIndex(int b, Expectation e) {
        sessionIndex[b] = e.peerHi;
        sessionIndex[b + 1] = e.peerLo;
        sessionIndex[b + 2] = e.dstHi;
        sessionIndex[b + 3] = e.dstLo;
        sessionIndex[b + 4] = keyMeta(e.ipVersion, e.dstPort);
        sessionIndex[b + 5] = e.deadlineMs;
    }

    private static long hash(int ipVersion, long peerHi, long peerLo, long dstHi, long dstLo, int dstPort) {
        return KeyFilter.hash(peerHi, peerLo, dstHi, dstLo, keyMeta(ipVersion, dstPort));
    }

    private static long keyMeta(int ipVersion, int dstPort) {
        return ((long) dstPort << 32) | (6L << 8) | ipVersion;
    }

    private void encodeKey(int ipVersion, long peerHi, long peerLo, long dstHi, long dstLo, int dstPort) {
        Bytes.i64(key, 0, peerHi);
        Bytes.i64(key, 8, peerLo);
        Bytes.i64(key, 16, dstHi);
        Bytes.i64(key, 24, dstLo);
        Bytes.i64(key, 32, keyMeta(ipVersion, dstPort));
    }

    private void encodeValue(Expectation e) {
        Bytes.i64(value, 0, e.realDstHi);
        Bytes.i64(value, 8, e.realDstLo);
        Bytes.i64(value, 16, ((long) e.realDstPort << 32) | (e.ingressPort & 0xFFFF_FFFFL));
        Bytes.i64(value, 24, e.newSrcHi);
        Bytes.i64(value, 32, e.newSrcLo);
        Bytes.i64(value, 40, ((long) e.controlFlow << 32) | (e.controlGeneration & 0xFFFF_FFFFL));
        Bytes.i64(value, 48, e.session);
        Bytes.i64(value, 56, e.deadlineMs);
        Bytes.i64(value, 64, e.createdMs);
    }

    /** Copies an entry's value into {@link #value} (its bytes, no deserialiser). */
    private void readValue(Data<byte[]> v) {
        v.bytes().read(v.offset(), value, 0, VALUE_SIZE);
    }

    private void decode(Expectation out) {
        long meta = Bytes.i64(key, 32);
        out.ipVersion = (int) meta & 0xFF;
        out.dstPort = (int) (meta >>> 32);
        out.peerHi = Bytes.i64(key, 0);
        out.peerLo = Bytes.i64(key, 8);
        out.dstHi = Bytes.i64(key, 16);
        out.dstLo = Bytes.i64(key, 24);
        out.realDstHi = Bytes.i64(value, 0);
        out.realDstLo = Bytes.i64(value, 8);
        long p = Bytes.i64(value, 16);
        out.realDstPort = (int) (p >>> 32);
        out.ingressPort = (int) p;
        out.newSrcHi = Bytes.i64(value, 24);
        out.newSrcLo = Bytes.i64(value, 32);
        long cf = Bytes.i64(value, 40);
        out.controlFlow = (int) (cf >>> 32);
        out.controlGeneration = (int) cf;
        out.session = (int) Bytes.i64(value, 48);
        out.deadlineMs = Bytes.i64(value, 56);
        out.createdMs = Bytes.i64(value, 64);
    }

    @Override
    public void close() {
        map.close();
    }
}
