package io.ftpalg.engine.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Network-order (big-endian) accessors over a {@code byte[]}, the primitive every header view is built on.
 *
 * <p>Wire fields are unsigned; getters widen them ({@code u16} to {@code int}, {@code u32} to {@code long}) so
 * that callers never see a negative port or sequence number. No bounds are checked beyond the JVM's own array
 * checks: views validate lengths once, at decode time, and then read freely.
 */
public final class Bytes {
    private static final VarHandle U16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle U64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {}

    public static int u8(byte[] b, int off) {
        return b[off] & 0xFF;
    }

    public static void u8(byte[] b, int off, int v) {
        b[off] = (byte) v;
    }

    public static int u16(byte[] b, int off) {
        return ((short) U16.get(b, off)) & 0xFFFF;
    }

    public static void u16(byte[] b, int off, int v) {
        U16.set(b, off, (short) v);
    }

    public static long u32(byte[] b, int off) {
        return ((int) U32.get(b, off)) & 0xFFFF_FFFFL;
    }

    public static int i32(byte[] b, int off) {
        return (int) U32.get(b, off);
    }

    public static void u32(byte[] b, int off, long v) {
        U32.set(b, off, (int) v);
    }

    public static long i64(byte[] b, int off) {
        return (long) U64.get(b, off);
    }

    public static void i64(byte[] b, int off, long v) {
        U64.set(b, off, v);
    }
}
