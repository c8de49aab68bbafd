package io.ftpalg.bindings.packet;

import java.io.IOException;

/**
 * A failed system call on the packet path: carries the C {@code errno} and a message that already holds
 * the {@code strerror} text and, for the common operator mistakes (no CAP_NET_RAW, no such interface), what
 * to do. {@link #getMessage()} is meant to be printed as it is, without a stack trace.
 */
public class PacketIoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public PacketIoException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The C errno (0 if the failure did not come from a system call). */
    public int errno() {
        return errno;
    }

    /** True for EPERM / EACCES: the process lacks a capability (CAP_NET_RAW, CAP_NET_ADMIN, CAP_SYS_ADMIN). */
    public boolean isPermissionDenied() {
        return errno == PacketSyscalls.EPERM || errno == PacketSyscalls.EACCES;
    }
}
