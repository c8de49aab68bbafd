package io.ftpalg.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.FtpDriver;
import io.ftpalg.engine.testing.SimNet;
import io.ftpalg.engine.testing.SimNet.Conn;
import io.ftpalg.engine.testing.SimNet.Host;
import io.ftpalg.engine.testing.Wire;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PROBLEM.md scenarios through the engine, with simulated TCP endpoints that notice any sequence or ack
 * inconsistency (see {@link SimNet}). Each scenario also runs with the FTP ports moved away (the ALG off), where
 * the data connection must fail: the negative control that shows the ALG is what makes it work.
 */
class EngineScenarioTest {
    static final String SNAT = """
            mode router
            port inside mac 02:00:00:00:00:01
            port outside mac 02:00:00:00:00:02
            snat from 192.0.2.0/24 to 203.0.113.1
            snat from 2001:db8:1::/64 to 2001:db8:ff::1
            """;

    static final String DNAT = """
            mode router
            port inside
            port outside
            dnat to 203.0.113.1 port 21 -> 192.0.2.20
            dnat to 2001:db8:ff::1 port 21 -> 2001:db8:1::20
            """;

    static final String FIREWALL = """
            mode bridge
            port inside
            port outside
            """;

    static Config config(String text) throws Exception {
        return ConfigParser.parse(text, "test");
    }

    static FtpDriver session(SimNet net, String clientIp, String serverIp, int controlPort) {
        FtpDriver f = new FtpDriver(
                net,
                net.host("client", clientIp, PacketSlot.PORT_INSIDE),
                net.host("server", serverIp, PacketSlot.PORT_OUTSIDE));
        return f.login(40000, serverIp, controlPort);
    }

    @Test
    void scenario1ClientBehindSnatActiveMode() throws Exception {
        try (SimNet net = new SimNet(config(SNAT))) {
            FtpDriver f = session(net, "192.0.2.10", "198.51.100.20", 21);
            assertEquals("203.0.113.1", f.s.remoteIp);
            // Three transfers on one control connection: three rewrites of +1 byte each ("192,0,2,10" ->
            // "203,0,113,1"), so every later segment depends on exact cumulative seq/ack adjustment.
            for (int i = 0; i < 3; i++) {
                byte[] file = FtpDriver.data(5000 + i * 777, i);
                assertArrayEquals(file, f.activeRetr(false, 50000 + i, file), "transfer " + i);
            }
            f.quit();
            assertTrue(f.c.allAcked() && f.s.allAcked(), "control fully acknowledged both ways");
            assertEquals(List.of(), net.errors);
            var k = net.engine.counters();
            assertEquals(3, k.get(Counter.FTP_REWRITES));
            assertEquals(3, k.get(Counter.EXPECT_CREATED));
            assertEquals(3, k.get(Counter.EXPECT_USED));
            assertEquals(1, k.get(Counter.FTP_CONTROL_FLOWS));
        }
    }

    @Test
    void scenario1WithoutAlgTheDataConnectionFails() throws Exception {
        try (SimNet net = new SimNet(config(SNAT + "ftp ports 2121\n"))) {
            FtpDriver f = session(net, "192.0.2.10", "198.51.100.20", 21);
            assertEquals(null, f.activeRetr(false, 50000, FtpDriver.data(100, 1)), "fails after login");
            assertTrue(net.engine.counters().get(Counter.DROP_INBOUND_UNSOLICITED) > 0);
        }
    }

    @Test
    void scenario2ServerBehindDnatPassiveMode() throws Exception {
        for (boolean v6 : new boolean[] {false, true}) {
            try (SimNet net = new SimNet(config(DNAT))) {
                String pub = v6 ? "2001:db8:ff::1" : "203.0.113.1";
                FtpDriver f = new FtpDriver(
                        net,
                        net.host("client", v6 ? "2001:db8:2::10" : "198.51.100.10", PacketSlot.PORT_OUTSIDE),
                        net.host("server", v6 ? "2001:db8:1::20" : "192.0.2.20", PacketSlot.PORT_INSIDE));
                f.login(40001, pub, 21);
                for (int i = 0; i < 2; i++) {
                    byte[] file = FtpDriver.data(3000, i);
                    assertArrayEquals(file, f.passiveStor(v6, 30000 + i, null, file));
                }
                f.quit();
                assertEquals(List.of(), net.errors);
                assertEquals(2, net.engine.counters().get(Counter.EXPECT_USED));
                assertEquals(v6 ? 0 : 2, net.engine.counters().get(Counter.FTP_REWRITES));
            }
        }
    }

    @Test
    void scenario3FirewallOpensExactlyTheNegotiatedPinhole() throws Exception {
        try (SimNet net = new SimNet(config(FIREWALL))) {
            // The firewall admits only what the inside starts: an outside client cannot reach an inside server.
            Host insideServer = net.host("inside-server", "192.0.2.20", PacketSlot.PORT_INSIDE);
            Host outsideClient = net.host("outside-client", "198.51.100.10", PacketSlot.PORT_OUTSIDE);
            insideServer.listen(21);
            outsideClient.connect(40001, "192.0.2.20", 21);
            assertTrue(insideServer.accepted(21).isEmpty(), "inbound control connection refused");
            // An inside client in active mode: the server's data connection needs a pinhole.
            Host third = net.host("third", "198.51.100.99", PacketSlot.PORT_OUTSIDE);
            Host inClient = net.host("inside-client", "192.0.2.30", PacketSlot.PORT_INSIDE);
            Host outServer = net.host("outside-server", "198.51.100.40", PacketSlot.PORT_OUTSIDE);
            outServer.listen(21);
            Conn c = inClient.connect(40002, "198.51.100.40", 21);
            Conn s = outServer.lastAccepted(21);
            assertEquals("192.0.2.30", s.remoteIp, "no NAT in a firewall");
            s.send("220 ready\r\n");
            c.take();
            c.send("PORT " + Wire.portArgs("192.0.2.30", 50010) + "\r\n");
            Wire.Endpoint ep = Wire.six(s.take());
            assertEquals(new Wire.Endpoint("192.0.2.30", 50010), ep, "text unchanged without NAT");
            inClient.listen(50010);
            inClient.listen(50011);
            // A third host may not use the pinhole...
            third.connect(20, "192.0.2.30", 50010);
            assertEquals(0, inClient.accepted(50010).size());
            // ...nor may the server connect to a port that was not negotiated...
            outServer.connect(20, "192.0.2.30", 50011);
            assertEquals(0, inClient.accepted(50011).size());
            // ...but the negotiated connection passes, once.
            outServer.connect(20, "192.0.2.30", 50010);
            assertEquals(1, inClient.accepted(50010).size());
            outServer.connect(21000, "192.0.2.30", 50010);
            assertEquals(1, inClient.accepted(50010).size(), "one-shot pinhole");
            assertEquals(4, net.engine.counters().get(Counter.DROP_INBOUND_UNSOLICITED));
            assertEquals(1, net.engine.counters().get(Counter.EXPECT_USED));
        }
    }

    @Test
    void restrictiveFirewallOpensOnlyTheControlPortAndExpectations() throws Exception {
        String fw = "mode bridge\nport inside\nport outside\nfirewall outbound ports 21\n";
        try (SimNet net = new SimNet(config(fw))) {
            FtpDriver f = new FtpDriver(
                    net,
                    net.host("client", "192.0.2.30", PacketSlot.PORT_INSIDE),
                    net.host("server", "192.0.2.40", PacketSlot.PORT_OUTSIDE));
            f.login(40000, "192.0.2.40", 21);
            // Passive data goes out only through the expectation the 227 created...
            byte[] file = FtpDriver.data(1000, 1);
            assertArrayEquals(file, f.passiveStor(false, 30000, null, file));
            // ...and nothing else leaves: not a connection to another port of the server, not a third host.
            net.host("other", "192.0.2.40", PacketSlot.PORT_OUTSIDE);
            SimNet.Host third = net.host("third", "192.0.2.31", PacketSlot.PORT_INSIDE);
            third.connect(41000, "192.0.2.40", 30001);
            assertEquals(1, net.engine.counters().get(Counter.DROP_OUTBOUND_DENIED));
            assertEquals(List.of(), net.errors);
        }
    }

    @Test
    void scenario7ControlPort2121() throws Exception {
        try (SimNet net = new SimNet(config(SNAT + "ftp ports 21 2121\n"))) {
            FtpDriver f = session(net, "192.0.2.10", "198.51.100.20", 2121);
            byte[] file = FtpDriver.data(2000, 7);
            assertArrayEquals(file, f.activeRetr(false, 50100, file));
            assertEquals(List.of(), net.errors);
        }
    }

    @Test
    void ipv6EprtThroughSnat() throws Exception {
        try (SimNet net = new SimNet(config(SNAT))) {
            FtpDriver f = session(net, "2001:db8:1::10", "2001:db8:2::20", 21);
            assertEquals("2001:db8:ff::1", f.s.remoteIp);
            assertEquals(
                    "EPRT |2|2001:db8:ff::1|50200|\r\n",
                    f.command("EPRT |2|2001:db8:1::10|50200|\r\n"),
                    "compressed RFC 5952 text");
            f.reply("200 EPRT command successful.\r\n");
            byte[] file = FtpDriver.data(4000, 3);
            assertArrayEquals(file, f.activeRetr(true, 50201, file));
            assertEquals(List.of(), net.errors);
        }
    }

    @Test
    void commandSplitAcrossSegmentsIsRewrittenWhole() throws Exception {
        String line = "PORT 192,0,2,10,195,80\r\n";
        for (int cut = 1; cut < line.length() - 1; cut++) {
            try (SimNet net = new SimNet(config(SNAT))) {
                FtpDriver f = session(net, "192.0.2.10", "198.51.100.20", 21);
                Conn c = f.c;
                Conn s = f.s;
                c.sendPieces("NOOP\r\n" + line.substring(0, cut), line.substring(cut));
                String got = s.take();
                assertEquals("NOOP\r\nPORT 203,0,113,1,195,80\r\n", got, "cut at " + cut);
                s.send("200 OK\r\n");
                assertEquals("200 OK\r\n", c.take());
                c.send("NOOP\r\n");
                assertEquals("NOOP\r\n", s.take());
                assertTrue(c.allAcked(), "cut at " + cut);
                assertEquals(List.of(), net.errors, "cut at " + cut);
                assertEquals(1, net.engine.counters().get(Counter.EXPECT_CREATED));
            }
        }
    }

    @Test
    void retransmittedRewrittenSegmentComesOutIdentical() throws Exception {
        try (SimNet net = new SimNet(config(SNAT))) {
            FtpDriver f = session(net, "192.0.2.10", "198.51.100.20", 21);
            Conn c = f.c;
            Conn s = f.s;
            long first = c.sndNxt();
            c.send("PORT 192,0,2,10,195,80\r\n");
            long second = c.sndNxt();
            c.send("PORT 192,0,2,10,195,81\r\n");
            s.take();
            int outputsBefore = net.outputs.size();
            c.retransmit(first, "PORT 192,0,2,10,195,80\r\n");
            c.retransmit(second, "PORT 192,0,2,10,195,81\r\n");
            // The retransmissions produce the same bytes (up to the ack the client carries) as the originals.
            byte[] orig1 = payloadOf(net.outputs.get(findOutputWithPayload(net, "PORT 203,0,113,1,195,80", 0)));
            byte[] again1 =
                    payloadOf(net.outputs.get(findOutputWithPayload(net, "PORT 203,0,113,1,195,80", outputsBefore)));
            assertArrayEquals(orig1, again1);
            assertEquals(2, net.engine.counters().get(Counter.FTP_RETRANSMIT_REWRITTEN));
            assertEquals(List.of(), net.errors);
            // A retransmission whose bytes differ where a rewrite was is refused.
            c.retransmit(first, "PORT 192,0,2,10,195,99\r\n");
            assertEquals(1, net.engine.counters().get(Counter.DROP_FTP_RETRANSMIT_CHANGED));
            assertNotEquals(0, net.engine.counters().get(Counter.FTP_REWRITES));
        }
    }

    private static int findOutputWithPayload(SimNet net, String text, int from) {
        for (int i = from; i < net.outputs.size(); i++) {
            String s = new String(net.outputs.get(i).bytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            if (s.contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no output with " + text);
    }

    /** The frame from the IP header on, with the TCP ack field and checksum zeroed (they legitimately differ). */
    private static byte[] payloadOf(SimNet.Frame f) {
        byte[] b = f.bytes().clone();
        int tcp = 14 + 20;
        for (int i = 8; i < 12; i++) {
            b[tcp + i] = 0;
        }
        b[tcp + 16] = 0;
        b[tcp + 17] = 0;
        return java.util.Arrays.copyOfRange(b, 14, b.length);
    }
}
