package io.ftpalg.bindings.packet;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * capget(2)/capset(2) for the calling <em>thread</em> (the raw syscalls act per thread; libcap's
 * process-wide behaviour is not wanted here): lets a test drop CAP_NET_RAW from one thread's effective set
 * and raise it again, so the no-capability path is tested without a second process.
 */
final class Caps {
    static final int CAP_NET_RAW = 13;
    private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;

    static {
        Native.register(Caps.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private Caps() {}

    private static native int capget(int[] header, int[] data);

    private static native int capset(int[] header, int[] data);

    /** Sets whether {@code cap} is in this thread's effective set; returns false if capset failed. */
    static boolean setEffective(int cap, boolean on) {
        int[] header = {LINUX_CAPABILITY_VERSION_3, 0};
        int[] data = new int[6]; // 2 x {effective, permitted, inheritable}
        if (capget(header, data) != 0) {
            return false;
        }
        int word = cap / 32 * 3;
        int bit = 1 << (cap % 32);
        data[word] = on ? data[word] | bit : data[word] & ~bit;
        return capset(header, data) == 0;
    }

    /** True if {@code cap} is in this thread's effective set. */
    static boolean hasEffective(int cap) {
        int[] header = {LINUX_CAPABILITY_VERSION_3, 0};
        int[] data = new int[6];
        return capget(header, data) == 0 && (data[cap / 32 * 3] & (1 << (cap % 32))) != 0;
    }
}
