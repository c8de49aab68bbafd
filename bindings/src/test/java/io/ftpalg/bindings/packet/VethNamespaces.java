package io.ftpalg.bindings.packet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Two fresh network namespaces {@code fab-XXXXXX-a} and {@code fab-XXXXXX-b} joined by one veth pair,
 * {@link #IF_A} in A and {@link #IF_B} in B, both up, IPv6 off (no router solicitations or DAD frames in
 * the rings), no addresses. Nothing in the root namespace is touched: the pair is created inside A ({@code ip
 * -n A link add ... peer ... netns B}). {@link #close()} deletes both namespaces, which destroys the pair; a
 * shutdown hook does it too if the JVM exits first.
 */
final class VethNamespaces implements AutoCloseable {
    static final String IF_A = "fab0a";
    static final String IF_B = "fab0b";

    final String nsA;
    final String nsB;
    private final List<String> created = new ArrayList<>();
    private final Thread hook;

    private VethNamespaces(String tag) {
        nsA = "fab-" + tag + "-a";
        nsB = "fab-" + tag + "-b";
        hook = new Thread(this::deleteAll, "fab-netns-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    static VethNamespaces create() throws IOException {
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        VethNamespaces v = new VethNamespaces(tag);
        try {
            for (String ns : List.of(v.nsA, v.nsB)) {
                run("ip", "netns", "add", ns);
                v.created.add(ns);
                run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
                run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
            }
            run("ip", "-n", v.nsA, "link", "add", IF_A, "type", "veth", "peer", "name", IF_B, "netns", v.nsB);
            run("ip", "-n", v.nsA, "link", "set", IF_A, "up");
            run("ip", "-n", v.nsB, "link", "set", IF_B, "up");
            return v;
        } catch (IOException | RuntimeException e) {
            v.close();
            throw e;
        }
    }

    /** Runs {@code body} on this thread inside namespace A, then returns the thread to where it was. */
    <T> T inA(Callable<T> body) throws Exception {
        return NetNs.callIn(nsA, body);
    }

    <T> T inB(Callable<T> body) throws Exception {
        return NetNs.callIn(nsB, body);
    }

    /** {@code ip netns exec NS cmd...}, returning stdout. */
    String exec(String ns, String... cmd) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(List.of(cmd));
        return run(all.toArray(String[]::new));
    }

    static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", cmd));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    private synchronized void deleteAll() {
        for (String ns : created) {
            try {
                run("ip", "netns", "del", ns);
            } catch (IOException e) {
                System.err.println("could not delete network namespace " + ns + ": " + e.getMessage());
            }
        }
        created.clear();
    }

    @Override
    public void close() {
        deleteAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
