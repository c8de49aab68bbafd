package io.ftpalg.engine.nat;

import static io.ftpalg.engine.testing.PacketBuilder.ipv4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.codec.Decoder;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.flow.FlowTable;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.Frames;
import io.ftpalg.engine.testing.PacketBuilder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NatPolicyTest {
    private static final String PORTS = "port inside match pcapng-interface 0\nport outside match pcapng-interface 1\n";
    private static final String SERVER = "198.51.100.20";

    private static NatPolicy policy(String rules, FlowTable flows) throws Exception {
        Config c = ConfigParser.parse(PORTS + rules, "test");
        return new NatPolicy(c, flows);
    }

    private static PacketSlot tcp(String src, int sport, String dst, int dport, int ingress) {
        return packet(PacketBuilder.ethernet().ipv4(src, dst).tcp(sport, dport, 1000, 0, TcpHeader.SYN), ingress);
    }

    private static PacketSlot packet(PacketBuilder b, int ingress) {
        PacketSlot s = Frames.slot(b.build());
        assertNull(new Decoder().decode(s));
        s.ingressPort = ingress;
        return s;
    }

    /** Records the planned flow the way the engine does: ORIGINAL from the packet, REPLY from the plan. */
    private static int commit(FlowTable flows, NatPolicy nat, PacketSlot s) {
        int f = flows.allocate();
        flows.setTuple(
                f,
                FlowTable.ORIGINAL,
                s.srcHi,
                s.srcLo,
                s.dstHi,
                s.dstLo,
                FlowTable.meta(s.ipVersion, s.l4Proto, s.srcPort, s.dstPort));
        flows.setTuple(
                f,
                FlowTable.REPLY,
                nat.replySrcHi,
                nat.replySrcLo,
                nat.replyDstHi,
                nat.replyDstLo,
                FlowTable.meta(s.ipVersion, s.l4Proto, nat.replySport, nat.replyDport));
        flows.insert(f);
        flows.state(f, 1);
        return f;
    }

    @Test
    void snatKeepsSourcePortWhenFree() throws Exception {
        FlowTable flows = new FlowTable(64);
        NatPolicy nat = policy("snat from 192.0.2.0/24 to 203.0.113.1 ports 20000-20099\n", flows);
        PacketSlot s = tcp("192.0.2.10", 40000, SERVER, 21, PacketSlot.PORT_INSIDE);
        assertNull(nat.plan(s));
        assertTrue(nat.sourceMapped);
        assertFalse(nat.destinationMapped);
        assertFalse(nat.portRemapped);
        assertEquals(ipv4(SERVER), nat.replySrcLo);
        assertEquals(21, nat.replySport);
        assertEquals(ipv4("203.0.113.1"), nat.replyDstLo);
        assertEquals(40000, nat.replyDport);
    }

    @Test
    void snatRemapsWhenReplyTupleTakenAndStaysInRange() throws Exception {
        FlowTable flows = new FlowTable(256);
        NatPolicy nat = policy("snat from 192.0.2.0/24 to 203.0.113.1 ports 20000-20099\n", flows);
        Set<Integer> used = new HashSet<>();
        // 100 more hosts, all from port 40000 to the same server: the first keeps 40000, every other one must get
        // a distinct port from 20000-20099.
        for (int host = 1; host <= 101; host++) {
            PacketSlot s = tcp("192.0.2." + host, 40000, SERVER, 21, PacketSlot.PORT_INSIDE);
            assertNull(nat.plan(s), "host " + host);
            if (host == 1) {
                assertEquals(40000, nat.replyDport);
                assertFalse(nat.portRemapped);
            } else {
                assertTrue(nat.portRemapped, "host " + host);
                assertTrue(nat.replyDport >= 20000 && nat.replyDport <= 20099, "port " + nat.replyDport);
            }
            assertTrue(used.add(nat.replyDport), "port given twice: " + nat.replyDport);
            assertEquals(
                    FlowTable.NONE,
                    flows.lookup(
                            nat.replySrcHi,
                            nat.replySrcLo,
                            nat.replyDstHi,
                            nat.replyDstLo,
                            FlowTable.meta(4, 6, nat.replySport, nat.replyDport)));
            commit(flows, nat, s);
        }
        // the range is exhausted now
        PacketSlot s = tcp("192.0.2.200", 40000, SERVER, 21, PacketSlot.PORT_INSIDE);
        assertEquals(Counter.DROP_NAT_PORTS_EXHAUSTED, nat.plan(s));
        // but another destination port makes a different reply tuple: 40000 is free again
        s = tcp("192.0.2.200", 40000, SERVER, 22, PacketSlot.PORT_INSIDE);
        assertNull(nat.plan(s));
        assertEquals(40000, nat.replyDport);
    }

    @Test
    void remapWhenOccupiedByUnrelatedFlow() throws Exception {
        FlowTable flows = new FlowTable(16);
        NatPolicy nat = policy("snat from 192.0.2.0/24 to 203.0.113.1 ports 30000-30009\n", flows);
        // some flow already owns 198.51.100.20:21 -> 203.0.113.1:5555 as a tuple
        int f = flows.allocate();
        long meta = FlowTable.meta(4, 6, 21, 5555);
        flows.setTuple(f, 0, 0, ipv4(SERVER), 0, ipv4("203.0.113.1"), meta);
        flows.setTuple(f, 1, 0, ipv4("203.0.113.1"), 0, ipv4(SERVER), FlowTable.meta(4, 6, 5555, 21));
        flows.insert(f);
        PacketSlot s = tcp("192.0.2.7", 5555, SERVER, 21, PacketSlot.PORT_INSIDE);
        assertNull(nat.plan(s));
        assertTrue(nat.portRemapped);
        assertTrue(nat.replyDport >= 30000 && nat.replyDport <= 30009);
        // UDP to the same port is a different tuple: kept
        PacketSlot u = packet(PacketBuilder.ethernet().ipv4("192.0.2.7", SERVER).udp(5555, 21), 0);
        assertNull(nat.plan(u));
        assertEquals(5555, nat.replyDport);
        assertFalse(nat.portRemapped);
    }

    @Test
    void sameInsideHostGetsSameExternalAddress() throws Exception {
        FlowTable flows = new FlowTable(4096);
        NatPolicy nat = policy(
                "snat from 192.0.2.0/24 to 203.0.113.1,203.0.113.2,203.0.113.3,203.0.113.4 ports 20000-60000\n", flows);
        Map<Integer, Long> chosen = new HashMap<>();
        Set<Long> allExt = new HashSet<>();
        for (int round = 0; round < 8; round++) {
            for (int host = 1; host < 255; host++) {
                int sport = 1024 + (host * 31 + round * 7) % 60000;
                int dport = round % 2 == 0 ? 21 : 20;
                PacketSlot s = tcp("192.0.2." + host, sport, round < 4 ? SERVER : "198.51.100.99", dport, 0);
                assertNull(nat.plan(s));
                long ext = nat.replyDstLo;
                Long before = chosen.putIfAbsent(host, ext);
                if (before != null) {
                    assertEquals(before, ext, "host " + host + " changed external address");
                }
                allExt.add(ext);
                if (host % 3 == 0) {
                    commit(flows, nat, s);
                }
            }
        }
        assertEquals(
                Set.of(ipv4("203.0.113.1"), ipv4("203.0.113.2"), ipv4("203.0.113.3"), ipv4("203.0.113.4")),
                allExt,
                "254 hosts should be spread over all four addresses");
    }

    @ParameterizedTest(name = "{0}:{1} -> {2}")
    @CsvSource({"8000, 9000", "8003, 9003", "8009, 9009"})
    void dnatPortRange(int extPort, int inPort) throws Exception {
        FlowTable flows = new FlowTable(16);
        NatPolicy nat = policy("dnat proto tcp to 203.0.113.10 port 8000-8009 -> 192.0.2.50 port 9000\n", flows);
        PacketSlot s = tcp("198.51.100.7", 50000, "203.0.113.10", extPort, PacketSlot.PORT_OUTSIDE);
        assertNull(nat.plan(s));
        assertTrue(nat.destinationMapped);
        assertFalse(nat.sourceMapped);
        assertEquals(ipv4("192.0.2.50"), nat.replySrcLo);
        assertEquals(inPort, nat.replySport);
        assertEquals(ipv4("198.51.100.7"), nat.replyDstLo);
        assertEquals(50000, nat.replyDport);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"7999", "8010"})
    void dnatOutsideRangeIsUnsolicited(int extPort) throws Exception {
        NatPolicy nat =
                policy("dnat proto tcp to 203.0.113.10 port 8000-8009 -> 192.0.2.50 port 9000\n", new FlowTable(4));
        PacketSlot s = tcp("198.51.100.7", 50000, "203.0.113.10", extPort, PacketSlot.PORT_OUTSIDE);
        assertEquals(Counter.DROP_INBOUND_UNSOLICITED, nat.plan(s));
    }

    @Test
    void dnatMatchesProtocol() throws Exception {
        NatPolicy nat =
                policy("dnat proto tcp to 203.0.113.10 port 8000-8009 -> 192.0.2.50 port 9000\n", new FlowTable(4));
        PacketSlot u = packet(
                PacketBuilder.ethernet().ipv4("198.51.100.7", "203.0.113.10").udp(5000, 8003), 1);
        assertEquals(Counter.DROP_INBOUND_UNSOLICITED, nat.plan(u));
    }

    @Test
    void staticOneToOneBothDirections() throws Exception {
        FlowTable flows = new FlowTable(16);
        NatPolicy nat = policy("snat from 192.0.2.0/24 to 203.0.113.1\nstatic 192.0.2.77 <-> 203.0.113.77\n", flows);
        PacketSlot out = tcp("192.0.2.77", 40000, SERVER, 21, PacketSlot.PORT_INSIDE);
        assertNull(nat.plan(out));
        assertTrue(nat.sourceMapped);
        assertEquals(ipv4("203.0.113.77"), nat.replyDstLo, "static wins over the snat rule");
        assertEquals(40000, nat.replyDport);

        PacketSlot in = tcp("198.51.100.7", 50000, "203.0.113.77", 2222, PacketSlot.PORT_OUTSIDE);
        assertNull(nat.plan(in));
        assertTrue(nat.destinationMapped);
        assertEquals(ipv4("192.0.2.77"), nat.replySrcLo);
        assertEquals(2222, nat.replySport);
        assertEquals(ipv4("198.51.100.7"), nat.replyDstLo);
        assertEquals(50000, nat.replyDport);
    }

    @Test
    void staticIpv6() throws Exception {
        NatPolicy nat = policy("static 2001:db8:1::77 <-> 2001:db8:ff::77\n", new FlowTable(4));
        PacketSlot out = packet(
                PacketBuilder.ethernet()
                        .ipv6("2001:db8:1::77", "2001:db8:2::20")
                        .tcp(40000, 21, 1, 0, TcpHeader.SYN),
                0);
        assertNull(nat.plan(out));
        assertEquals(PacketBuilder.ipv6Hi("2001:db8:ff::77"), nat.replyDstHi);
        assertEquals(PacketBuilder.ipv6Lo("2001:db8:ff::77"), nat.replyDstLo);
    }

    @Test
    void inboundDenyIsDefaultAndAllowPassesUntranslated() throws Exception {
        PacketSlot s = tcp("198.51.100.7", 50000, "192.0.2.10", 22, PacketSlot.PORT_OUTSIDE);
        NatPolicy deny = policy("", new FlowTable(4));
        assertEquals(Counter.DROP_INBOUND_UNSOLICITED, deny.plan(s));
        NatPolicy explicitDeny = policy("firewall inbound deny\n", new FlowTable(4));
        assertEquals(Counter.DROP_INBOUND_UNSOLICITED, explicitDeny.plan(s));

        NatPolicy allow = policy("firewall inbound allow\n", new FlowTable(4));
        assertNull(allow.plan(s));
        assertFalse(allow.sourceMapped || allow.destinationMapped || allow.portRemapped);
        assertEquals(ipv4("192.0.2.10"), allow.replySrcLo);
        assertEquals(22, allow.replySport);
        assertEquals(ipv4("198.51.100.7"), allow.replyDstLo);
        assertEquals(50000, allow.replyDport);
    }

    @Test
    void outboundDeny() throws Exception {
        NatPolicy nat = policy("firewall outbound deny\nsnat from 192.0.2.0/24 to 203.0.113.1\n", new FlowTable(4));
        PacketSlot s = tcp("192.0.2.10", 40000, SERVER, 21, PacketSlot.PORT_INSIDE);
        assertEquals(Counter.DROP_OUTBOUND_DENIED, nat.plan(s));
        // inbound is unaffected by the outbound policy (and still denied by default)
        PacketSlot in = tcp(SERVER, 21, "192.0.2.10", 40000, PacketSlot.PORT_OUTSIDE);
        assertEquals(Counter.DROP_INBOUND_UNSOLICITED, nat.plan(in));
    }

    @Test
    void outboundWithoutRuleIsUntranslated() throws Exception {
        NatPolicy nat = policy("snat from 10.0.0.0/8 to 203.0.113.1\n", new FlowTable(4));
        PacketSlot s = tcp("192.0.2.10", 40000, SERVER, 21, PacketSlot.PORT_INSIDE);
        assertNull(nat.plan(s));
        assertFalse(nat.sourceMapped);
        assertEquals(ipv4("192.0.2.10"), nat.replyDstLo);
        assertEquals(40000, nat.replyDport);
    }

    @Test
    void icmpEchoIdentifierRemappedAsBothPorts() throws Exception {
        FlowTable flows = new FlowTable(16);
        NatPolicy nat = policy("snat from 192.0.2.0/24 to 203.0.113.1 ports 30000-30009\n", flows);
        PacketSlot a = packet(PacketBuilder.ethernet().ipv4("192.0.2.5", SERVER).echoRequest(777, 1), 0);
        assertNull(nat.plan(a));
        assertEquals(777, nat.replyDport);
        // engine: the reply tuple of an echo flow carries the identifier as both ports
        nat.replySport = nat.replyDport;
        commit(flows, nat, a);
        PacketSlot b = packet(PacketBuilder.ethernet().ipv4("192.0.2.6", SERVER).echoRequest(777, 1), 0);
        assertNull(nat.plan(b));
        assertTrue(nat.portRemapped);
        assertNotEquals(777, nat.replyDport);
        assertTrue(nat.replyDport >= 30000 && nat.replyDport <= 30009);
    }

    private static final String POOL =
            "dnat to 203.0.113.1 port 21 -> 192.0.2.20 192.0.2.21 192.0.2.22 port 2121 select %s\n";

    /** client-hash: the member depends on the client's address only (not its port); clients spread over the pool. */
    @Test
    void clientHashIsStickyPerAddressAndSpreads() throws Exception {
        FlowTable flows = new FlowTable(64);
        NatPolicy nat = policy(POOL.formatted("client-hash"), flows);
        Map<Long, Integer> counts = new HashMap<>();
        for (int c = 0; c < 60; c++) {
            Long member = null;
            for (int port = 40000; port < 40005; port++) {
                PacketSlot s = tcp("198.51.100." + (10 + c), port, "203.0.113.1", 21, PacketSlot.PORT_OUTSIDE);
                assertNull(nat.plan(s));
                assertTrue(nat.destinationMapped && nat.balanced);
                assertEquals(2121, nat.replySport);
                if (member == null) {
                    member = nat.replySrcLo;
                }
                assertEquals(member, nat.replySrcLo, "client " + c + " port " + port);
            }
            counts.merge(member, 1, Integer::sum);
        }
        assertEquals(3, counts.size(), "60 clients reach all 3 members: " + counts);
        for (int n : counts.values()) {
            assertTrue(n >= 8, "no member starved: " + counts);
        }
    }

    /** round-robin: each plan takes the next member; check() (the engine's to-gateway question) takes no turn. */
    @Test
    void roundRobinTakesTurnsAndCheckDoesNot() throws Exception {
        FlowTable flows = new FlowTable(64);
        NatPolicy nat = policy(POOL.formatted("round-robin"), flows);
        PacketSlot s = tcp("198.51.100.10", 40000, "203.0.113.1", 21, PacketSlot.PORT_OUTSIDE);
        for (int i = 0; i < 7; i++) {
            assertNull(nat.check(s));
            assertNull(nat.plan(s));
            assertEquals(ipv4("192.0.2.2" + (i % 3)), nat.replySrcLo, "flow " + i);
        }
        PacketSlot other = tcp("198.51.100.10", 40000, "203.0.113.1", 22, PacketSlot.PORT_OUTSIDE);
        assertEquals(Counter.DROP_INBOUND_UNSOLICITED, nat.plan(other), "the pool covers port 21 only");
        assertFalse(nat.balanced);
    }
}
