package io.ftpalg.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class HostGuardTest {
    @Test
    void oneMessageForEveryPortWithTheCommands() {
        String m = HostGuard.message(List.of(
                new HostGuard.Finding("eth1", List.of("192.0.2.1/24"), true, false),
                new HostGuard.Finding("eth2", List.of(), false, true)));
        assertTrue(m.contains("\n    eth1: addresses 192.0.2.1/24 ipv4-forwarding"), m);
        assertTrue(m.contains("\n    eth2: ipv6-forwarding"), m);
        assertTrue(
                m.contains("fix: ip addr flush dev eth1 scope global; sysctl -w net.ipv4.conf.eth1.forwarding=0;"
                        + " sysctl -w net.ipv6.conf.eth2.forwarding=0"),
                m);
        assertTrue(m.contains("--host-guard"), m);
    }

    @Test
    void loopbackIsNotAPortButIsSeen() {
        // lo has 127.0.0.1/8: inspect reports it (the check reads real interfaces).
        List<HostGuard.Finding> f = HostGuard.inspect("lo");
        assertEquals(1, f.size());
        assertTrue(f.get(0).addresses().contains("127.0.0.1/8"), f.toString());
    }

    /** The rules parse with the real nft (check mode, nothing installed). */
    @Test
    @Tag("root")
    void rulesAreValidNftables() throws Exception {
        Process p = new ProcessBuilder("nft", "-c", "-f", "-")
                .redirectErrorStream(true)
                .start();
        p.getOutputStream()
                .write(HostGuard.rules("ftp_alg_guard_test", "eth1", "eth2").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
    }
}
