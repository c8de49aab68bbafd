package io.ftpalg.bindings.packet;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteOrder;

/**
 * Direct-mapped (JNA {@link Native#register}) glibc calls for AF_PACKET sockets, their rings and network
 * namespaces. Direct mapping passes {@code int}, {@code long}, {@link Pointer} and primitive arrays without
 * per-call objects, so {@link #poll}, {@link #send} and {@link #sendto} are fit for the packet loop.
 *
 * <p>Every call returns the raw C result; on failure ({@code -1}, or {@code MAP_FAILED} for {@link #mmap})
 * the C {@code errno} is read with {@link #errno()} ({@link Native#getLastError()}, which JNA saves per
 * thread right after each call). {@link PacketSyscalls} wraps the setup calls into checked ones that throw
 * {@link PacketIoException} with {@code strerror} text; the hot calls are left to the caller.
 *
 * <p>64-bit little-endian Linux only (x86_64, aarch64): {@code size_t}, {@code ssize_t}, {@code nfds_t} and {@code unsigned
 * long} are mapped as Java {@code long}.
 */
public final class LibC {
    private static final Throwable LOAD_ERROR;

    static {
        Throwable error = null;
        try {
            if (!Platform.isLinux() || !Platform.is64Bit() || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
                throw new UnsatisfiedLinkError("AF_PACKET bindings need 64-bit little-endian Linux, not "
                        + Platform.ARCH + " " + System.getProperty("os.name"));
            }
            Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            error = e;
        }
        LOAD_ERROR = error;
    }

    private LibC() {}

    /** Throws a clear {@link UnsatisfiedLinkError} if the C library could not be bound (not 64-bit Linux). */
    public static void ensureLoaded() {
        if (LOAD_ERROR != null) {
            UnsatisfiedLinkError e =
                    new UnsatisfiedLinkError("libc could not be bound for AF_PACKET: " + LOAD_ERROR.getMessage());
            e.initCause(LOAD_ERROR);
            throw e;
        }
    }

    /** True if the C library was found and bound. */
    public static boolean isAvailable() {
        return LOAD_ERROR == null;
    }

    /** The {@code errno} left by the last native call on this thread. */
    public static int errno() {
        return Native.getLastError();
    }

    /** {@code int socket(int domain, int type, int protocol)}. */
    public static native int socket(int domain, int type, int protocol);

    /** {@code int bind(int fd, const struct sockaddr *addr, socklen_t len)}. */
    public static native int bind(int fd, byte[] addr, int len);

    /** {@code int setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen)}. */
    public static native int setsockopt(int fd, int level, int optname, byte[] optval, int optlen);

    /** {@code int getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen)}. */
    public static native int getsockopt(int fd, int level, int optname, byte[] optval, int[] optlen);

    /** {@code void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)}. */
    public static native Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset);

    /** {@code int munmap(void *addr, size_t length)}. */
    public static native int munmap(Pointer addr, long length);

    /** {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout)}. */
    public static native int poll(Pointer fds, long nfds, int timeoutMs);

    /**
     * {@code ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *dest,
     * socklen_t addrlen)}. The buffers are passed as raw addresses ({@link Pointer#nativeValue}) so that a
     * slot inside a larger mapping needs no {@link Pointer} object per call; {@code dest} may be 0 on a
     * bound packet socket.
     */
    public static native long sendto(int fd, long buf, long len, int flags, long dest, int addrlen);

    /**
     * {@code ssize_t send(int fd, const void *buf, size_t len, int flags)} ({@code buf} as a raw address).
     * {@code send(fd, NULL, 0, 0)} on a socket with a TX ring transmits every frame marked {@code
     * TP_STATUS_SEND_REQUEST} (packet(7)); without MSG_DONTWAIT it returns once the kernel released them.
     */
    public static native long send(int fd, long buf, long len, int flags);

    /** {@code int close(int fd)}. */
    public static native int close(int fd);

    /** {@code unsigned int if_nametoindex(const char *ifname)}: 0 (errno ENODEV) if there is no such device. */
    public static native int if_nametoindex(String ifname);

    /** {@code int ioctl(int fd, unsigned long request, void *arg)} (SIOCGIFFLAGS and friends, SIOCETHTOOL). */
    public static native int ioctl(int fd, long request, Pointer arg);

    /** {@code int open(const char *path, int flags)}. */
    public static native int open(String path, int flags);

    /** {@code int setns(int fd, int nstype)}: moves the calling thread (only) into a namespace. */
    public static native int setns(int fd, int nstype);

    /** {@code char *strerror(int errnum)}. */
    public static native String strerror(int errnum);

    /** {@code int getpagesize(void)}. */
    public static native int getpagesize();
}
