package io.ftpalg.pcap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Hand-builds capture files byte by byte, in either byte order, for tests. */
final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order;

    Bytes(ByteOrder order) {
        this.order = order;
    }

    Bytes order(ByteOrder o) {
        order = o;
        return this;
    }

    Bytes u8(int v) {
        out.write(v);
        return this;
    }

    Bytes u16(int v) {
        return raw(ByteBuffer.allocate(2).order(order).putShort((short) v).array());
    }

    Bytes u32(int v) {
        return raw(ByteBuffer.allocate(4).order(order).putInt(v).array());
    }

    Bytes u64(long v) {
        return raw(ByteBuffer.allocate(8).order(order).putLong(v).array());
    }

    Bytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    Bytes pad4() {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    // ------------------------------------------------------------ pcapng blocks

    /** A whole block: type, total length, body (padded), total length. */
    Bytes block(int type, byte[] body) {
        int total = 12 + ((body.length + 3) & ~3);
        return u32(type).u32(total).raw(body).pad4().u32(total);
    }

    Bytes shb() {
        Bytes body = new Bytes(order).u32(0x1A2B3C4D).u16(1).u16(0).u64(-1);
        return block(0x0A0D0D0A, body.toByteArray());
    }

    Bytes idb(int linkType, int snapLen, String name, Integer tsresol, Long tsOffsetSeconds) {
        Bytes body = new Bytes(order).u16(linkType).u16(0).u32(snapLen);
        if (name != null) {
            body.option(2, name.getBytes(StandardCharsets.UTF_8));
        }
        if (tsresol != null) {
            body.option(9, new byte[] {(byte) (int) tsresol});
        }
        if (tsOffsetSeconds != null) {
            body.option(14, new Bytes(order).u64(tsOffsetSeconds).toByteArray());
        }
        body.u16(0).u16(0);
        return block(1, body.toByteArray());
    }

    Bytes epb(int ifId, long ts, byte[] data, int origLen, String comment) {
        Bytes body = new Bytes(order)
                .u32(ifId)
                .u32((int) (ts >>> 32))
                .u32((int) ts)
                .u32(data.length)
                .u32(origLen)
                .raw(data)
                .pad4();
        if (comment != null) {
            body.option(1, comment.getBytes(StandardCharsets.UTF_8)).u16(0).u16(0);
        }
        return block(6, body.toByteArray());
    }

    Bytes opb(int ifId, long ts, byte[] data, String comment) {
        Bytes body = new Bytes(order)
                .u16(ifId)
                .u16(0)
                .u32((int) (ts >>> 32))
                .u32((int) ts)
                .u32(data.length)
                .u32(data.length)
                .raw(data)
                .pad4();
        if (comment != null) {
            body.option(1, comment.getBytes(StandardCharsets.UTF_8)).u16(0).u16(0);
        }
        return block(2, body.toByteArray());
    }

    Bytes spb(byte[] data, int origLen) {
        return block(3, new Bytes(order).u32(origLen).raw(data).toByteArray());
    }

    Bytes option(int code, byte[] value) {
        return u16(code).u16(value.length).raw(value).pad4();
    }

    static byte[] payload(int n, int seed) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 31 + seed);
        }
        return p;
    }
}
