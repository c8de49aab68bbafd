package io.ftpalg.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.codec.Checksum;
import io.ftpalg.engine.codec.Decoder;
import io.ftpalg.engine.codec.EthernetHeader;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.config.MacAddress;
import io.ftpalg.engine.flow.Addresses;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.Frames;
import io.ftpalg.engine.testing.FtpDriver;
import io.ftpalg.engine.testing.PacketBuilder;
import io.ftpalg.engine.testing.SimNet;
import io.ftpalg.engine.testing.SimNet.Conn;
import io.ftpalg.engine.testing.SimNet.Host;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scenario 6: a TCP segment of a flow the gateway does not know is answered with a RST (RFC 9293 3.10.7.1), on the
 * sides {@code flows reset-expired} names, at a limited rate, never for SYN or RST, a known flow, or an expected
 * data connection.
 */
class ExpiredFlowResetTest {
    static final String HOST_MAC = "02:00:00:00:01:99";
    static final String PEER_MAC = "02:00:00:00:02:99";

    static final String BRIDGE = """
            mode bridge
            port inside
            port outside
            firewall inbound allow
            """;

    /** One engine per option value (building one takes a second); counters are compared as differences. */
    static final List<Engine> engines = new ArrayList<>();

    static final List<byte[]> emitted = new ArrayList<>();
    static final List<Integer> emittedPorts = new ArrayList<>();

    static Engine engine(String resetOption) throws Exception {
        Engine e = new Engine(
                ConfigParser.parse(BRIDGE + "flows reset-expired " + resetOption + "\n", resetOption),
                EventSink.NONE,
                Frames.SLOT_CAPACITY);
        e.setEmitter((f, off, len, port) -> {
            emitted.add(Arrays.copyOfRange(f, off, off + len));
            emittedPorts.add(port);
        });
        engines.add(e);
        return e;
    }

    static Engine inside, outside, both, off;

    @BeforeAll
    static void engines() throws Exception {
        inside = engine("inside");
        outside = engine("outside");
        both = engine("both");
        off = engine("off");
    }

    /**
     * Router mode, source NAT to the outside port's own address (masquerade): a stray segment from outside for an
     * expired NATed flow is addressed to the gateway itself. With {@code reset-expired outside} it is answered
     * like any unknown flow, not silently dropped as traffic for the gateway.
     */
    @Test
    void outsideSegmentToTheGatewaysOwnNatAddressIsReset() throws Exception {
        String text = """
                mode router
                port inside address 192.0.2.1/24 mac 02:00:00:00:00:01
                port outside address 203.0.113.1/24 mac 02:00:00:00:00:02
                snat from 192.0.2.0/24 to 203.0.113.1
                """;
        for (String option : new String[] {"outside", "inside"}) {
            Engine e = new Engine(
                    ConfigParser.parse(text + "flows reset-expired " + option + "\n", "router-" + option),
                    EventSink.NONE,
                    Frames.SLOT_CAPACITY);
            try {
                List<byte[]> out = new ArrayList<>();
                e.setEmitter((f, off, len, port) -> out.add(Arrays.copyOfRange(f, off, off + len)));
                byte[] stray = PacketBuilder.ethernet(PEER_MAC, "02:00:00:00:00:02")
                        .ipv4("203.0.113.30", "203.0.113.1")
                        .tcp(21, 40000, 0x11223344L, 0x55667788L, TcpHeader.ACK | TcpHeader.PSH)
                        .payload(new byte[20])
                        .build();
                PacketSlot s = Frames.slot(stray);
                s.ingressPort = PacketSlot.PORT_OUTSIDE;
                s.timestampNanos = clock += 1_000_000L;
                assertEquals(Engine.DROP, e.process(s));
                boolean want = option.equals("outside");
                assertEquals(want ? 1 : 0, e.counters().get(Counter.TCP_RESET_SENT), option);
                assertEquals(want ? 1 : 0, out.size(), option);
                if (want) {
                    PacketSlot r = Frames.slot(out.get(0));
                    assertEquals(null, new Decoder().decode(r));
                    assertEquals(TcpHeader.RST, r.tcpFlags & 0x3F);
                    assertEquals(40000, r.srcPort);
                    assertEquals(21, r.dstPort);
                }
            } finally {
                e.close();
            }
        }
    }

    @AfterAll
    static void close() {
        engines.forEach(Engine::close);
    }

    static long clock = 1_700_000_000_000_000_000L;

    /** Processes one frame on {@code port}; returns the frames the engine emitted for it. */
    static List<byte[]> send(Engine e, int port, byte[] frame) {
        emitted.clear();
        emittedPorts.clear();
        PacketSlot s = Frames.slot(frame);
        s.ingressPort = port;
        clock += 1_000_000L;
        s.timestampNanos = clock;
        e.process(s);
        return new ArrayList<>(emitted);
    }

    static PacketBuilder segment(boolean v6, boolean fromInside, int flags, int payload) {
        String a = v6 ? "2001:db8:1::10" : "192.0.2.10";
        String b = v6 ? "2001:db8:2::20" : "198.51.100.20";
        PacketBuilder p = PacketBuilder.ethernet(HOST_MAC, PEER_MAC);
        p = fromInside ? (v6 ? p.ipv6(a, b) : p.ipv4(a, b)) : (v6 ? p.ipv6(b, a) : p.ipv4(b, a));
        return p.tcp(fromInside ? 40000 : 80, fromInside ? 80 : 40000, 0x11223344L, 0x55667788L, flags)
                .payload(new byte[payload]);
    }

    /**
     * The RST table: (IP version, flags of the stray segment, payload bytes, expected RST flags, seq, ack). With
     * ACK: seq = SEG.ACK, RST alone. Without: seq 0, ack = SEG.SEQ + SEG.LEN (a FIN counts one), RST+ACK.
     */
    static Stream<Arguments> table() {
        int ack = TcpHeader.ACK;
        int psh = TcpHeader.PSH;
        int fin = TcpHeader.FIN;
        int rst = TcpHeader.RST;
        return Stream.of(
                Arguments.of(4, ack, 0, rst, 0x55667788L, 0L),
                Arguments.of(4, ack | psh, 100, rst, 0x55667788L, 0L),
                Arguments.of(4, ack | fin, 0, rst, 0x55667788L, 0L),
                Arguments.of(4, psh, 100, rst | ack, 0L, 0x11223344L + 100),
                Arguments.of(4, fin, 10, rst | ack, 0L, 0x11223344L + 11),
                Arguments.of(4, 0, 0, rst | ack, 0L, 0x11223344L),
                Arguments.of(6, ack, 0, rst, 0x55667788L, 0L),
                Arguments.of(6, ack | psh, 7, rst, 0x55667788L, 0L),
                Arguments.of(6, psh, 100, rst | ack, 0L, 0x11223344L + 100),
                Arguments.of(6, fin, 0, rst | ack, 0L, 0x11223345L));
    }

    @ParameterizedTest(name = "IPv{0} flags {1} len {2} -> RST flags {3} seq {4} ack {5}")
    @MethodSource("table")
    void resetSequenceAndAcknowledgementFollowRfc9293(
            int v, int flags, int len, int rstFlags, long rstSeq, long rstAck) {
        long before = inside.counters().get(Counter.TCP_RESET_SENT);
        List<byte[]> out = send(
                inside,
                PacketSlot.PORT_INSIDE,
                segment(v == 6, true, flags, len).build());
        assertEquals(1, out.size());
        assertEquals(PacketSlot.PORT_INSIDE, emittedPorts.get(0), "back out of the ingress port");
        assertEquals(before + 1, inside.counters().get(Counter.TCP_RESET_SENT));
        PacketSlot r = Frames.slot(out.get(0));
        assertEquals(null, new Decoder().decode(r));
        assertTrue(Checksum.verifyL4(r), "valid TCP checksum");
        assertEquals(rstFlags, r.tcpFlags);
        assertEquals(rstSeq, r.seq);
        assertEquals(rstAck, r.ack);
        assertEquals(0, r.payloadLength);
        assertEquals(v, r.ipVersion);
        // Back to the sender as if from the destination it addressed.
        String host = v == 6 ? "[2001:db8:1::10]:40000" : "192.0.2.10:40000";
        String peer = v == 6 ? "[2001:db8:2::20]:80" : "198.51.100.20:80";
        assertEquals(peer, Addresses.format(r.ipVersion, r.srcHi, r.srcLo, r.srcPort));
        assertEquals(host, Addresses.format(r.ipVersion, r.dstHi, r.dstLo, r.dstPort));
        assertEquals(MacAddress.parse(HOST_MAC).value(), EthernetHeader.dstMac(r.data, 0));
        assertEquals(MacAddress.parse(PEER_MAC).value(), EthernetHeader.srcMac(r.data, 0));
    }

    @Test
    void theOptionChoosesTheSides() {
        byte[] fromInside = segment(false, true, TcpHeader.ACK, 0).build();
        byte[] fromOutside = segment(false, false, TcpHeader.ACK, 0).build();
        assertEquals(1, send(inside, PacketSlot.PORT_INSIDE, fromInside).size());
        assertEquals(0, send(inside, PacketSlot.PORT_OUTSIDE, fromOutside).size(), "inside only by default");
        assertEquals(0, send(outside, PacketSlot.PORT_INSIDE, fromInside).size());
        assertEquals(1, send(outside, PacketSlot.PORT_OUTSIDE, fromOutside).size());
        assertEquals(PacketSlot.PORT_OUTSIDE, emittedPorts.get(0));
        assertEquals(1, send(both, PacketSlot.PORT_INSIDE, fromInside).size());
        assertEquals(1, send(both, PacketSlot.PORT_OUTSIDE, fromOutside).size());
        assertEquals(0, send(off, PacketSlot.PORT_INSIDE, fromInside).size());
        assertEquals(0, send(off, PacketSlot.PORT_OUTSIDE, fromOutside).size());
        assertEquals(0, off.counters().get(Counter.TCP_RESET_SENT));
        // The segment itself is still a counted drop.
        assertTrue(off.counters().get(Counter.DROP_TCP_NO_FLOW) >= 2);
    }

    @Test
    void neverForSynOrRst() {
        int[] flags = {TcpHeader.SYN, TcpHeader.SYN | TcpHeader.ACK, TcpHeader.RST, TcpHeader.RST | TcpHeader.ACK};
        for (int f : flags) {
            byte[] seg = segment(false, true, f, 0).build();
            List<byte[]> out = send(both, PacketSlot.PORT_INSIDE, seg);
            if ((f & TcpHeader.SYN) != 0 && (f & TcpHeader.ACK) == 0) {
                // A plain SYN opens a flow; answer it away so the next case starts clean.
                assertEquals(0, out.size());
                continue;
            }
            assertEquals(0, out.size(), "flags " + f);
        }
    }

    @Test
    void rateLimitedByATokenBucket() throws Exception {
        try (Engine e = new Engine(
                ConfigParser.parse(BRIDGE + "flows reset-rate 10\nflows reset-burst 5\n", "rate"),
                EventSink.NONE,
                Frames.SLOT_CAPACITY)) {
            List<byte[]> got = new ArrayList<>();
            e.setEmitter((f, off, len, port) -> got.add(Arrays.copyOfRange(f, off, off + len)));
            PacketSlot s = new PacketSlot(Frames.SLOT_CAPACITY);
            long t = 1_700_000_000_000_000_000L;
            byte[] stray = segment(false, true, TcpHeader.ACK, 0).build();
            // A flood: 100 stray ACKs within 10 ms. The burst (5) passes, the rest is counted, not answered.
            for (int i = 0; i < 100; i++) {
                System.arraycopy(stray, 0, s.data, 0, stray.length);
                s.length = stray.length;
                s.ingressPort = PacketSlot.PORT_INSIDE;
                s.timestampNanos = t + i * 100_000L;
                assertEquals(Engine.DROP, e.process(s));
            }
            assertEquals(5, got.size());
            assertEquals(5, e.counters().get(Counter.TCP_RESET_SENT));
            assertEquals(95, e.counters().get(Counter.TCP_RESET_RATE_LIMITED));
            // One second later the bucket has refilled 10 tokens, capped at its depth of 5.
            for (int i = 0; i < 20; i++) {
                System.arraycopy(stray, 0, s.data, 0, stray.length);
                s.length = stray.length;
                s.ingressPort = PacketSlot.PORT_INSIDE;
                s.timestampNanos = t + 1_000_000_000L + i * 100_000L;
                e.process(s);
            }
            assertEquals(10, got.size());
            // 100 ms later: one token (10 per second).
            for (int i = 0; i < 3; i++) {
                System.arraycopy(stray, 0, s.data, 0, stray.length);
                s.length = stray.length;
                s.ingressPort = PacketSlot.PORT_INSIDE;
                s.timestampNanos = t + 1_100_000_000L + 2_000_000L + i * 100_000L;
                e.process(s);
            }
            assertEquals(11, got.size());
        }
    }

    @Test
    void aKnownFlowIsNeverResetAndAnExpiredOneIs() throws Exception {
        try (SimNet net = new SimNet(ConfigParser.parse(BRIDGE + "timeout tcp-established 2s\n", "known"))) {
            Host client = net.host("client", "192.0.2.10", PacketSlot.PORT_INSIDE);
            Host server = net.host("server", "198.51.100.20", PacketSlot.PORT_OUTSIDE);
            server.listen(80);
            Conn c = client.connect(40000, "198.51.100.20", 80);
            Conn s = server.lastAccepted(80);
            for (int i = 0; i < 5; i++) {
                net.advanceMillis(1500);
                c.send("ping\n");
                s.send("pong\n");
            }
            assertFalse(c.resetReceived || s.resetReceived);
            assertEquals(0, net.engine.counters().get(Counter.TCP_RESET_SENT));
            assertEquals("ping\nping\nping\nping\nping\n", s.take());
            // Idle past the timeout: the flow expires; the client's next segment is answered with a RST whose
            // seq is the client's ack (RFC 9293 3.10.7.1), so the client's stack accepts it.
            net.advanceMillis(2500);
            net.tick();
            long ackOfClient = c.rcvNxt();
            c.send("ping\n");
            assertTrue(c.resetReceived);
            assertFalse(s.resetReceived, "the server (outside) is not reset by default");
            PacketSlot r = Frames.slot(c.resetFrame);
            new Decoder().decode(r);
            assertEquals(TcpHeader.RST, r.tcpFlags);
            assertEquals(ackOfClient, r.seq);
            assertEquals(1, net.engine.counters().get(Counter.TCP_RESET_SENT));
            assertEquals(List.of(), net.errors);
        }
    }

    @Test
    void noResetForTheExpectedDataConnection() throws Exception {
        try (SimNet net = new SimNet(
                ConfigParser.parse("mode bridge\nport inside\nport outside\nflows reset-expired both\n", "expected"))) {
            FtpDriver f = new FtpDriver(
                    net,
                    net.host("client", "192.0.2.10", PacketSlot.PORT_INSIDE),
                    net.host("server", "198.51.100.20", PacketSlot.PORT_OUTSIDE));
            f.login(40000, "198.51.100.20", 21);
            f.command("PORT 192,0,2,10,195,80\r\n");
            f.reply("200 PORT command successful.\r\n");
            // A stray ACK on the negotiated data connection's tuple before its SYN: not reset, left to pass later.
            byte[] stray = PacketBuilder.ethernet(HOST_MAC, PEER_MAC)
                    .ipv4("198.51.100.20", "192.0.2.10")
                    .tcp(20, 50000, 1, 1, TcpHeader.ACK)
                    .build();
            PacketSlot s = Frames.slot(stray);
            s.ingressPort = PacketSlot.PORT_OUTSIDE;
            s.timestampNanos = net.clock();
            assertEquals(Engine.DROP, net.engine.process(s));
            assertEquals(0, net.engine.counters().get(Counter.TCP_RESET_SENT));
            assertEquals(1, net.engine.counters().get(Counter.TCP_RESET_SKIPPED_EXPECTED));
            // The data connection itself still works.
            byte[] file = FtpDriver.data(1000, 5);
            f.client.listen(50000);
            Conn d = f.server.connect(20, "192.0.2.10", 50000);
            assertTrue(d.established);
            assertEquals(List.of(), net.errors);
        }
    }
}
