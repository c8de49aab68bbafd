package io.ftpalg.cli.analyze;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One direction of a TCP connection put back in order (off the hot path, written plainly): the bytes as the
 * receiver's application reads them, which frame delivered each byte, the retransmissions, the gaps (bytes never
 * captured), and the highest acknowledgement the other side sent for it.
 *
 * <p>Sequence numbers are 32-bit and wrap (RFC 9293 3.4): positions are kept as offsets from the first byte,
 * {@link #base}, compared as signed 32-bit differences.
 */
final class Stream {
    /** A run of bytes of the stream delivered by one frame. */
    record Chunk(long offset, int length, Frame frame) {}

    /** A frame whose bytes had all or partly been delivered already: a retransmission (RFC 9293 3.8.1). */
    record Retransmission(long offset, int length, Frame frame) {}

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<Chunk> chunks = new ArrayList<>();
    final List<Retransmission> retransmissions = new ArrayList<>();
    /** Segments beyond a hole, by their offset, until the hole is filled (or the capture ends). */
    private final TreeMap<Long, Frame> pending = new TreeMap<>();

    /** Sequence number of stream offset 0; -1 until the first SYN or data segment. */
    long base = -1;
    /** Offset of the next byte expected. */
    long next;
    /** Bytes never seen (holes skipped at the end of the capture). */
    long gapBytes;
    /** Highest acknowledgement (as a stream offset) the other side sent; -1 for none. */
    long acked = -1;
    /** Frame that carried {@link #acked} first. */
    Frame ackFrame;

    /** A frame of this direction. */
    void add(Frame f) {
        if (f.syn()) {
            if (base < 0) {
                base = (f.seq + 1) & 0xFFFF_FFFFL;
            }
            return; // data on a SYN (TCP Fast Open) is not followed
        }
        if (f.payload.length == 0) {
            return;
        }
        if (base < 0) {
            base = f.seq; // the capture started after the handshake
        }
        long off = offset(f.seq);
        if (off > next) {
            pending.putIfAbsent(off, f);
            return;
        }
        deliver(off, f);
        drain();
    }

    /** An acknowledgement for this direction, sent by the other side. */
    void ack(Frame f) {
        if (base < 0 || !f.ackFlag()) {
            return;
        }
        long off = offset(f.ack);
        if (off > acked && off <= next + (1L << 30)) {
            acked = off;
            ackFrame = f;
        }
    }

    /** Ends the capture: segments still beyond a hole are delivered, the hole counted as missing bytes. */
    void finish() {
        while (!pending.isEmpty()) {
            Map.Entry<Long, Frame> e = pending.pollFirstEntry();
            if (e.getKey() > next) {
                gapBytes += e.getKey() - next;
                next = e.getKey();
            }
            deliver(e.getKey(), e.getValue());
            drain();
        }
    }

    private void drain() {
        while (!pending.isEmpty() && pending.firstKey() <= next) {
            Map.Entry<Long, Frame> e = pending.pollFirstEntry();
            deliver(e.getKey(), e.getValue());
        }
    }

    private void deliver(long off, Frame f) {
        int len = f.payload.length;
        if (off < next) {
            retransmissions.add(new Retransmission(off, len, f));
        }
        long skip = next - off;
        if (skip >= len) {
            return;
        }
        int from = (int) Math.max(0, skip);
        bytes.write(f.payload, from, len - from);
        chunks.add(new Chunk(next, len - from, f));
        next += len - from;
    }

    /** Stream offset of sequence number {@code seq}: a signed 32-bit distance from {@link #base}. */
    long offset(long seq) {
        return (int) (seq - base);
    }

    /** Sequence number of stream offset {@code off}. */
    long seqOf(long off) {
        return (base + off) & 0xFFFF_FFFFL;
    }

    byte[] data() {
        return bytes.toByteArray();
    }

    /** The frame that delivered byte {@code off}, or null. */
    Frame frameAt(long off) {
        int lo = 0;
        int hi = chunks.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Chunk c = chunks.get(mid);
            if (off < c.offset) {
                hi = mid - 1;
            } else if (off >= c.offset + c.length) {
                lo = mid + 1;
            } else {
                return c.frame;
            }
        }
        return null;
    }

    /** Distinct frames that delivered bytes in {@code [from, to)}, in order. */
    List<Frame> framesIn(long from, long to) {
        List<Frame> out = new ArrayList<>();
        for (Chunk c : chunks) {
            if (c.offset + c.length > from && c.offset < to && (out.isEmpty() || out.get(out.size() - 1) != c.frame)) {
                out.add(c.frame);
            }
        }
        return out;
    }

    /** Retransmissions that overlap {@code [from, to)}. */
    List<Frame> retransmissionsIn(long from, long to) {
        List<Frame> out = new ArrayList<>();
        for (Retransmission r : retransmissions) {
            if (r.offset + r.length > from && r.offset < to) {
                out.add(r.frame);
            }
        }
        return out;
    }
}
