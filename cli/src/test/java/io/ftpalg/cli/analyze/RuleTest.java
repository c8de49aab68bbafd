package io.ftpalg.cli.analyze;

import static io.ftpalg.cli.analyze.AnalyzeTestSupport.analyze;
import static io.ftpalg.cli.analyze.AnalyzeTestSupport.modes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.cli.replay.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One synthetic capture per diagnosis rule (and its working counterpart), with exactly the modes each must give:
 * a rule that fires too often fails the cases of the others, one that does not fire fails its own. Synthetic on
 * purpose (each builds exactly the frames a rule reads); the real captures are in {@link GoldenAnalysisTest}.
 */
class RuleTest {
    interface Scenario {
        void write(Synth s) throws Exception;
    }

    @TempDir
    Path tmp;

    static final String C = "192.0.2.10";
    static final String S = "198.51.100.20";
    static final String NAT = "203.0.113.1";

    static Arguments c(String name, Scenario s, String... modes) {
        return Arguments.of(name, s, List.of(modes));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                c("working active and passive", s -> {
                    Synth.Tcp t = s.tcp("eth0", C, 40000, S, 21).login();
                    active(s, t, C, 20, 50000, true);
                    passive(s, t, S, 30000);
                }),
                c(
                        "PORT names the client's inside address, seen at the server",
                        s -> {
                            Synth.Tcp t = s.tcp("eth0", NAT, 40000, S, 21).login();
                            t.client("PORT 192,0,2,10,195,80\r\n").server("500 Illegal PORT command.\r\n");
                        },
                        "port-address-not-rewritten"),
                c(
                        "PORT refused by the server, seen at the client",
                        s -> {
                            Synth.Tcp t = s.tcp("eth0", C, 40000, S, 21).login();
                            t.client("PORT 192,0,2,10,195,80\r\n").server("500 Illegal PORT command.\r\n");
                        },
                        "port-address-not-rewritten"),
                c(
                        "PORT names a private address, server never connects",
                        s -> {
                            Synth.Tcp t =
                                    s.tcp("eth0", "10.1.2.3", 40000, S, 21).login();
                            t.client("PORT 10,1,2,3,195,80\r\n").server("200 PORT command successful.\r\n");
                            t.client("LIST\r\n").after(20).server("425 Failed to establish connection.\r\n");
                        },
                        "port-address-not-rewritten"),
                c(
                        "227 names the server's inside address; the data SYN to it is unanswered",
                        s -> {
                            Synth.Tcp t = s.tcp("eth0", "198.51.100.10", 40000, NAT, 21)
                                    .login();
                            t.client("PASV\r\n").server("227 Entering Passive Mode (192,0,2,20,117,48).\r\n");
                            t.client("LIST\r\n");
                            Synth.Tcp d = s.tcp("eth0", "198.51.100.10", 45000, "192.0.2.20", 30000)
                                    .syn();
                            s.after(1);
                            d.synAgain();
                            s.after(2);
                            d.synAgain();
                        },
                        "pasv-address-private"),
                c(
                        "passive data connection unanswered (firewall in front of the server)",
                        s -> {
                            Synth.Tcp t = s.tcp("eth0", C, 40000, S, 21).login();
                            t.client("PASV\r\n").server("227 Entering Passive Mode (198,51,100,20,117,48).\r\n");
                            t.client("LIST\r\n");
                            Synth.Tcp d = s.tcp("eth0", C, 45000, S, 30000).syn();
                            s.after(1);
                            d.synAgain();
                            s.after(2);
                            d.synAgain();
                            s.after(20);
                            t.server("425 Failed to establish connection.\r\n");
                        },
                        "data-connection-unanswered"),
                c(
                        "passive data connection reset",
                        s -> {
                            Synth.Tcp t = s.tcp("eth0", C, 40000, S, 21).login();
                            t.client("EPSV\r\n").server("229 Entering Extended Passive Mode (|||30000|)\r\n");
                            t.client("LIST\r\n");
                            s.tcp("eth0", C, 45000, S, 30000).syn().rstFromServer();
                        },
                        "data-connection-reset"),
                c(
                        "passive data connection refused by ICMP",
                        s -> {
                            Synth.Tcp t = s.tcp("eth0", C, 40000, S, 21).login();
                            t.client("PASV\r\n").server("227 Entering Passive Mode (198,51,100,20,117,48).\r\n");
                            t.client("LIST\r\n");
                            Synth.Tcp d = s.tcp("eth0", C, 45000, S, 30000).syn();
                            s.icmpUnreachable("eth0", "192.0.2.1", d, 13);
                        },
                        "data-connection-icmp-error"),
                c(
                        "passive and active both fail: deadlock",
                        s -> {
                            Synth.Tcp t = s.tcp("eth0", C, 40000, S, 21).login();
                            t.client("PASV\r\n").server("227 Entering Passive Mode (198,51,100,20,117,48).\r\n");
                            t.client("LIST\r\n");
                            Synth.Tcp d = s.tcp("eth0", C, 45000, S, 30000).syn();
                            s.after(3);
                            d.synAgain();
                            s.after(20);
                            t.server("425 Failed to establish connection.\r\n");
                            t.client("PORT 192,0,2,10,195,80\r\n").server("200 PORT command successful.\r\n");
                            t.client("LIST\r\n");
                            Synth.Tcp a = s.tcp("eth0", S, 20, C, 50000).syn();
                            s.after(3);
                            a.synAgain();
                            s.after(20);
                            t.server("425 Failed to establish connection.\r\n");
                        },
                        "data-connection-unanswered",
                        "deadlock-both-sides"),
                c(
                        "active data from an ephemeral port, reset at the client",
                        s -> {
                            Synth.Tcp t = s.tcp("eth0", C, 40000, S, 21).login();
                            t.client("PORT 192,0,2,10,195,80\r\n").server("200 PORT command successful.\r\n");
                            t.client("RETR f\r\n");
                            s.tcp("eth0", S, 41234, C, 50000).syn().rstFromServer();
                            t.server("425 Failed to establish connection.\r\n");
                        },
                        "data-connection-reset",
                        "data-source-port-refused"),
                c(
                        "control on 2121, 227 not rewritten",
                        s -> {
                            Synth.Tcp t = s.tcp("eth0", "198.51.100.10", 40000, NAT, 2121)
                                    .login();
                            t.client("PASV\r\n").server("227 Entering Passive Mode (192,0,2,20,117,48).\r\n");
                            t.client("LIST\r\n");
                        },
                        "nonstandard-port-not-inspected",
                        "pasv-address-private"),
                c(
                        "control idle during a long transfer, then QUIT unanswered",
                        s -> {
                            Synth.Tcp t = s.tcp("eth0", C, 40000, S, 21).login();
                            t.client("PASV\r\n").server("227 Entering Passive Mode (198,51,100,20,117,48).\r\n");
                            t.client("RETR big\r\n");
                            Synth.Tcp d = s.tcp("eth0", C, 45000, S, 30000).handshake();
                            t.server("150 Opening BINARY mode data connection.\r\n");
                            for (int i = 0; i < 10; i++) {
                                s.after(6);
                                d.serverData(1000);
                            }
                            d.closeByServer();
                            s.after(30);
                            t.client("QUIT\r\n", false);
                            s.after(1);
                            t.clientAt(6, "QUIT\r\n");
                            s.after(2);
                            t.clientAt(6, "QUIT\r\n");
                        },
                        "control-timeout-during-transfer"),
                c(
                        "data connection at another backend of a load balancer",
                        s -> {
                            Synth.Tcp t = s.tcp("lb-inside", "198.51.100.10", 40000, "192.0.2.21", 21)
                                    .atServer(2)
                                    .login();
                            t.client("PASV\r\n").server("227 Entering Passive Mode (203,0,113,1,117,48).\r\n");
                            t.client("LIST\r\n");
                            Synth.Tcp d = s.tcp("lb-inside", "198.51.100.10", 45000, "192.0.2.22", 30000)
                                    .syn();
                            d.rstFromServer();
                            t.after(20).server("425 Failed to establish connection.\r\n");
                        },
                        "load-balancer-backend-mismatch"),
                c(
                        "AUTH TLS: control encrypted",
                        s -> {
                            Synth.Tcp t = s.tcp("eth0", C, 40000, S, 21).handshake();
                            t.server("220 (vsFTPd 3.0.3)\r\n");
                            t.client("AUTH TLS\r\n").server("234 Proceed with negotiation.\r\n");
                            t.client("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003");
                            t.server("\u0016\u0003\u0003\u0000\u007a\u0002\u0000\u0000\u0076");
                        },
                        "control-encrypted"),
                c(
                        "command split over two segments, never acknowledged",
                        s -> {
                            Synth.Tcp t = s.tcp("eth0", C, 40000, S, 21).login();
                            t.client("PO", false).client("RT 192,0,2,10,195,80\r\n", false);
                            s.after(1);
                            t.clientAt(24, "PO");
                            s.after(2);
                            t.clientAt(24, "PO");
                        },
                        "split-command-stalled"),
                c(
                        "transfer asked for, no data connection ever appears",
                        s -> {
                            Synth.Tcp t = s.tcp("eth0", C, 40000, S, 21).login();
                            t.client("PORT 192,0,2,10,195,80\r\n").server("200 PORT command successful.\r\n");
                            t.client("LIST\r\n").after(20).server("425 Failed to establish connection.\r\n");
                        },
                        "data-connection-never-seen"));
    }

    /** An active transfer that works: PORT, 200, RETR, the server's connection from {@code sport}, 226. */
    static void active(Synth s, Synth.Tcp t, String client, int sport, int port, boolean ok) throws Exception {
        String[] a = client.split("\\.");
        t.client("PORT " + String.join(",", a) + "," + (port >> 8) + "," + (port & 255) + "\r\n");
        t.server("200 PORT command successful.\r\n");
        t.client("RETR f\r\n");
        Synth.Tcp d = s.tcp(t.iface, t.server, sport, client, port).handshake();
        t.server("150 Opening BINARY mode data connection.\r\n");
        d.clientData(500).closeByClient();
        t.server("226 Transfer complete.\r\n");
    }

    static void passive(Synth s, Synth.Tcp t, String server, int port) throws Exception {
        t.client("PASV\r\n");
        t.server("227 Entering Passive Mode (" + server.replace('.', ',') + "," + (port >> 8) + "," + (port & 255)
                + ").\r\n");
        t.client("STOR g\r\n");
        Synth.Tcp d = s.tcp(t.iface, t.client, 45000, server, port).handshake();
        t.server("150 Ok to send data.\r\n");
        d.clientData(700).closeByClient();
        t.server("226 Transfer complete.\r\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rule(String name, Scenario scenario, List<String> expected) throws Exception {
        Path p = tmp.resolve("case.pcapng");
        try (Synth s = new Synth(p)) {
            scenario.write(s);
        }
        String dump = System.getProperty("analyze.dump");
        if (dump != null) {
            java.nio.file.Files.createDirectories(Path.of(dump));
            java.nio.file.Files.copy(
                    p,
                    Path.of(dump, name.replaceAll("[^A-Za-z0-9]+", "-") + ".pcapng"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Analysis a = analyze(p);
        assertEquals(1, a.sessions.size(), Report.text(a, false));
        assertEquals(expected, modes(a), Report.text(a, false));
        for (Finding f : a.findings) {
            assertTrue(!f.frames.isEmpty(), f.mode.id + " without evidence frames");
            assertTrue(f.frames.last() <= a.frames.get(a.frames.size() - 1).number);
        }
        String json = Json.write(Report.json(a));
        for (String m : expected) {
            assertTrue(json.contains("\"mode\": \"" + m + "\""), json);
        }
    }

    /** Evidence frames name the lines that show the fault: the PORT and its refusal. */
    @Test
    void evidenceFramesAreThePortAndItsRefusal() throws Exception {
        Path p = tmp.resolve("port.pcapng");

        try (Synth s = new Synth(p)) {
            Synth.Tcp t = s.tcp("eth0", NAT, 40000, S, 21).login();

            t.client("PORT 192,0,2,10,195,80\r\n").server("500 Illegal PORT command.\r\n");
        }
        Analysis a = analyze(p);
        Finding f = AnalyzeTestSupport.only(a, Mode.PORT_ADDRESS_NOT_REWRITTEN);
        FtpLine port = a.sessions.get(0).lines.stream()
                .filter(l -> l.text.startsWith("PORT"))
                .findFirst()
                .orElseThrow();
        FtpLine refusal = a.sessions.get(0).lines.stream()
                .filter(l -> l.code == 500)
                .findFirst()
                .orElseThrow();
        assertEquals(List.of(port.last().number, refusal.last().number), List.copyOf(f.frames));
        assertTrue(f.evidence.contains("names 192.0.2.10, but here the client is 203.0.113.1"), f.evidence);
    }

    /** {@code --inside} makes a documentation-range address private: the rule (c) of PORT then applies. */
    @Test
    void insideOptionMakesAnAddressPrivate() throws Exception {
        Path p = tmp.resolve("inside.pcapng");
        try (Synth s = new Synth(p)) {
            Synth.Tcp t = s.tcp("eth0", C, 40000, S, 21).login();
            t.client("PORT 192,0,2,10,195,80\r\n").server("200 PORT command successful.\r\n");
            t.client("LIST\r\n").after(20).server("425 Failed to establish connection.\r\n");
        }
        assertEquals(List.of("data-connection-never-seen"), modes(analyze(p)));
        Options o = new Options(
                List.of(io.ftpalg.engine.config.IpPrefix.parse("192.0.2.0/24")), List.of(), Options.DEFAULT_IDLE_NANOS);
        assertEquals(List.of("port-address-not-rewritten"), modes(Analysis.of(p, "inside", o)));
    }

    /** Premature timeout needs the silence: the same transfer with the control idle 5 s is not one. */
    @Test
    void idleThresholdMatters() throws Exception {
        Path p = tmp.resolve("idle.pcapng");
        try (Synth s = new Synth(p)) {
            Synth.Tcp t = s.tcp("eth0", C, 40000, S, 21).login();
            t.client("PASV\r\n").server("227 Entering Passive Mode (198,51,100,20,117,48).\r\n");
            t.client("RETR big\r\n");
            Synth.Tcp d = s.tcp("eth0", C, 45000, S, 30000).handshake();
            t.server("150 Opening BINARY mode data connection.\r\n");
            s.after(5);
            d.serverData(1000).closeByServer();
            t.client("QUIT\r\n", false);
            t.clientAt(6, "QUIT\r\n");
        }
        assertEquals(List.of(), modes(analyze(p)));
        Options o = new Options(List.of(), List.of(), 2_000_000_000L);
        assertEquals(List.of("control-timeout-during-transfer"), modes(Analysis.of(p, "idle", o)));
    }
}
