package io.ftpalg.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.stats.Counters;
import io.ftpalg.engine.testing.FtpDriver;
import io.ftpalg.engine.testing.SimNet;
import io.ftpalg.engine.testing.SimNet.Conn;
import io.ftpalg.engine.testing.SimNet.Host;
import io.ftpalg.engine.testing.Wire;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scenario 7, FTP on any port: with {@code ftp detect} on and only port 21 configured, FTP on 2222 and 40021
 * works in active mode through source NAT, passive mode through destination NAT and both through a bridge
 * firewall; with detection off the data connections fail after login (the negative control); and a non-FTP
 * dialogue on the same port is never read, even when it later carries a PORT-looking line.
 */
class FtpDetectScenarioTest {
    static final String SNAT = """
            mode router
            port inside mac 02:00:00:00:00:01
            port outside mac 02:00:00:00:00:02
            snat from 192.0.2.0/24 to 203.0.113.1
            snat from 2001:db8:1::/64 to 2001:db8:ff::1
            ftp ports 21
            """;

    static String dnat(int port) {
        return """
                mode router
                port inside
                port outside
                ftp ports 21
                dnat to 203.0.113.1 port %d -> 192.0.2.20
                dnat to 2001:db8:ff::1 port %d -> 2001:db8:1::20
                """.formatted(port, port);
    }

    static final String BRIDGE = """
            mode bridge
            port inside
            port outside
            ftp ports 21
            """;

    static final String ON = "ftp detect any\n";

    static Config config(String text) throws Exception {
        return ConfigParser.parse(text, "test");
    }

    static FtpDriver outbound(SimNet net, String clientIp, String serverIp, int port) {
        FtpDriver f = new FtpDriver(
                net,
                net.host("client", clientIp, PacketSlot.PORT_INSIDE),
                net.host("server", serverIp, PacketSlot.PORT_OUTSIDE));
        return f.login(40000, serverIp, port);
    }

    static void assertAttached(Counters k) {
        assertEquals(1, k.get(Counter.FTP_DETECT_INSPECTED));
        assertEquals(1, k.get(Counter.FTP_DETECT_ATTACHED));
        assertEquals(1, k.get(Counter.FTP_CONTROL_FLOWS));
    }

    @ParameterizedTest
    @ValueSource(ints = {2222, 40021})
    void activeModeThroughSnat(int port) throws Exception {
        for (boolean v6 : new boolean[] {false, true}) {
            try (SimNet net = new SimNet(config(SNAT + ON))) {
                FtpDriver f = v6
                        ? outbound(net, "2001:db8:1::10", "2001:db8:2::20", port)
                        : outbound(net, "192.0.2.10", "198.51.100.20", port);
                for (int i = 0; i < 2; i++) {
                    byte[] file = FtpDriver.data(4000 + i * 333, i);
                    assertArrayEquals(file, f.activeRetr(v6, 50000 + i, file), "transfer " + i);
                }
                f.quit();
                assertTrue(f.c.allAcked() && f.s.allAcked());
                assertEquals(List.of(), net.errors);
                Counters k = net.engine.counters();
                assertAttached(k);
                assertEquals(2, k.get(Counter.FTP_REWRITES));
                assertEquals(2, k.get(Counter.EXPECT_USED));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2222, 40021})
    void passiveModeThroughDnat(int port) throws Exception {
        for (boolean v6 : new boolean[] {false, true}) {
            try (SimNet net = new SimNet(config(dnat(port) + ON))) {
                FtpDriver f = new FtpDriver(
                        net,
                        net.host("client", v6 ? "2001:db8:2::10" : "198.51.100.10", PacketSlot.PORT_OUTSIDE),
                        net.host("server", v6 ? "2001:db8:1::20" : "192.0.2.20", PacketSlot.PORT_INSIDE));
                f.login(40001, v6 ? "2001:db8:ff::1" : "203.0.113.1", port);
                for (int i = 0; i < 2; i++) {
                    byte[] file = FtpDriver.data(3000 + i, 20 + i);
                    assertArrayEquals(file, f.passiveStor(v6, 30000 + i, null, file), "transfer " + i);
                }
                f.quit();
                assertEquals(List.of(), net.errors);
                Counters k = net.engine.counters();
                assertAttached(k);
                assertEquals(2, k.get(Counter.EXPECT_USED));
                assertEquals(v6 ? 0 : 2, k.get(Counter.FTP_REWRITES));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2222, 40021})
    void bridgeFirewallPinholes(int port) throws Exception {
        try (SimNet net = new SimNet(config(BRIDGE + ON))) {
            Host third = net.host("third", "198.51.100.99", PacketSlot.PORT_OUTSIDE);
            FtpDriver f = outbound(net, "192.0.2.30", "198.51.100.40", port);
            byte[] file = FtpDriver.data(2500, 3);
            assertArrayEquals(file, f.activeRetr(false, 50010, file));
            byte[] up = FtpDriver.data(1700, 4);
            assertArrayEquals(up, f.passiveStor(false, 30010, null, up));
            // The pinhole was for the server only, and is used up.
            f.client.listen(50010);
            third.connect(20, "192.0.2.30", 50010);
            assertEquals(1, f.client.accepted(50010).size());
            f.quit();
            assertEquals(List.of(), net.errors);
            Counters k = net.engine.counters();
            assertAttached(k);
            assertEquals(2, k.get(Counter.EXPECT_USED));
            assertEquals(0, k.get(Counter.FTP_REWRITES));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2222, 40021})
    void detectionOffTheDataConnectionsFail(int port) throws Exception {
        try (SimNet net = new SimNet(config(SNAT))) {
            FtpDriver f = outbound(net, "192.0.2.10", "198.51.100.20", port);
            assertNull(f.activeRetr(false, 50000, FtpDriver.data(100, 1)), "active fails after login");
            assertEquals(0, net.engine.counters().get(Counter.FTP_DETECT_INSPECTED));
            assertEquals(0, net.engine.counters().get(Counter.FTP_CONTROL_FLOWS));
        }
        try (SimNet net = new SimNet(config(BRIDGE))) {
            FtpDriver f = outbound(net, "192.0.2.30", "198.51.100.40", port);
            assertNull(f.activeRetr(false, 50010, FtpDriver.data(100, 1)), "bridge: active fails after login");
        }
        try (SimNet net = new SimNet(config(dnat(port)))) {
            FtpDriver f = new FtpDriver(
                    net,
                    net.host("client", "198.51.100.10", PacketSlot.PORT_OUTSIDE),
                    net.host("server", "192.0.2.20", PacketSlot.PORT_INSIDE));
            f.login(40001, "203.0.113.1", port);
            assertNull(f.passiveStor(false, 30000, null, FtpDriver.data(100, 2)), "passive fails after login");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2222, 40021})
    void detectPortsRestrictsTheServerPorts(int port) throws Exception {
        // 'ftp detect ports' lists 40000-40100 only: FTP on 40021 is recognised, FTP on 2222 is not.
        try (SimNet net = new SimNet(config(SNAT + "ftp detect ports 40000-40100\n"))) {
            FtpDriver f = outbound(net, "192.0.2.10", "198.51.100.20", port);
            byte[] file = FtpDriver.data(900, 5);
            byte[] got = f.activeRetr(false, 50000, file);
            if (port == 40021) {
                assertArrayEquals(file, got);
                assertAttached(net.engine.counters());
            } else {
                assertNull(got);
                assertEquals(0, net.engine.counters().get(Counter.FTP_DETECT_INSPECTED));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2222, 40021})
    void smtpWithAPortLookingLineOpensNothing(int port) throws Exception {
        try (SimNet net = new SimNet(config(SNAT + ON))) {
            Host client = net.host("client", "192.0.2.10", PacketSlot.PORT_INSIDE);
            Host server = net.host("server", "198.51.100.20", PacketSlot.PORT_OUTSIDE);
            server.listen(port);
            Conn c = client.connect(40000, "198.51.100.20", port);
            Conn s = server.lastAccepted(port);
            String[][] dialogue = {
                {"S", "220 mail.example ESMTP Postfix\r\n"},
                {"C", "EHLO client.example\r\n"},
                {"S", "250-mail.example\r\n250 8BITMIME\r\n"},
                {"C", "PORT 192,0,2,10,195,80\r\n"},
                {"S", "227 Entering Passive Mode (192,0,2,10,195,81)\r\n"},
                {"C", "EPRT |1|192.0.2.10|50002|\r\n"},
            };
            for (String[] d : dialogue) {
                if (d[0].equals("S")) {
                    s.send(d[1]);
                    assertEquals(d[1], c.take(), "server bytes pass unmodified");
                } else {
                    c.send(d[1]);
                    assertEquals(d[1], s.take(), "client bytes pass unmodified");
                }
            }
            // Nobody may come in on the port the PORT-looking line named.
            client.listen(50000);
            server.connect(20, "203.0.113.1", 50000);
            assertTrue(client.accepted(50000).isEmpty(), "no pinhole");
            assertEquals(List.of(), net.errors);
            Counters k = net.engine.counters();
            assertEquals(1, k.get(Counter.FTP_DETECT_NOT_FTP_COMMAND));
            assertEquals(0, k.get(Counter.FTP_CONTROL_FLOWS));
            assertEquals(0, k.get(Counter.FTP_PORT));
            assertEquals(0, k.get(Counter.EXPECT_CREATED));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no"})
    void detectedConnectionsAreAlwaysSyntaxChecked(String syntaxCheck) throws Exception {
        // A browser's same-origin request with the custom method USER, after a 220 from a hostile server: the
        // request line passes as a first command only if it does not look like HTTP; its header lines then end
        // the reading, even with 'ftp syntax-check no'.
        try (SimNet net = new SimNet(config(SNAT + ON + "ftp syntax-check " + syntaxCheck + "\n"))) {
            Host client = net.host("client", "192.0.2.10", PacketSlot.PORT_INSIDE);
            Host server = net.host("server", "198.51.100.20", PacketSlot.PORT_OUTSIDE);
            server.listen(2222);
            Conn c = client.connect(40000, "198.51.100.20", 2222);
            Conn s = server.lastAccepted(2222);
            s.send("220 x\r\n");
            String req = "USER /x\r\nHost: 198.51.100.20:2222\r\n\r\nPORT 192,0,2,10,195,80\r\n";
            c.send(req);
            assertEquals(req, s.take());
            Counters k = net.engine.counters();
            assertEquals(1, k.get(Counter.FTP_DETECT_ATTACHED));
            assertEquals(1, k.get(Counter.FTP_NOT_FTP));
            assertEquals(0, k.get(Counter.EXPECT_CREATED));
            assertEquals(List.of(), net.errors);
        }
    }

    @org.junit.jupiter.api.Test
    void authTlsFirstMakesTheConnectionOpaque() throws Exception {
        for (boolean split : new boolean[] {false, true}) {
            try (SimNet net = new SimNet(config(SNAT + ON))) {
                Host client = net.host("client", "192.0.2.10", PacketSlot.PORT_INSIDE);
                Host server = net.host("server", "198.51.100.20", PacketSlot.PORT_OUTSIDE);
                server.listen(2222);
                Conn c = client.connect(40000, "198.51.100.20", 2222);
                Conn s = server.lastAccepted(2222);
                s.send("220 x\r\n");
                if (split) {
                    c.sendPieces("AUTH T", "LS\r\n");
                } else {
                    c.send("AUTH TLS\r\n");
                }
                s.send("234 Proceed with negotiation.\r\n");
                c.send("PORT 192,0,2,10,195,80\r\n"); // stands for TLS records: must not be read
                assertEquals("AUTH TLS\r\nPORT 192,0,2,10,195,80\r\n", s.take());
                Counters k = net.engine.counters();
                assertEquals(1, k.get(Counter.FTP_DETECT_ATTACHED));
                assertEquals(1, k.get(Counter.FTP_TLS_OPAQUE), "split " + split);
                assertEquals(0, k.get(Counter.EXPECT_CREATED));
            }
        }
    }

    @org.junit.jupiter.api.Test
    void sessionsExhaustedLeavesTheConnectionAlone() throws Exception {
        try (SimNet net = new SimNet(config(SNAT + ON + "ftp sessions 1\n"))) {
            FtpDriver a = outbound(net, "192.0.2.10", "198.51.100.20", 2222);
            FtpDriver b = new FtpDriver(net, a.client, a.server);
            b.login(40001, "198.51.100.20", 2222);
            assertEquals("PORT 192,0,2,10,195,80\r\n", b.command("PORT 192,0,2,10,195,80\r\n"), "not rewritten");
            byte[] file = FtpDriver.data(1000, 9);
            assertArrayEquals(file, a.activeRetr(false, 50001, file), "the first session still works");
            Counters k = net.engine.counters();
            assertEquals(2, k.get(Counter.FTP_DETECT_INSPECTED));
            assertEquals(1, k.get(Counter.FTP_DETECT_ATTACHED));
            assertEquals(1, k.get(Counter.FTP_SESSIONS_EXHAUSTED));
            assertEquals(1, k.get(Counter.EXPECT_CREATED));
            assertEquals(List.of(), net.errors);
        }
    }

    @org.junit.jupiter.api.Test
    void greetingRetransmittedAndDataConnectionsAreNotInspected() throws Exception {
        try (SimNet net = new SimNet(config(SNAT + ON))) {
            Host client = net.host("client", "192.0.2.10", PacketSlot.PORT_INSIDE);
            Host server = net.host("server", "198.51.100.20", PacketSlot.PORT_OUTSIDE);
            server.listen(2222);
            Conn c = client.connect(40000, "198.51.100.20", 2222);
            Conn s = server.lastAccepted(2222);
            long g = s.sndNxt();
            s.send("220 x\r\n");
            s.retransmit(g, "220 x\r\n");
            FtpDriver f = new FtpDriver(net, client, server);
            f.c = c;
            f.s = s;
            c.take();
            f.command("USER a\r\n");
            f.reply("230 ok\r\n");
            // A data connection whose file starts like a greeting is an expected connection, never inspected.
            byte[] file = "220 not a greeting\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            assertArrayEquals(file, f.activeRetr(false, 50000, file));
            Counters k = net.engine.counters();
            assertEquals(1, k.get(Counter.FTP_DETECT_INSPECTED));
            assertEquals(1, k.get(Counter.FTP_DETECT_ATTACHED));
            assertEquals(List.of(), net.errors);
        }
    }

    /**
     * The hand-over from detection to FtpControl at every split: a multi-line greeting cut at several places, then
     * the client's first command and a PORT cut at every byte (inside the first line, where detection attaches
     * mid-line, at its end, inside the PORT, where FtpControl holds it). The PORT is rewritten every time, once,
     * with consistent sequence numbers afterwards.
     */
    @org.junit.jupiter.api.Test
    void firstCommandAndPortSplitAnywhere() throws Exception {
        String greeting = "220-hello\r\n220 ready\r\n";
        try (SimNet net = new SimNet(config(SNAT + ON))) {
            Host client = net.host("client", "192.0.2.10", PacketSlot.PORT_INSIDE);
            Host server = net.host("server", "198.51.100.20", PacketSlot.PORT_OUTSIDE);
            server.listen(2222);
            int n = 0;
            for (int g : new int[] {1, 3, 4, 10, 11, 12, greeting.length() - 1}) {
                String port = "PORT " + Wire.portArgs("192.0.2.10", 50000 + n) + "\r\n";
                String cmd = "USER x\r\n" + port;
                for (int k = 1; k < cmd.length(); k++, n++) {
                    port = "PORT " + Wire.portArgs("192.0.2.10", 50000 + n) + "\r\n";
                    cmd = "USER x\r\n" + port;
                    Conn c = client.connect(30000 + n, "198.51.100.20", 2222);
                    Conn s = server.lastAccepted(2222);
                    s.sendPieces(greeting.substring(0, g), greeting.substring(g));
                    assertEquals(greeting, c.take());
                    c.sendPieces(cmd.substring(0, k), cmd.substring(k));
                    String want = "USER x\r\nPORT " + Wire.portArgs("203.0.113.1", 50000 + n) + "\r\n";
                    assertEquals(want, s.take(), "greeting cut " + g + ", command cut " + k);
                    s.send("200 PORT command successful.\r\n");
                    assertEquals("200 PORT command successful.\r\n", c.take());
                    c.send("NOOP\r\n");
                    assertEquals("NOOP\r\n", s.take());
                    assertTrue(c.allAcked() && s.allAcked(), "greeting cut " + g + ", command cut " + k);
                }
            }
            assertEquals(List.of(), net.errors);
            Counters k = net.engine.counters();
            assertEquals(n, k.get(Counter.FTP_DETECT_ATTACHED));
            assertEquals(n, k.get(Counter.EXPECT_CREATED));
            assertEquals(n, k.get(Counter.FTP_REWRITES));
        }
    }
}
