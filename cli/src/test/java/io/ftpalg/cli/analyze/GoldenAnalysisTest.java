package io.ftpalg.cli.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ftpalg.cli.replay.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden analyses of real captures: vsftpd and curl in network namespaces through the Linux kernel as NAT or
 * firewall, its FTP helper off (or, for snat-active-alg, on), captured with tcpdump on the client, on the
 * server, and on both sides of the gateway ({@code -i any}: one capture with both sides). Made by
 * {@code scripts/analyze-captures} (root); committed under {@code src/test/resources/io/ftpalg/cli/analyze/real/}.
 * Each analysis must equal its {@code CASE/SIDE.expected.json} (regenerate with {@code
 * -Danalyze.regenerate=true} and review), and, independently of that file, give exactly the modes listed here.
 */
class GoldenAnalysisTest {
    static final Path ROOT = Path.of("src/test/resources/io/ftpalg/cli/analyze/real");

    static Arguments c(String capture, String... modes) {
        return Arguments.of(capture, List.of(modes));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // Source NAT, active mode, no ALG: vsftpd refuses the PORT (client side); the server sees the
                // inside address in it; the gateway capture shows both.
                c("snat-active-noalg/client", "port-address-not-rewritten"),
                c("snat-active-noalg/server", "port-address-not-rewritten"),
                c("snat-active-noalg/gateway", "port-address-not-rewritten"),
                // The kernel's FTP helper on: no fault, and the two-sided capture shows the rewrite it made.
                c("snat-active-alg/client"),
                c("snat-active-alg/server"),
                c("snat-active-alg/gateway"),
                // Destination NAT, passive mode, no ALG: the 227 names the inside address; the data SYN to it
                // is dropped; the server never sees a data connection.
                c("dnat-passive-noalg/client", "pasv-address-private"),
                c("dnat-passive-noalg/server", "data-connection-never-seen"),
                c("dnat-passive-noalg/gateway", "data-connection-never-seen", "pasv-address-private"),
                // Restrictive firewall (bridge), passive, no ALG: the data SYN gets no answer.
                c("bridge-passive-noalg/client", "data-connection-unanswered"),
                c("bridge-passive-noalg/server", "data-connection-never-seen"),
                c("bridge-passive-noalg/gateway", "data-connection-never-seen", "data-connection-unanswered"),
                // Helper only on port 21: the session on 2121 is not helped (port 21 works).
                c("nonstandard-port/client", "nonstandard-port-not-inspected", "port-address-not-rewritten"),
                c("nonstandard-port/server", "nonstandard-port-not-inspected", "port-address-not-rewritten"),
                c("nonstandard-port/gateway", "nonstandard-port-not-inspected", "port-address-not-rewritten"),
                // Routed firewall, passive, no ALG, data ports rejected: with a TCP reset, with ICMP.
                c("snat-passive-reset/client", "data-connection-reset"),
                c("snat-passive-reset/server", "data-connection-never-seen"),
                c("snat-passive-reset/gateway", "data-connection-never-seen", "data-connection-reset"),
                c("snat-passive-icmp/client", "data-connection-icmp-error"),
                c("snat-passive-icmp/server", "data-connection-never-seen"),
                c("snat-passive-icmp/gateway", "data-connection-icmp-error", "data-connection-never-seen"),
                // Restrictive firewall, ftplib tries passive then active on one control connection: deadlock.
                c(
                        "bridge-deadlock/client",
                        "data-connection-never-seen",
                        "data-connection-unanswered",
                        "deadlock-both-sides"),
                c("bridge-deadlock/server", "data-connection-unanswered"),
                c(
                        "bridge-deadlock/gateway",
                        "data-connection-never-seen",
                        "data-connection-unanswered",
                        "deadlock-both-sides"),
                // The gateway forgets the idle control connection during a 20 s download: the 226 never
                // reaches the client (client side); the server's 226 is answered with a reset (server side).
                c("snat-control-timeout/client", "control-timeout-during-transfer"),
                c("snat-control-timeout/server", "control-timeout-during-transfer"),
                // FTPS (vsftpd, curl --ssl-reqd): AUTH TLS, 234, then TLS.
                c("snat-ftps/client", "control-encrypted"),
                c("snat-ftps/server", "control-encrypted"),
                c("snat-ftps/gateway", "control-encrypted"),
                // A load balancer forwarding the passive port range to another backend: seen behind it (the
                // gateway's inside), the data connection lands at 192.0.2.21, not at 192.0.2.20.
                c("lb-backend-mismatch/client", "data-connection-reset"),
                c("lb-backend-mismatch/server", "data-connection-never-seen"),
                c("lb-backend-mismatch/gateway", "data-connection-reset", "load-balancer-backend-mismatch"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void golden(String capture, List<String> modes) throws Exception {
        Path pcap = ROOT.resolve(capture + ".pcap");
        Path expected = ROOT.resolve(capture + ".expected.json");
        Analysis a = Analysis.of(pcap, capture + ".pcap", Options.defaults());
        String json = Json.write(Report.json(a));
        if (Boolean.getBoolean("analyze.regenerate")) {
            Files.writeString(expected, json, StandardCharsets.UTF_8);
        }
        assertEquals(modes, AnalyzeTestSupport.modes(a), Report.text(a, false));
        assertEquals(Files.readString(expected, StandardCharsets.UTF_8), json);
    }

    /**
     * The replay golden cases' captures (what enters ftp-alg on each side, and what it emits): every one is a
     * session that works through ftp-alg, so analyze must find no failure mode in any (the names are fixed here,
     * not globbed: a later case may show a fault on purpose). Left out: retransmit-sack-v4 and split-commands-v4,
     * whose simulated clients negotiate and then quit without a transfer, which analyze reports as
     * data-connection-never-seen (real clients negotiate only to transfer); reset-expired, which holds no FTP.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                "anyport-detected",
                "control-kept-alive",
                "demo",
                "late-syn-retransmit",
                "lb-active",
                "lb-passive",
                "lb-v6",
                "multiline-227-dnat",
                "port20-active-dnat",
                "s1-active-snat-v4",
                "s1-eprt-snat-v6",
                "s2-epsv-dnat-v6",
                "s2-passive-dnat-v4",
                "s2-pasv-public-address-v4",
                "s3-firewall-v4",
                "s3-firewall-v6",
                "s7-port-2121-v4",
                "s7-port-2121-v6",
            })
    void replayGoldenCapturesShowNoFault(String name) throws Exception {
        Path dir = Path.of("src/test/resources/io/ftpalg/cli/golden", name);
        for (String f : List.of("input.pcapng", "expected.pcapng")) {
            Analysis a = Analysis.of(dir.resolve(f), name + "/" + f, Options.defaults());
            org.junit.jupiter.api.Assertions.assertTrue(a.sessions.size() >= 1, name + "/" + f);
            assertEquals(List.of(), AnalyzeTestSupport.modes(a), Report.text(a, false));
        }
    }

    /** What the two-sided capture of the working helper shows: its rewrite, with the sequence offsets right. */
    @org.junit.jupiter.api.Test
    void kernelHelperRewriteIsShown() throws Exception {
        Analysis a = Analysis.of(ROOT.resolve("snat-active-alg/gateway.pcap"), "gw", Options.defaults());
        assertEquals(2, a.sessions.size());
        Session in = a.sessions.get(0);
        assertEquals(a.sessions.get(1), in.peer);
        FtpLine port = in.lines.stream()
                .filter(l -> l.text.startsWith("PORT "))
                .findFirst()
                .orElseThrow();
        assertEquals(
                true,
                port.otherSide.matches(
                        "device changed \"PORT 192,0,2,10,\\d+,\\d+\" to \"PORT 203,0,113,1,\\d+,\\d+\" \\(\\+1 bytes\\)"),
                port.otherSide);
        assertEquals(
                Diagnosis.Outcome.OK,
                Diagnosis.outcome(a.sessions.get(1).negotiations.get(0)));
    }
}
