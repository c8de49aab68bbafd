package io.ftpalg.bindings.packet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Moves the <em>calling thread</em> into a named network namespace ({@code ip netns add NAME}, which
 * bind-mounts it at {@code /var/run/netns/NAME}) with {@code setns(2)}, and back.
 *
 * <p>setns(CLONE_NEWNET) changes only the calling thread's namespace, so the rest of the JVM stays where
 * it is. Sockets keep the namespace they were created in: open the AF_PACKET sockets ({@link PacketRxRing},
 * {@link PacketTx}), and resolve interfaces ({@link InterfaceInfo}, {@link Offloads}), while inside, then
 * leave; the sockets may afterwards be used from any thread. {@code /sys} and child processes are
 * <em>not</em> affected (they follow the mount namespace and the process): use {@code ip netns exec} for
 * commands.
 *
 * <pre>{@code
 * try (NetNs.Scope in = NetNs.enter("fab-1234-a")) {
 *     rx = PacketRxRing.open("a0", PacketRxRing.Config.defaults());
 * }
 * }</pre>
 *
 * Needs CAP_SYS_ADMIN (root). Not for pooled threads that outlive the scope without closing it.
 */
public final class NetNs {
    /** Where {@code ip netns} keeps its namespaces. */
    public static final Path NETNS_DIR = Path.of("/var/run/netns");

    private NetNs() {}

    /** True if {@code ip netns add name} created a namespace of that name. */
    public static boolean exists(String name) {
        return Files.exists(path(name));
    }

    /** The bind mount of a named namespace. */
    public static Path path(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a network namespace name: '" + name + "'");
        }
        return NETNS_DIR.resolve(name);
    }

    /**
     * Moves the calling thread into namespace {@code name}; {@link Scope#close()} moves it back to the
     * namespace it was in before (held open as {@code /proc/thread-self/ns/net} until then).
     */
    public static Scope enter(String name) throws PacketIoException {
        return enterPath(path(name).toString(), name);
    }

    /** Like {@link #enter(String)} for any namespace file, e.g. {@code /proc/PID/ns/net}. */
    public static Scope enterPath(String nsFile, String label) throws PacketIoException {
        LibC.ensureLoaded();
        int previous = LibC.open("/proc/thread-self/ns/net", PacketSyscalls.O_RDONLY | PacketSyscalls.O_CLOEXEC);
        if (previous < 0) {
            throw PacketSyscalls.failure("open /proc/thread-self/ns/net");
        }
        int target = LibC.open(nsFile, PacketSyscalls.O_RDONLY | PacketSyscalls.O_CLOEXEC);
        if (target < 0) {
            PacketIoException e = PacketSyscalls.failure("open network namespace " + nsFile);
            LibC.close(previous);
            throw e;
        }
        try {
            if (LibC.setns(target, PacketSyscalls.CLONE_NEWNET) < 0) {
                PacketIoException e = PacketSyscalls.failure("setns(CLONE_NEWNET) into " + label
                        + (LibC.errno() == PacketSyscalls.EPERM ? " (needs CAP_SYS_ADMIN)" : ""));
                LibC.close(previous);
                throw e;
            }
        } finally {
            LibC.close(target);
        }
        return new Scope(previous, label, Thread.currentThread());
    }

    /** Runs {@code body} on the calling thread inside namespace {@code name}, then moves the thread back. */
    public static <T> T callIn(String name, Callable<T> body) throws Exception {
        Scope scope = enter(name);
        try {
            return body.call();
        } finally {
            scope.close();
        }
    }

    /** The calling thread's time in a namespace; {@link #close()} returns it to where it was. */
    public static final class Scope implements AutoCloseable {
        private int previousFd;
        private final String label;
        private final Thread thread;

        private Scope(int previousFd, String label, Thread thread) {
            this.previousFd = previousFd;
            this.label = label;
            this.thread = thread;
        }

        /** The namespace name (or file) entered. */
        public String name() {
            return label;
        }

        /**
         * Moves the thread back. Must run on the thread that entered.
         *
         * @throws IllegalStateException if the thread could not return: it must then not be reused
         */
        @Override
        public void close() {
            if (previousFd < 0) {
                return;
            }
            if (Thread.currentThread() != thread) {
                throw new IllegalStateException("NetNs scope closed on another thread than the one that entered");
            }
            int fd = previousFd;
            previousFd = -1;
            try {
                if (LibC.setns(fd, PacketSyscalls.CLONE_NEWNET) < 0) {
                    throw new IllegalStateException(
                            PacketSyscalls.failure("setns back from " + label).getMessage());
                }
            } finally {
                LibC.close(fd);
            }
        }
    }
}
