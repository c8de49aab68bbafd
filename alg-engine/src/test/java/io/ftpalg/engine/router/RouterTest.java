package io.ftpalg.engine.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.codec.Bytes;
import io.ftpalg.engine.codec.Checksum;
import io.ftpalg.engine.codec.Decoder;
import io.ftpalg.engine.codec.EthernetHeader;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.pipeline.Engine;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.Frames;
import io.ftpalg.engine.testing.PacketBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Router mode as the hosts on both networks see it: ARP, neighbour discovery, next hops, TTL. */
class RouterTest {
    static final String GW_IN = "02:00:00:00:00:01";
    static final String GW_OUT = "02:00:00:00:00:02";
    static final String CLIENT_MAC = "02:00:00:00:01:10";
    static final String SERVER_MAC = "02:00:00:00:02:20";
    static final String UPSTREAM_MAC = "02:00:00:00:02:fe";

    static final String CONFIG = """
            mode router
            port inside mac 02:00:00:00:00:01 address 192.0.2.1/24 address 2001:db8:1::1/64
            port outside mac 02:00:00:00:00:02 address 198.51.100.1/24 address 2001:db8:2::1/64
            snat from 192.0.2.0/24 to 203.0.113.1
            snat from 2001:db8:1::/64 to 2001:db8:ff::1
            route 0.0.0.0/0 via 198.51.100.254
            """;

    record Emitted(int port, byte[] frame) {}

    Engine engine;
    final List<Emitted> emitted = new ArrayList<>();
    long now = 1_700_000_000_000_000_000L;

    @BeforeEach
    void setUp() throws Exception {
        engine = new Engine(ConfigParser.parse(CONFIG, "router"), EventSink.NONE, 4096);
        engine.setEmitter((f, off, len, port) -> emitted.add(new Emitted(port, Arrays.copyOfRange(f, off, off + len))));
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    int send(int port, byte[] frame) {
        PacketSlot s = Frames.slot(frame);
        s.ingressPort = port;
        s.timestampNanos = now += 1_000_000L;
        last = s;
        return engine.process(s);
    }

    PacketSlot last;

    static PacketSlot decoded(byte[] frame) {
        PacketSlot s = Frames.slot(frame);
        new Decoder().decode(s);
        return s;
    }

    static long mac(String m) {
        return Long.parseLong(m.replace(":", ""), 16);
    }

    @Test
    void answersArpForItsAddressAndNatAddressesOnlyOnTheRightPort() {
        assertEquals(
                Engine.LOCAL,
                send(
                        0,
                        PacketBuilder.ethernet(CLIENT_MAC, "ff:ff:ff:ff:ff:ff")
                                .arp("192.0.2.10", "192.0.2.1")
                                .build()));
        assertEquals(1, emitted.size());
        byte[] r = emitted.get(0).frame();
        assertEquals(0, emitted.get(0).port());
        assertEquals(mac(CLIENT_MAC), EthernetHeader.dstMac(r, 0));
        assertEquals(2, Bytes.u16(r, 14 + 6), "ARP reply");
        assertEquals(mac(GW_IN), Router.mac(r, 14 + 8), "sender hardware address = inside port MAC");
        assertEquals(PacketBuilder.ipv4("192.0.2.1"), Bytes.u32(r, 14 + 14));
        // The NAT address is answered outside, not inside; an address nobody owns is not answered.
        emitted.clear();
        send(
                1,
                PacketBuilder.ethernet(SERVER_MAC, "ff:ff:ff:ff:ff:ff")
                        .arp("198.51.100.20", "203.0.113.1")
                        .build());
        send(
                0,
                PacketBuilder.ethernet(CLIENT_MAC, "ff:ff:ff:ff:ff:ff")
                        .arp("192.0.2.10", "203.0.113.1")
                        .build());
        send(
                1,
                PacketBuilder.ethernet(SERVER_MAC, "ff:ff:ff:ff:ff:ff")
                        .arp("198.51.100.20", "198.51.100.99")
                        .build());
        assertEquals(1, emitted.size());
        assertEquals(1, emitted.get(0).port());
        assertEquals(2, engine.counters().get(Counter.ROUTER_ARP_REPLIES));
    }

    @Test
    void answersNeighbourSolicitation() {
        byte[] ns = PacketBuilder.ethernet(CLIENT_MAC, "33:33:ff:00:00:01")
                .ipv6("2001:db8:1::10", "ff02::1:ff00:1")
                .hopLimit(255)
                .icmpv6(135, 0)
                .payload(nsBody("2001:db8:1::1", CLIENT_MAC))
                .build();
        assertEquals(Engine.LOCAL, send(0, ns));
        assertEquals(1, emitted.size());
        PacketSlot na = decoded(emitted.get(0).frame());
        assertEquals(136, na.icmpType);
        assertEquals(PacketBuilder.ipv6Lo("2001:db8:1::10"), na.dstLo);
        assertEquals(255, na.ttl);
        assertTrue(Checksum.verifyL4(na), "ICMPv6 checksum");
        assertEquals(mac(GW_IN), Router.mac(na.data, na.l4Offset + 24 + 2), "target link-layer address option");
    }

    /** Target(16) + source link-layer address option (the builder's ICMPv6 header carries the reserved word). */
    static byte[] nsBody(String target, String lladdr) {
        ByteBuffer b = ByteBuffer.allocate(16 + 8);
        b.put(PacketBuilder.addr(target, 16)).put((byte) 1).put((byte) 1);
        long m = mac(lladdr);
        b.putShort((short) (m >>> 32)).putInt((int) m);
        return b.array();
    }

    @Test
    void resolvesTheNextHopParksThePacketAndSendsItWhenAnswered() {
        // The client's SYN to an off-link server goes to the default route's router, not yet resolved.
        byte[] syn = PacketBuilder.ethernet(CLIENT_MAC, GW_IN)
                .ipv4("192.0.2.10", "203.0.113.77")
                .tcp(40000, 21, 1, 0, TcpHeader.SYN)
                .build();
        assertEquals(Engine.HELD, send(0, syn));
        assertEquals(1, emitted.size());
        byte[] req = emitted.get(0).frame();
        assertEquals(1, emitted.get(0).port());
        assertEquals(0xFFFF_FFFF_FFFFL, EthernetHeader.dstMac(req, 0));
        assertEquals(1, Bytes.u16(req, 14 + 6), "ARP request");
        assertEquals(PacketBuilder.ipv4("198.51.100.1"), Bytes.u32(req, 14 + 14), "from the outside address");
        assertEquals(PacketBuilder.ipv4("198.51.100.254"), Bytes.u32(req, 14 + 24), "for the router");
        // The router answers; the parked SYN leaves, translated, to the router's MAC.
        emitted.clear();
        byte[] reply = PacketBuilder.ethernet(UPSTREAM_MAC, GW_OUT)
                .arp("198.51.100.254", "198.51.100.1")
                .build();
        reply[14 + 7] = 2; // op = reply
        assertEquals(Engine.LOCAL, send(1, reply));
        assertEquals(1, emitted.size());
        PacketSlot out = decoded(emitted.get(0).frame());
        assertEquals(mac(UPSTREAM_MAC), EthernetHeader.dstMac(out.data, 0));
        assertEquals(mac(GW_OUT), EthernetHeader.srcMac(out.data, 0));
        assertEquals(PacketBuilder.ipv4("203.0.113.1"), out.srcLo, "source NAT applied");
        assertTrue(Checksum.verifyL4(out));
        // Later packets go straight out.
        byte[] ack = PacketBuilder.ethernet(CLIENT_MAC, GW_IN)
                .ipv4("192.0.2.10", "203.0.113.77")
                .tcp(40000, 21, 2, 1, TcpHeader.ACK)
                .build();
        assertEquals(Engine.FORWARD, send(0, ack));
        assertEquals(mac(UPSTREAM_MAC), EthernetHeader.dstMac(last.data, 0));
    }

    @Test
    void onLinkDestinationIsItsOwnNextHopAndNoRouteIsDropped() throws Exception {
        send(
                1,
                PacketBuilder.ethernet(SERVER_MAC, GW_OUT)
                        .arp("198.51.100.20", "198.51.100.1")
                        .build());
        byte[] syn = PacketBuilder.ethernet(CLIENT_MAC, GW_IN)
                .ipv4("192.0.2.10", "198.51.100.20")
                .tcp(40001, 21, 1, 0, TcpHeader.SYN)
                .build();
        assertEquals(Engine.FORWARD, send(0, syn));
        assertEquals(mac(SERVER_MAC), EthernetHeader.dstMac(last.data, 0));
        // IPv6 has no route off-link here.
        byte[] syn6 = PacketBuilder.ethernet(CLIENT_MAC, GW_IN)
                .ipv6("2001:db8:1::10", "2001:db8:99::1")
                .tcp(40002, 21, 1, 0, TcpHeader.SYN)
                .build();
        assertEquals(Engine.DROP, send(0, syn6));
        assertEquals(Counter.DROP_NO_ROUTE, engine.lastDrop());
    }

    @Test
    void answersPingsToItsOwnAddressesAndForwardsNothingElseToThem() {
        byte[] ping = PacketBuilder.ethernet(CLIENT_MAC, GW_IN)
                .ipv4("192.0.2.10", "192.0.2.1")
                .echoRequest(7, 1)
                .payload("hello")
                .build();
        assertEquals(Engine.LOCAL, send(0, ping));
        PacketSlot reply = decoded(emitted.get(0).frame());
        assertEquals(0, reply.icmpType);
        assertEquals(PacketBuilder.ipv4("192.0.2.10"), reply.dstLo);
        assertTrue(Checksum.verifyL4(reply) && Checksum.verifyIpv4Header(reply.data, reply.l3Offset, 20));
        byte[] ping6 = PacketBuilder.ethernet(CLIENT_MAC, GW_IN)
                .ipv6("2001:db8:1::10", "2001:db8:2::1")
                .echoRequest(7, 1)
                .build();
        assertEquals(Engine.LOCAL, send(0, ping6));
        assertTrue(Checksum.verifyL4(decoded(emitted.get(1).frame())));
        byte[] ssh = PacketBuilder.ethernet(CLIENT_MAC, GW_IN)
                .ipv4("192.0.2.10", "192.0.2.1")
                .tcp(40000, 22, 1, 0, TcpHeader.SYN)
                .build();
        assertEquals(Engine.DROP, send(0, ssh));
        assertEquals(Counter.DROP_TO_GATEWAY, engine.lastDrop());
    }

    @Test
    void linkScopedTrafficIsNeitherRoutedNorAnswered() {
        byte[] mld = PacketBuilder.ethernet(CLIENT_MAC, "33:33:00:00:00:16")
                .ipv6("fe80::10", "ff02::16")
                .hopLimit(1)
                .udp(5353, 5353)
                .build();
        assertEquals(Engine.LOCAL, send(0, mld));
        byte[] mdns = PacketBuilder.ethernet(CLIENT_MAC, "01:00:5e:00:00:fb")
                .ipv4("192.0.2.10", "224.0.0.251")
                .ttl(1)
                .udp(5353, 5353)
                .build();
        assertEquals(Engine.LOCAL, send(0, mdns));
        assertEquals(0, emitted.size(), "no ICMP error for multicast");
        assertEquals(2, engine.counters().get(Counter.ROUTER_LINK_SCOPE));
    }

    @Test
    void expiredTtlIsAnsweredWithTimeExceeded() {
        byte[] pkt = PacketBuilder.ethernet(CLIENT_MAC, GW_IN)
                .ipv4("192.0.2.10", "198.51.100.20")
                .ttl(1)
                .udp(33434, 33434)
                .payload("traceroute")
                .build();
        assertEquals(Engine.DROP, send(0, pkt));
        assertEquals(1, emitted.size());
        PacketSlot te = decoded(emitted.get(0).frame());
        assertEquals(0, emitted.get(0).port());
        assertEquals(11, te.icmpType);
        assertEquals(PacketBuilder.ipv4("192.0.2.1"), te.srcLo);
        assertEquals(PacketBuilder.ipv4("192.0.2.10"), te.dstLo);
        assertEquals(mac(CLIENT_MAC), EthernetHeader.dstMac(te.data, 0));
        assertTrue(Checksum.verifyL4(te), "ICMP checksum");
        assertTrue(Checksum.verifyIpv4Header(te.data, te.l3Offset, 20));
        assertEquals(1, engine.counters().get(Counter.ROUTER_TIME_EXCEEDED_SENT));
    }
}
