package io.ftpalg.engine.state;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A memory-mapped file of fixed-size records, each guarded by a checksum, with a versioned header. What a table
 * of the engine writes here is its records in their in-memory layout (see {@code FlowTable#exportRecord}); this
 * class knows nothing of their meaning.
 *
 * <h2>Layout (native byte order, recorded in the header)</h2>
 *
 * <pre>
 *  offset  0     magic "FTPALGST"            long
 *          8     kind ("flows", "sessions"), 8 ASCII bytes
 *         16     format version              long   ({@link #FORMAT_VERSION})
 *         24     record payload longs        long
 *         32     record count                long
 *         40     byte order (1 = little)     long
 *         48     params[8]                   longs  (table sizes the records depend on: capacity, line length...)
 *        112     checksum of bytes 0..111    long
 *        128     stamp A: sequence, wall ms, clean, checksum   4 longs
 *        160     stamp B: the same                             4 longs
 *       4096     record 0: checksum, payload[recordLongs]
 *                record 1 ...
 * </pre>
 *
 * <h2>Torn records</h2>
 *
 * A process can be killed between any two stores. A record is written payload first, checksum last, so a record
 * caught half-written has a checksum that does not match its payload: {@link #read} says {@link #TORN} and the
 * caller drops it. A checksum of 0 means the record was never written (or cleared). The two stamps are written
 * alternately, so a kill while one is being written leaves the other, one sync older. The static part of the
 * header is written once, when the file is created; a mismatch of its checksum means the file is damaged.
 *
 * <p>Slow path only: records are written at sync points between packets, never per packet.
 */
public final class StateFile implements AutoCloseable {
    /** Version of this layout (and of the record layouts the engine writes into it). */
    public static final long FORMAT_VERSION = 1;

    public static final int EMPTY = 0;
    public static final int VALID = 1;
    public static final int TORN = 2;

    static final int HEADER_BYTES = 4096;
    static final int PARAMS = 8;
    private static final long MAGIC = 0x4654_5041_4C47_5354L; // "FTPALGST"
    private static final int OFF_KIND = 8;
    private static final int OFF_VERSION = 16;
    private static final int OFF_RECORD_LONGS = 24;
    private static final int OFF_RECORDS = 32;
    private static final int OFF_ORDER = 40;
    private static final int OFF_PARAMS = 48;
    private static final int OFF_HEADER_SUM = 112;
    private static final int OFF_STAMP = 128;
    private static final int STAMP_BYTES = 32;

    private final Path path;
    private final FileChannel channel;
    private final MappedByteBuffer map;
    private final int recordLongs;
    private final int records;
    private final int stride;
    private final boolean loaded;
    private long stampSeq;
    private long savedWallMs = -1;
    private boolean wasClean;

    private StateFile(
            Path path, FileChannel channel, MappedByteBuffer map, int recordLongs, int records, boolean loaded) {
        this.path = path;
        this.channel = channel;
        this.map = map;
        this.recordLongs = recordLongs;
        this.records = records;
        this.stride = (recordLongs + 1) * 8;
        this.loaded = loaded;
    }

    /**
     * Opens {@code path}, creating it empty when it does not exist.
     *
     * @param kind what the file holds, up to 8 ASCII characters
     * @param params up to {@value #PARAMS} numbers the record layout depends on; an existing file written with
     *     other values is refused (the records would not fit)
     * @param rebuild when the existing file is of another version, for other params or damaged: true replaces it
     *     with an empty one, false refuses with a {@link StateException} that says why
     */
    public static StateFile open(Path path, String kind, long[] params, int recordLongs, int records, boolean rebuild) {
        if (params.length > PARAMS || kind.length() > 8) {
            throw new IllegalArgumentException("at most " + PARAMS + " params and 8 characters of kind");
        }
        long size = HEADER_BYTES + (long) records * (recordLongs + 1) * 8;
        if (size > Integer.MAX_VALUE) {
            throw new StateException(path + ": " + records + " records of " + recordLongs * 8
                    + " bytes do not fit one mapping (2 GiB); lower the table size");
        }
        try {
            boolean exists = Files.exists(path);
            if (exists) {
                String why = incompatible(path, kind, params, recordLongs, records, size);
                if (why != null) {
                    if (!rebuild) {
                        throw new StateException("state file " + path + " " + why
                                + ": refusing to use it (run with --state-reset to start with empty state, or move"
                                + " the directory away)");
                    }
                    Files.delete(path);
                    exists = false;
                }
            }
            FileChannel ch = FileChannel.open(
                    path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (!exists) {
                // Zeros written out, not a sparse file: a worker's first store into a page of the mapping must not
                // make the file system allocate blocks (a page fault that waits for the disk). Zero = never written.
                ch.truncate(0);
                java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocate(1 << 20);
                for (long pos = 0; pos < size; ) {
                    zeros.clear();
                    zeros.limit((int) Math.min(zeros.capacity(), size - pos));
                    pos += ch.write(zeros, pos);
                }
            }
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
            m.order(ByteOrder.nativeOrder());
            StateFile f = new StateFile(path, ch, m, recordLongs, records, exists);
            if (exists) {
                f.readStamps();
            } else {
                f.writeHeader(kind, params);
            }
            return f;
        } catch (IOException e) {
            throw new StateException("cannot open state file " + path + ": " + e.getMessage(), e);
        }
    }

    /** Why an existing file cannot be used as it is, or null. Reads it with plain I/O (no mapping yet). */
    private static String incompatible(Path path, String kind, long[] params, int recordLongs, int records, long size)
            throws IOException {
        long actual = Files.size(path);
        if (actual < HEADER_BYTES) {
            return "is damaged (" + actual + " bytes, shorter than its header)";
        }
        java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(OFF_STAMP).order(ByteOrder.nativeOrder());
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            while (h.hasRemaining() && ch.read(h, h.position()) > 0) {
                // read the static header
            }
        }
        if (h.getLong(0) != MAGIC) {
            return "is not an ftp-alg state file (bad magic)";
        }
        if (h.getLong(OFF_ORDER) != (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 1 : 2)) {
            return "was written on a machine of the other byte order";
        }
        if (checksum(h, 0, OFF_HEADER_SUM / 8, 0) != h.getLong(OFF_HEADER_SUM)) {
            return "is damaged (header checksum mismatch)";
        }
        if (h.getLong(OFF_VERSION) != FORMAT_VERSION) {
            return "has format version " + h.getLong(OFF_VERSION) + "; this build reads version " + FORMAT_VERSION;
        }
        if (h.getLong(OFF_KIND) != kindLong(kind)) {
            return "holds '" + kindString(h.getLong(OFF_KIND)) + "', not '" + kind + "'";
        }
        for (int i = 0; i < PARAMS; i++) {
            long want = i < params.length ? params[i] : 0;
            long have = h.getLong(OFF_PARAMS + i * 8);
            if (want != have) {
                return "was written for other table sizes (parameter " + i + " is " + have + ", the config asks for "
                        + want + ")";
            }
        }
        if (h.getLong(OFF_RECORD_LONGS) != recordLongs || h.getLong(OFF_RECORDS) != records) {
            return "has another record layout (" + h.getLong(OFF_RECORDS) + " x " + h.getLong(OFF_RECORD_LONGS)
                    + " longs, expected " + records + " x " + recordLongs + ")";
        }
        if (actual != size) {
            return "is damaged (" + actual + " bytes, expected " + size + ")";
        }
        return null;
    }

    private void writeHeader(String kind, long[] params) {
        map.putLong(0, MAGIC);
        map.putLong(OFF_KIND, kindLong(kind));
        map.putLong(OFF_VERSION, FORMAT_VERSION);
        map.putLong(OFF_RECORD_LONGS, recordLongs);
        map.putLong(OFF_RECORDS, records);
        map.putLong(OFF_ORDER, ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 1 : 2);
        for (int i = 0; i < PARAMS; i++) {
            map.putLong(OFF_PARAMS + i * 8, i < params.length ? params[i] : 0);
        }
        map.putLong(OFF_HEADER_SUM, checksum(map, 0, OFF_HEADER_SUM / 8, 0));
    }

    private static long kindLong(String kind) {
        byte[] b = kind.getBytes(StandardCharsets.US_ASCII);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (i < b.length ? b[i] & 0xFF : 0);
        }
        return v;
    }

    private static String kindString(long v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            int c = (int) (v >>> (56 - 8 * i)) & 0xFF;
            if (c != 0) {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    private void readStamps() {
        long best = -1;
        for (int k = 0; k < 2; k++) {
            int o = OFF_STAMP + k * STAMP_BYTES;
            long seq = map.getLong(o);
            if (seq > best && checksum(map, o, 3, 0) == map.getLong(o + 24)) {
                best = seq;
                savedWallMs = map.getLong(o + 8);
                wasClean = map.getLong(o + 16) == 1;
            }
        }
        stampSeq = Math.max(best, 0);
    }

    /**
     * Records the wall-clock time of the sync just written and whether the file was closed cleanly (into the
     * older of the two stamps).
     */
    public void stamp(long wallMs, boolean clean) {
        stampSeq++;
        int o = OFF_STAMP + (int) (stampSeq & 1) * STAMP_BYTES;
        map.putLong(o + 24, 0);
        map.putLong(o, stampSeq);
        map.putLong(o + 8, wallMs);
        map.putLong(o + 16, clean ? 1 : 0);
        map.putLong(o + 24, checksum(map, o, 3, 0));
    }

    /** True when an existing file was opened (false: created empty now). */
    public boolean loaded() {
        return loaded;
    }

    /** Whether the last writer closed the file cleanly (false after a crash or kill). */
    public boolean wasClean() {
        return wasClean;
    }

    /** Wall-clock ms of the last sync of an existing file, or -1 when unknown (new file, or both stamps torn). */
    public long savedWallMs() {
        return savedWallMs;
    }

    public int records() {
        return records;
    }

    public int recordLongs() {
        return recordLongs;
    }

    public Path path() {
        return path;
    }

    private int recordOffset(int i) {
        return HEADER_BYTES + i * stride;
    }

    /** Reads record {@code i} into {@code dst[off..off+recordLongs)}: {@link #EMPTY}, {@link #VALID} or {@link #TORN}. */
    public int read(int i, long[] dst, int off) {
        int o = recordOffset(i);
        long sum = map.getLong(o);
        if (sum == 0) {
            return EMPTY;
        }
        for (int k = 0; k < recordLongs; k++) {
            dst[off + k] = map.getLong(o + 8 + k * 8);
        }
        return sum == checksum(dst, off, recordLongs, i) ? VALID : TORN;
    }

    /**
     * Writes record {@code i} from {@code src[off..off+recordLongs)} unless the file already holds exactly that
     * (its checksum matches): unchanged records cost a read, not a dirty page. Returns whether it wrote.
     */
    public boolean write(int i, long[] src, int off) {
        int o = recordOffset(i);
        long sum = checksum(src, off, recordLongs, i);
        if (map.getLong(o) == sum) {
            return false;
        }
        for (int k = 0; k < recordLongs; k++) {
            map.putLong(o + 8 + k * 8, src[off + k]);
        }
        map.putLong(o, sum);
        return true;
    }

    /** Marks record {@code i} empty (a free slot of the table). Returns whether it changed anything. */
    public boolean clear(int i) {
        int o = recordOffset(i);
        if (map.getLong(o) == 0) {
            return false;
        }
        map.putLong(o, 0);
        return true;
    }

    /** Whether record {@code i} holds anything (its checksum is not 0). */
    public boolean occupied(int i) {
        return map.getLong(recordOffset(i)) != 0;
    }

    /** Test hook: overwrites one payload long of record {@code i} without touching its checksum (a torn write). */
    void tearForTest(int i, int longIndex, long value) {
        map.putLong(recordOffset(i) + 8 + longIndex * 8, value);
    }

    /** Flushes the mapping to the disk (clean stop; a kill needs no flush: the page cache keeps what was written). */
    public void force() {
        map.force();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing useful to do at close
        }
    }

    /**
     * 64-bit checksum of {@code n} longs, seeded with the record index so that a record copied to the wrong slot
     * does not pass. Never 0 (0 marks an empty record).
     */
    static long checksum(long[] a, int off, int n, int seed) {
        long h = 0x9E37_79B9_7F4A_7C15L ^ (seed * 0xC2B2_AE3D_27D4_EB4FL);
        for (int k = 0; k < n; k++) {
            h = (h ^ a[off + k]) * 0xBF58_476D_1CE4_E5B9L;
            h ^= h >>> 31;
        }
        h = (h ^ (h >>> 29)) * 0x94D0_49BB_1331_11EBL;
        h ^= h >>> 32;
        return h == 0 ? 1 : h;
    }

    private static long checksum(java.nio.ByteBuffer b, int off, int n, int seed) {
        long[] a = new long[n];
        for (int k = 0; k < n; k++) {
            a[k] = b.getLong(off + k * 8);
        }
        return checksum(a, 0, n, seed);
    }
}
