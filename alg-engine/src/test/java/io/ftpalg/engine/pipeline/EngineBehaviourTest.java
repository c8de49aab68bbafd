package io.ftpalg.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.codec.Checksum;
import io.ftpalg.engine.codec.Decoder;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.Frames;
import io.ftpalg.engine.testing.FtpDriver;
import io.ftpalg.engine.testing.PacketBuilder;
import io.ftpalg.engine.testing.SimNet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Engine behaviours beyond the happy FTP path: ICMP errors, the bounce guard, FTPS, several lines per segment. */
class EngineBehaviourTest {
    static final String SNAT = EngineScenarioTest.SNAT;

    private static SimNet net() throws Exception {
        return new SimNet(ConfigParser.parse(SNAT, "test"));
    }

    /** An inside client logged in to an outside server through source NAT. */
    private static FtpDriver loggedIn(SimNet net) {
        FtpDriver f = new FtpDriver(
                net,
                net.host("client", "192.0.2.10", PacketSlot.PORT_INSIDE),
                net.host("server", "198.51.100.20", PacketSlot.PORT_OUTSIDE));
        return f.login(40000, "198.51.100.20", 21);
    }

    @Test
    void icmpFragmentationNeededReachesTheInsideHostTranslated() throws Exception {
        try (SimNet net = net()) {
            FtpDriver f = loggedIn(net);
            // A router beyond the gateway cannot forward the client's (translated) segment: it quotes it.
            PacketBuilder quoted = PacketBuilder.ethernet()
                    .ipv4("203.0.113.1", "198.51.100.20")
                    .df()
                    .tcp(40000, 21, 12345, 0, TcpHeader.ACK | TcpHeader.PSH)
                    .payload("x".repeat(100));
            byte[] icmp = PacketBuilder.ethernet("02:00:00:00:09:09", SimNet.GW_OUTSIDE_MAC)
                    .ipv4("198.51.100.1", "203.0.113.1")
                    .icmp(3, 4)
                    .icmpRest(1400)
                    .quote(quoted, 28 + 8)
                    .build();
            PacketSlot s = Frames.slot(icmp);
            s.ingressPort = PacketSlot.PORT_OUTSIDE;
            s.timestampNanos = net.clock();
            assertEquals(Engine.FORWARD, net.engine.process(s));
            assertEquals(PacketSlot.PORT_INSIDE, s.egressPort);
            assertEquals(1, net.engine.counters().get(Counter.NAT_ICMP_ERROR_TRANSLATED));
            // Decode what leaves: outer destination and quoted source are the inside client again.
            new Decoder().decode(s);
            assertEquals(PacketBuilder.ipv4("192.0.2.10"), s.dstLo);
            assertTrue(Checksum.verifyL4(s), "ICMP checksum");
            int inner = s.l4Offset + 8;
            assertEquals(PacketBuilder.ipv4("192.0.2.10"), io.ftpalg.engine.codec.Bytes.u32(s.data, inner + 12));
            assertEquals(40000, io.ftpalg.engine.codec.Bytes.u16(s.data, inner + 20));
            assertTrue(Checksum.verifyIpv4Header(s.data, inner, 20), "quoted IPv4 header checksum");
        }
    }

    @Test
    void icmpv6PacketTooBigReachesTheInsideHostTranslated() throws Exception {
        try (SimNet net = net()) {
            FtpDriver f = new FtpDriver(
                    net,
                    net.host("client", "2001:db8:1::10", PacketSlot.PORT_INSIDE),
                    net.host("server", "2001:db8:2::20", PacketSlot.PORT_OUTSIDE));
            f.login(40000, "2001:db8:2::20", 21);
            PacketBuilder quoted = PacketBuilder.ethernet()
                    .ipv6("2001:db8:ff::1", "2001:db8:2::20")
                    .tcp(40000, 21, 12345, 0, TcpHeader.ACK | TcpHeader.PSH)
                    .payload("y".repeat(100));
            byte[] icmp = PacketBuilder.ethernet("02:00:00:00:09:09", SimNet.GW_OUTSIDE_MAC)
                    .ipv6("2001:db8:2::1", "2001:db8:ff::1")
                    .icmpv6(2, 0)
                    .icmpRest(1280)
                    .quote(quoted, 40 + 20)
                    .build();
            PacketSlot s = Frames.slot(icmp);
            s.ingressPort = PacketSlot.PORT_OUTSIDE;
            s.timestampNanos = net.clock();
            assertEquals(Engine.FORWARD, net.engine.process(s));
            assertEquals(PacketSlot.PORT_INSIDE, s.egressPort);
            new Decoder().decode(s);
            assertEquals(PacketBuilder.ipv6Lo("2001:db8:1::10"), s.dstLo);
            assertTrue(Checksum.verifyL4(s), "ICMPv6 checksum (with pseudo-header)");
            int inner = s.l4Offset + 8;
            assertEquals(PacketBuilder.ipv6Lo("2001:db8:1::10"), io.ftpalg.engine.codec.Bytes.i64(s.data, inner + 16));
        }
    }

    @Test
    void sequenceNumbersWrapAroundMidSession() throws Exception {
        try (SimNet net = net()) {
            net.setNextIsn(0xFFFF_FF00L);
            FtpDriver f = loggedIn(net);
            // Both ends started just below 2^32: the login and these transfers carry both streams across the wrap,
            // with rewrites (+1 byte each) before and after it.
            for (int i = 0; i < 6; i++) {
                byte[] file = FtpDriver.data(200, i);
                f.expectSame("RETR " + i, file, f.activeRetr(false, 50000 + i, file));
            }
            f.quit();
            assertTrue(f.c.sndNxt() < 0x1000_0000L, "the client stream wrapped");
            assertTrue(f.c.allAcked() && f.s.allAcked());
            assertEquals(List.of(), net.errors);
            assertEquals(6, net.engine.counters().get(Counter.FTP_REWRITES));
        }
    }

    @Test
    void icmpErrorForNoKnownFlowIsDropped() throws Exception {
        try (SimNet net = net()) {
            PacketBuilder quoted = PacketBuilder.ethernet()
                    .ipv4("203.0.113.1", "198.51.100.20")
                    .tcp(40999, 21, 1, 0, TcpHeader.ACK);
            byte[] icmp = PacketBuilder.ethernet()
                    .ipv4("198.51.100.1", "203.0.113.1")
                    .icmp(3, 4)
                    .quote(quoted, 28 + 8)
                    .build();
            PacketSlot s = Frames.slot(icmp);
            s.ingressPort = PacketSlot.PORT_OUTSIDE;
            assertEquals(Engine.DROP, net.engine.process(s));
            assertEquals(Counter.DROP_ICMP_ERROR_NO_FLOW, net.engine.lastDrop());
        }
    }

    @Test
    void portNamingAThirdHostOpensNothing() throws Exception {
        try (SimNet net = net()) {
            FtpDriver f = loggedIn(net);
            // FTP bounce (RFC 2577): PORT naming another inside host.
            String got = f.command("PORT 192,0,2,99,0,25\r\n");
            assertEquals("PORT 192,0,2,99,0,25\r\n", got, "left unchanged");
            assertEquals(1, net.engine.counters().get(Counter.FTP_BOUNCE_REFUSED));
            assertEquals(0, net.engine.counters().get(Counter.EXPECT_CREATED));
            // A low port of the client itself is refused too.
            f.command("PORT 192,0,2,10,0,25\r\n");
            assertEquals(1, net.engine.counters().get(Counter.FTP_LOW_PORT_REFUSED));
            assertEquals(0, net.engine.counters().get(Counter.EXPECT_CREATED));
            assertEquals(List.of(), net.errors);
        }
    }

    @Test
    void severalCommandsInOneSegmentAreEachHandled() throws Exception {
        try (SimNet net = net()) {
            FtpDriver f = loggedIn(net);
            String got = f.command("PORT 192,0,2,10,200,1\r\nNOOP\r\nport 192,0,2,10,200,2\r\n");
            assertEquals("PORT 203,0,113,1,200,1\r\nNOOP\r\nport 203,0,113,1,200,2\r\n", got);
            assertEquals(2, net.engine.counters().get(Counter.FTP_REWRITES));
            f.reply("200 a\r\n200 b\r\n");
            f.quit();
            assertTrue(f.c.allAcked() && f.s.allAcked());
            assertEquals(List.of(), net.errors);
        }
    }

    @Test
    void ftpsMakesTheControlConnectionOpaque() throws Exception {
        try (SimNet net = net()) {
            FtpDriver f = loggedIn(net);
            f.command("AUTH TLS\r\n");
            f.reply("234 Proceed with negotiation.\r\n");
            assertEquals(1, net.engine.counters().get(Counter.FTP_TLS_OPAQUE));
            // Anything after is TLS; even bytes that look like a PORT line are not parsed.
            String got = f.command("PORT 192,0,2,10,200,3\r\n");
            assertEquals("PORT 192,0,2,10,200,3\r\n", got);
            assertEquals(0, net.engine.counters().get(Counter.EXPECT_CREATED));
        }
    }

    /** A TLS record: type, version 3.3, length, body (RFC 8446 section 5.1). */
    private static String tlsRecord(int type, String body) {
        int n = body.length();
        return "" + (char) type + (char) 3 + (char) 3 + (char) (n >> 8) + (char) (n & 0xFF) + body;
    }

    @Test
    void cccReturnsTheConnectionToParsingOnlyAfterTheAlert() throws Exception {
        try (SimNet net = net()) {
            FtpDriver f = loggedIn(net);
            f.command("AUTH TLS\r\n");
            f.reply("234 Proceed with negotiation.\r\n");
            // Handshake and application data; the ciphertext happens to contain a PORT line.
            f.command(tlsRecord(22, "client hello") + tlsRecord(23, "\r\nPORT 192,0,2,10,200,9\r\n"));
            f.reply(tlsRecord(22, "server hello") + tlsRecord(23, "200 CCC ok"));
            assertEquals(0, net.engine.counters().get(Counter.EXPECT_CREATED), "nothing read inside TLS");
            // CCC: each side sends its close_notify (an alert record), then speaks clear text again.
            f.command(tlsRecord(21, "cn"));
            f.reply(tlsRecord(21, "cn"));
            String got = f.command("PORT 192,0,2,10,200,10\r\n");
            assertEquals("PORT 203,0,113,1,200,10\r\n", got, "clear text is read again");
            assertEquals(1, net.engine.counters().get(Counter.EXPECT_CREATED));
            f.reply("200 PORT command successful.\r\n");
            assertEquals(
                    List.of("tcp 198.51.100.20 -> 203.0.113.1:51210"),
                    net.engine.expectations().describeLive());
            assertEquals(2, net.engine.counters().get(Counter.FTP_TLS_CLEARTEXT_RESUMED));
            assertEquals(List.of(), net.errors);
        }
    }

    @Test
    void anHttpRequestOnTheFtpPortOpensNothing() throws Exception {
        try (SimNet net = net()) {
            SimNet.Host browser = net.host("browser", "192.0.2.10", PacketSlot.PORT_INSIDE);
            SimNet.Host attacker = net.host("attacker", "198.51.100.66", PacketSlot.PORT_OUTSIDE);
            attacker.listen(21);
            SimNet.Conn c = browser.connect(40000, "198.51.100.66", 21);
            // NAT slipstreaming style: the body puts a PORT for the browser's own address at a line start, and
            // (split here) at a segment start.
            c.sendPieces("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 30\r\n\r\n", "PORT 192,0,2,10,13,61\r\n");
            assertEquals(1, net.engine.counters().get(Counter.FTP_NOT_FTP));
            assertEquals(0, net.engine.counters().get(Counter.EXPECT_CREATED));
            assertEquals(List.of(), net.engine.expectations().describeLive());
        }
    }

    @Test
    void passiveAfterActiveKeepsSequenceNumbersExactInBothDirections() throws Exception {
        try (SimNet net = net()) {
            FtpDriver f = loggedIn(net);
            for (int i = 0; i < 20; i++) {
                byte[] file = FtpDriver.data(300 + i, i);
                f.expectSame("RETR " + i, file, f.activeRetr(i % 2 == 0, 50000 + i, file));
                f.expectSame("STOR " + i, file, f.passiveStor(i % 2 == 1, 30000 + i, null, file));
            }
            f.quit();
            assertTrue(f.c.allAcked() && f.s.allAcked());
            assertEquals(List.of(), net.errors);
            // More rewrites than the 16-entry history: merges happened, and the stream stayed exact.
            assertEquals(20, net.engine.counters().get(Counter.EXPECT_USED) / 2);
        }
    }

    @Test
    void finWhileALineIsHeldDeliversTheHeldBytes() throws Exception {
        try (SimNet net = net()) {
            FtpDriver f = loggedIn(net);
            f.c.sendPieces("PORT 192,0,2");
            assertEquals("", f.s.take(), "held while incomplete");
            f.c.close();
            assertEquals("PORT 192,0,2", f.s.take(), "released unparsed by the FIN");
            assertTrue(f.s.finReceived);
            assertTrue(f.c.allAcked());
            assertEquals(1, net.engine.counters().get(Counter.FTP_HOLD_RELEASED_UNPARSED));
            assertEquals(List.of(), net.errors);
        }
    }

    @Test
    void holdTimeoutReleasesAnAbandonedLine() throws Exception {
        try (SimNet net = net()) {
            FtpDriver f = loggedIn(net);
            long start = f.c.sndNxt();
            f.c.sendPieces("PORT 1");
            net.advanceMillis(11_000);
            f.c.retransmit(start, "PORT 1");
            assertEquals("PORT 1", f.s.take());
            assertEquals(1, net.engine.counters().get(Counter.FTP_HOLD_RELEASED_UNPARSED));
            assertEquals(List.of(), net.errors);
        }
    }

    @Test
    void fragmentsAreDroppedAndCounted() throws Exception {
        try (SimNet net = net()) {
            byte[] frag = PacketBuilder.ethernet()
                    .ipv4("192.0.2.10", "198.51.100.20")
                    .fragment(8, true)
                    .udp(1000, 2000)
                    .payload("fragment")
                    .build();
            PacketSlot s = Frames.slot(frag);
            s.ingressPort = PacketSlot.PORT_INSIDE;
            assertEquals(Engine.DROP, net.engine.process(s));
            assertEquals(Counter.DROP_FRAGMENT, net.engine.lastDrop());
        }
    }

    @Test
    void unparsableReplyIsForwardedUnchangedWithoutStall() throws Exception {
        try (SimNet net = net()) {
            FtpDriver f = loggedIn(net);
            // Linux stalls on a "227 " line it cannot parse; it must pass here.
            assertEquals("227 Logout.\r\n", f.reply("227 Logout.\r\n"));
            assertEquals(1, net.engine.counters().get(Counter.FTP_PARSE_ERRORS));
            assertEquals(List.of(), net.errors);
            assertEquals("NOOP\r\n", f.command("NOOP\r\n"), "the stream goes on");
        }
    }
}
