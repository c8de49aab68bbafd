package io.ftpalg.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Little-endian buffered file output shared by the writers; no allocation after construction. */
final class OutputBuffer implements AutoCloseable {
    private static final int BUFFER_SIZE = 1 << 20;
    private static final byte[] ZEROS = new byte[4];

    private final FileChannel channel;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_SIZE).order(ByteOrder.LITTLE_ENDIAN);

    OutputBuffer(Path out) throws IOException {
        channel = FileChannel.open(
                out, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    void putShort(int v) throws IOException {
        room(2);
        buf.putShort((short) v);
    }

    void putInt(int v) throws IOException {
        room(4);
        buf.putInt(v);
    }

    void putLong(long v) throws IOException {
        room(8);
        buf.putLong(v);
    }

    /** Writes {@code len} bytes, then zeros up to the next multiple of 4 when {@code pad}. */
    void put(byte[] src, int off, int len, boolean pad) throws IOException {
        int padding = pad ? -len & 3 : 0;
        while (len > 0) {
            if (!buf.hasRemaining()) {
                drain();
            }
            int n = Math.min(len, buf.remaining());
            buf.put(src, off, n);
            off += n;
            len -= n;
        }
        if (padding != 0) {
            room(padding);
            buf.put(ZEROS, 0, padding);
        }
    }

    private void room(int n) throws IOException {
        if (buf.remaining() < n) {
            drain();
        }
    }

    private void drain() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        buf.clear();
    }

    void flush() throws IOException {
        drain();
    }

    @Override
    public void close() throws IOException {
        try {
            drain();
        } finally {
            channel.close();
        }
    }
}
