package io.ftpalg.cli.run;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the host's own stack out of the way on the taken-over ports. The kernel sees every frame ftp-alg sees: if
 * a port carries host addresses or the host forwards, it answers the same packets (a RST for a connection it does
 * not know, its own ARP replies, a second forwarded copy) and sessions die.
 *
 * <p>{@link #inspect} finds host addresses (other than IPv6 link-local) and IP forwarding on the ports;
 * {@link #message} says it once for all ports with the exact commands. {@link #install} ({@code run --host-guard})
 * adds nftables tables that drop what the host itself would receive, send or forward on those interfaces (inet
 * input/forward/output and arp input/output); AF_PACKET sockets are not affected (they see frames before the IP
 * stack and send past netfilter). {@link #close} removes them.
 */
final class HostGuard implements AutoCloseable {
    record Finding(String ifname, List<String> addresses, boolean v4Forwarding, boolean v6Forwarding) {
        boolean any() {
            return !addresses.isEmpty() || v4Forwarding || v6Forwarding;
        }
    }

    private final String table;

    private HostGuard(String table) {
        this.table = table;
    }

    static List<Finding> inspect(String... ifnames) {
        List<Finding> out = new ArrayList<>();
        for (String n : ifnames) {
            List<String> addrs = new ArrayList<>();
            try {
                NetworkInterface ni = NetworkInterface.getByName(n);
                if (ni != null) {
                    for (InterfaceAddress a : ni.getInterfaceAddresses()) {
                        if (a.getAddress() instanceof Inet6Address v6 && v6.isLinkLocalAddress()) {
                            continue; // every IPv6 interface has one; the host answers nothing forwarded to it
                        }
                        String s = a.getAddress().getHostAddress();
                        int pct = s.indexOf('%');
                        addrs.add((pct >= 0 ? s.substring(0, pct) : s) + "/" + a.getNetworkPrefixLength());
                    }
                }
            } catch (IOException e) {
                // unreadable: nothing to report
            }
            Finding f = new Finding(
                    n,
                    addrs,
                    "1".equals(sysctl("net/ipv4/conf/" + n + "/forwarding")),
                    "1".equals(sysctl("net/ipv6/conf/" + n + "/forwarding")));
            if (f.any()) {
                out.add(f);
            }
        }
        return out;
    }

    private static String sysctl(String key) {
        try {
            return Files.readString(Path.of("/proc/sys", key)).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** One message for every port, with the commands that clear it (or the option that guards it). */
    static String message(List<Finding> findings) {
        StringBuilder sb = new StringBuilder("the host's own IP stack is active on the taken-over ports (it would"
                + " answer or forward the same packets, and sessions would die):");
        for (Finding f : findings) {
            sb.append("\n    ").append(f.ifname()).append(':');
            if (!f.addresses().isEmpty()) {
                sb.append(" addresses ").append(String.join(" ", f.addresses()));
            }
            if (f.v4Forwarding()) {
                sb.append(" ipv4-forwarding");
            }
            if (f.v6Forwarding()) {
                sb.append(" ipv6-forwarding");
            }
        }
        sb.append("\n  fix: ");
        List<String> cmds = new ArrayList<>();
        for (Finding f : findings) {
            if (!f.addresses().isEmpty()) {
                cmds.add("ip addr flush dev " + f.ifname() + " scope global");
            }
            if (f.v4Forwarding()) {
                cmds.add("sysctl -w net.ipv4.conf." + f.ifname() + ".forwarding=0");
            }
            if (f.v6Forwarding()) {
                cmds.add("sysctl -w net.ipv6.conf." + f.ifname() + ".forwarding=0");
            }
        }
        sb.append(String.join("; ", cmds));
        sb.append("\n  or run with --host-guard (an nftables table stops the host answering and forwarding on"
                + " these ports while ftp-alg runs; README 'Preparing the host')");
        return sb.toString();
    }

    /** The nftables script {@link #install} loads. */
    static String rules(String table, String... ifnames) {
        StringBuilder set = new StringBuilder("{ ");
        for (int i = 0; i < ifnames.length; i++) {
            set.append(i > 0 ? ", " : "").append('"').append(ifnames[i]).append('"');
        }
        set.append(" }");
        return "table inet " + table + " {\n"
                + "  chain input { type filter hook input priority -300; iifname " + set + " drop; }\n"
                + "  chain forward { type filter hook forward priority -300; iifname " + set + " drop; oifname "
                + set + " drop; }\n"
                + "  chain output { type filter hook output priority -300; oifname " + set + " drop; }\n"
                + "}\n"
                + "table arp " + table + " {\n"
                + "  chain input { type filter hook input priority -300; iifname " + set + " drop; }\n"
                + "  chain output { type filter hook output priority -300; oifname " + set + " drop; }\n"
                + "}\n";
    }

    /** Installs the guard tables (needs nft and CAP_NET_ADMIN); throws with nft's message when it cannot. */
    static HostGuard install(String... ifnames) throws IOException {
        String table = "ftp_alg_guard_" + ProcessHandle.current().pid();
        nft(rules(table, ifnames), "-f", "-");
        return new HostGuard(table);
    }

    String table() {
        return table;
    }

    private static void nft(String stdin, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("nft");
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("nft not found (Debian package nftables)");
        }
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroy();
                throw new IOException("nft did not finish within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            throw new IOException("nft " + String.join(" ", args) + ": " + out);
        }
    }

    /** Removes the tables (at exit). */
    @Override
    public void close() {
        for (String family : new String[] {"inet", "arp"}) {
            try {
                nft(null, "delete", "table", family, table);
            } catch (IOException e) {
                System.err.println("ftp-alg run: could not remove the host guard: " + e.getMessage()
                        + " (remove it by hand: nft delete table " + family + " " + table + ")");
            }
        }
    }
}
