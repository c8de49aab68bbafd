package io.ftpalg.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.FtpDriver;
import io.ftpalg.engine.testing.SimNet;
import io.ftpalg.engine.testing.SimNet.Conn;
import io.ftpalg.engine.testing.SimNet.Host;
import io.ftpalg.engine.testing.Wire;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * PROBLEM.md scenario 4 (servers behind a load balancer: every data connection reaches the server of its control
 * connection, 227 carries the virtual address) and scenario 8 (active-mode data from port 20 or N-1, kept through
 * NAT, remapped and counted on a collision; {@code ftp data-source-port strict}), through the engine with simulated
 * TCP endpoints that check every sequence and acknowledgement number.
 */
class LoadBalancerTest {
    static final String VIP4 = "203.0.113.1";
    static final String VIP6 = "2001:db8:ff::1";

    static String lb(String select) {
        return """
                mode router
                port inside
                port outside
                dnat to 203.0.113.1 port 21 -> 192.0.2.20 192.0.2.21 192.0.2.22 select %s
                dnat to 2001:db8:ff::1 port 21 -> 2001:db8:1::20 2001:db8:1::21 2001:db8:1::22 select %s
                firewall inbound deny
                """.formatted(select, select);
    }

    static Config config(String text) throws Exception {
        return ConfigParser.parse(text, "lb-test");
    }

    static List<Host> servers(SimNet net, boolean v6) {
        List<Host> l = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            l.add(net.host("server" + i, (v6 ? "2001:db8:1::2" : "192.0.2.2") + i, PacketSlot.PORT_INSIDE));
        }
        return l;
    }

    static Host client(SimNet net, boolean v6, int i) {
        return net.host("client" + i, (v6 ? "2001:db8:2::" : "198.51.100.") + (10 + i), PacketSlot.PORT_OUTSIDE);
    }

    @Test
    void clientHashIsStickyPerClientAndSpreadsClients() throws Exception {
        try (SimNet net = new SimNet(config(lb("client-hash")))) {
            List<Host> servers = servers(net, false);
            Set<Host> used = new HashSet<>();
            for (int i = 0; i < 12; i++) {
                Host client = client(net, false, i);
                FtpDriver a = FtpDriver.loginAny(net, client, servers, 40000, VIP4, 21);
                FtpDriver b = FtpDriver.loginAny(net, client, servers, 40001, VIP4, 21);
                assertNotNull(a);
                assertNotNull(b);
                assertSame(a.server, b.server, "client " + client.ip + ": both sessions on one server");
                used.add(a.server);
            }
            assertTrue(used.size() >= 2, "12 clients over 3 servers use more than one: " + used.size());
            assertEquals(24, net.engine.counters().get(Counter.NAT_BALANCED));
            assertEquals(List.of(), net.errors);
        }
    }

    @Test
    void roundRobinTakesTurns() throws Exception {
        try (SimNet net = new SimNet(config(lb("round-robin")))) {
            List<Host> servers = servers(net, false);
            Host client = client(net, false, 0);
            for (int i = 0; i < 6; i++) {
                FtpDriver f = FtpDriver.loginAny(net, client, servers, 40000 + i, VIP4, 21);
                assertNotNull(f);
                assertSame(servers.get(i % 3), f.server, "session " + i);
            }
            assertEquals(List.of(), net.errors);
        }
    }

    /**
     * The virtual address may be the gateway's own outside address: the engine then asks the policy once whether
     * the packet is for the gateway itself, and that question must not take a round-robin turn (with two members
     * every session would land on the same one).
     */
    @Test
    void virtualAddressOnTheGatewaysOwnAddressStillTakesTurns() throws Exception {
        String text = """
                mode router
                port inside address 192.0.2.1/24
                port outside address 203.0.113.1/24
                dnat to 203.0.113.1 port 21 -> 192.0.2.20 192.0.2.21 select round-robin
                """;
        try (SimNet net = new SimNet(config(text))) {
            List<Host> servers = servers(net, false).subList(0, 2);
            Host client = net.host("client", "203.0.113.10", PacketSlot.PORT_OUTSIDE);
            for (int i = 0; i < 4; i++) {
                FtpDriver f = FtpDriver.loginAny(net, client, servers, 40000 + i, VIP4, 21);
                assertNotNull(f, "session " + i);
                assertSame(servers.get(i % 2), f.server, "session " + i);
            }
            assertEquals(List.of(), net.errors);
        }
    }

    /**
     * The virtual address is the gateway's own outside address and dnat covers only port 21: passive data to that
     * address (a port no dnat rule names) must still be admitted by its expectation, not dropped as addressed to
     * the gateway; active data from the server leaves as that address. Likewise masquerade: source NAT to the
     * outside port's own address, active data from an outside server comes back in through its expectation.
     */
    @Test
    void dataConnectionsToTheGatewaysOwnAddress() throws Exception {
        String text = """
                mode router
                port inside address 192.0.2.1/24
                port outside address 203.0.113.1/24
                dnat to 203.0.113.1 port 21 -> 192.0.2.20 192.0.2.21 select round-robin
                snat from 192.0.2.0/24 to 203.0.113.1
                """;
        try (SimNet net = new SimNet(config(text))) {
            List<Host> servers = servers(net, false).subList(0, 2);
            Host client = net.host("client", "203.0.113.10", PacketSlot.PORT_OUTSIDE);
            for (int i = 0; i < 2; i++) {
                FtpDriver f = FtpDriver.loginAny(net, client, servers, 40000 + i, VIP4, 21);
                assertNotNull(f, "session " + i);
                byte[] file = FtpDriver.data(1500, i);
                assertArrayEquals(file, f.passiveStor(false, 30000 + i, null, file), "passive " + i);
                assertSame(f.server, f.lastData.host, "passive data reached the control's server");
                assertArrayEquals(file, f.activeRetr(false, 50000 + i, file), "active " + i);
                assertEquals(VIP4, f.lastData.remoteIp, "active data leaves as the gateway's address");
            }
            // Masquerade: an inside client, an outside server, active mode back to the gateway's own address.
            Host inside = net.host("inside-client", "192.0.2.10", PacketSlot.PORT_INSIDE);
            Host outside = net.host("outside-server", "203.0.113.30", PacketSlot.PORT_OUTSIDE);
            FtpDriver m = new FtpDriver(net, inside, outside);
            m.login(41000, "203.0.113.30", 21);
            byte[] file = FtpDriver.data(1200, 7);
            assertArrayEquals(file, m.activeRetr(false, 51000, file), "masquerade active");
            assertEquals(0, net.engine.counters().get(Counter.DROP_TO_GATEWAY));
            assertEquals(List.of(), net.errors);
        }
    }

    /** Several clients, round-robin: each session's PASV/EPSV and PORT/EPRT data meet its control's server. */
    @Test
    void everyDataConnectionMeetsItsControlConnectionsServer() throws Exception {
        for (boolean v6 : new boolean[] {false, true}) {
            try (SimNet net = new SimNet(config(lb("round-robin")))) {
                String vip = v6 ? VIP6 : VIP4;
                List<Host> servers = servers(net, v6);
                Map<Host, Integer> sessions = new HashMap<>();
                for (int i = 0; i < 4; i++) {
                    FtpDriver f = FtpDriver.loginAny(net, client(net, v6, i), servers, 40000, vip, 21);
                    assertNotNull(f);
                    sessions.merge(f.server, 1, Integer::sum);
                    for (int t = 0; t < 2; t++) {
                        boolean extended = v6 || t == 1;
                        byte[] file = FtpDriver.data(1500 + 100 * t, i * 10 + t);
                        if (!extended) {
                            // What the client reads in the 227: the virtual address, never the server's.
                            f.command("PASV\r\n");
                            String got = f.reply(
                                    "227 Entering Passive Mode (" + Wire.portArgs(f.server.ip, 30100) + ").\r\n");
                            assertEquals(vip, Wire.six(got).ip(), got);
                        }
                        assertArrayEquals(file, f.passiveStor(extended, 30000 + t, null, file), "passive " + t);
                        assertSame(f.server, f.lastData.host, "passive data reached the control's server");
                        assertArrayEquals(file, f.activeRetr(extended, 50000 + t, file), "active " + t);
                        assertEquals(vip, f.lastData.remoteIp, "active data leaves as the virtual address");
                        assertEquals(20, f.lastData.remotePort, "source port 20 kept");
                    }
                    f.quit();
                }
                assertEquals(3, sessions.size(), "4 clients spread over all 3 servers: " + sessions);
                assertEquals(List.of(), net.errors);
                var k = net.engine.counters();
                assertEquals(8, k.get(Counter.NAT_DATA_SOURCE_PORT_KEPT));
                assertEquals(0, k.get(Counter.NAT_DATA_SOURCE_PORT_REMAPPED));
                assertEquals(4, k.get(Counter.NAT_BALANCED), "only control connections are balanced");
                assertEquals(v6 ? 16 : 20, k.get(Counter.EXPECT_CREATED));
            }
        }
    }

    /**
     * Round-robin puts one client's two sessions on two servers that both offer passive port 30000 at once: the
     * expectation key (client, virtual address, port) would be ambiguous, so the second 227 advertises the next
     * port, and each data connection still reaches its own server.
     */
    @Test
    void samePassivePortFromTwoServersToOneClient() throws Exception {
        try (SimNet net = new SimNet(config(lb("round-robin")))) {
            List<Host> servers = servers(net, false);
            Host client = client(net, false, 0);
            FtpDriver a = FtpDriver.loginAny(net, client, servers, 40000, VIP4, 21);
            FtpDriver b = FtpDriver.loginAny(net, client, servers, 40001, VIP4, 21);
            assertNotEquals(a.server, b.server);
            a.command("PASV\r\n");
            Wire.Endpoint ea =
                    Wire.six(a.reply("227 Entering Passive Mode (" + Wire.portArgs(a.server.ip, 30000) + ").\r\n"));
            b.command("PASV\r\n");
            Wire.Endpoint eb =
                    Wire.six(b.reply("227 Entering Passive Mode (" + Wire.portArgs(b.server.ip, 30000) + ").\r\n"));
            assertEquals(30000, ea.port());
            assertEquals(30001, eb.port(), "second offer of the same port to the same client is shifted");
            assertEquals(VIP4, eb.ip());
            a.server.listen(30000);
            b.server.listen(30000);
            Conn db = client.connect(46000, VIP4, eb.port());
            Conn da = client.connect(46001, VIP4, ea.port());
            assertTrue(db.established && da.established);
            assertEquals(1, b.server.accepted(30000).size(), "B's data on B's server");
            assertEquals(1, a.server.accepted(30000).size(), "A's data on A's server");
            assertEquals(1, net.engine.counters().get(Counter.NAT_EXPECT_PORT_SHIFTED));
            assertEquals(List.of(), net.errors);
        }
    }

    /**
     * Two sessions (two servers) connect from port 20 to the same client address and port: the second cannot have
     * the tuple (client:50000, VIP:20) the first holds (TIME_WAIT), so it is remapped and counted, not mis-mapped.
     */
    @Test
    void port20CollisionIsRemappedAndCounted() throws Exception {
        for (boolean v6 : new boolean[] {false, true}) {
            try (SimNet net = new SimNet(config(lb("round-robin")))) {
                String vip = v6 ? VIP6 : VIP4;
                List<Host> servers = servers(net, v6);
                Host client = client(net, v6, 0);
                FtpDriver a = FtpDriver.loginAny(net, client, servers, 40000, vip, 21);
                FtpDriver b = FtpDriver.loginAny(net, client, servers, 40001, vip, 21);
                assertNotEquals(a.server, b.server);
                byte[] file = FtpDriver.data(2000, 7);
                assertArrayEquals(file, a.activeRetr(v6, 50000, file));
                assertEquals(20, a.lastData.remotePort);
                assertArrayEquals(file, b.activeRetr(v6, 50000, file));
                assertNotEquals(20, b.lastData.remotePort, "the tuple from port 20 is taken");
                assertTrue(b.lastData.remotePort >= 1024, "remapped into 1024-65535: " + b.lastData.remotePort);
                assertEquals(vip, b.lastData.remoteIp);
                var k = net.engine.counters();
                assertEquals(1, k.get(Counter.NAT_DATA_SOURCE_PORT_KEPT));
                assertEquals(1, k.get(Counter.NAT_DATA_SOURCE_PORT_REMAPPED));
                assertEquals(List.of(), net.errors);
            }
        }
    }

    /** A server on 2121 published as 21 connects from 2120 (N-1): the client sees 20, its own N-1. */
    @Test
    void nMinusOneFollowsTheOutsideControlPort() throws Exception {
        String text = """
                mode router
                port inside
                port outside
                dnat to 203.0.113.1 port 21 -> 192.0.2.20 port 2121
                dnat to 203.0.113.1 port 2121 -> 192.0.2.21 port 2121
                ftp ports 21 2121
                """;
        try (SimNet net = new SimNet(config(text))) {
            Host client = client(net, false, 0);
            Host s20 = net.host("s20", "192.0.2.20", PacketSlot.PORT_INSIDE);
            Host s21 = net.host("s21", "192.0.2.21", PacketSlot.PORT_INSIDE);
            FtpDriver a = FtpDriver.loginAny(net, client, List.of(s20), 40000, VIP4, 21, 2121);
            a.serverDataPort = 2120;
            byte[] file = FtpDriver.data(1200, 3);
            assertArrayEquals(file, a.activeRetr(false, 50000, file));
            assertEquals(20, a.lastData.remotePort, "2120 = 2121-1 inside is 20 = 21-1 outside");
            FtpDriver b = FtpDriver.loginAny(net, client, List.of(s21), 40001, VIP4, 2121);
            b.serverDataPort = 2120;
            assertArrayEquals(file, b.activeRetr(false, 50001, file));
            assertEquals(2120, b.lastData.remotePort, "same control port both sides: N-1 kept");
            assertEquals(2, net.engine.counters().get(Counter.NAT_DATA_SOURCE_PORT_KEPT));
            assertEquals(List.of(), net.errors);
        }
    }

    /**
     * Client behind source NAT, outside server connecting in: by default any source port is admitted (pure-ftpd
     * uses port 2 over IPv6); {@code ftp data-source-port strict} admits only 20 or N-1 and counts the refusal.
     */
    @Test
    void strictDataSourcePortAdmitsOnly20OrNMinusOne() throws Exception {
        String snat = """
                mode router
                port inside
                port outside
                snat from 192.0.2.0/24 to 203.0.113.1
                snat from 2001:db8:1::/64 to 2001:db8:ff::1
                ftp ports 21 2121
                """;
        for (boolean strict : new boolean[] {false, true}) {
            for (boolean v6 : new boolean[] {false, true}) {
                try (SimNet net = new SimNet(config(snat + (strict ? "ftp data-source-port strict\n" : "")))) {
                    FtpDriver f = new FtpDriver(
                            net,
                            net.host("client", v6 ? "2001:db8:1::10" : "192.0.2.10", PacketSlot.PORT_INSIDE),
                            net.host("server", v6 ? "2001:db8:2::20" : "198.51.100.20", PacketSlot.PORT_OUTSIDE));
                    f.login(40000, f.server.ip, 2121);
                    byte[] file = FtpDriver.data(900, 1);
                    f.serverDataPort = 2;
                    byte[] got = f.activeRetr(v6, 50000, file);
                    if (strict) {
                        assertNull(got, "strict: port 2 refused");
                        assertEquals(1, net.engine.counters().get(Counter.FTP_DATA_SOURCE_PORT_REFUSED));
                    } else {
                        assertArrayEquals(file, got, "any: port 2 admitted (pure-ftpd over IPv6)");
                    }
                    for (int port : new int[] {20, 2120}) {
                        f.serverDataPort = port;
                        assertArrayEquals(file, f.activeRetr(v6, 50001 + port, file), "from port " + port);
                        assertEquals(port, f.lastData.remotePort);
                    }
                    assertEquals(0, net.engine.counters().get(Counter.NAT_DATA_SOURCE_PORT_KEPT), "not translated");
                }
            }
        }
    }

    /** Negative control: with the ALG off, the pool still serves control connections but passive data fails. */
    @Test
    void withoutAlgPassiveDataFails() throws Exception {
        try (SimNet net = new SimNet(config(lb("client-hash") + "ftp ports 9\n"))) {
            FtpDriver f = FtpDriver.loginAny(net, client(net, false, 0), servers(net, false), 40000, VIP4, 21);
            assertNotNull(f, "the virtual address admits the control connection");
            assertNull(f.passiveStor(false, 30000, null, FtpDriver.data(100, 1)));
            assertTrue(net.engine.counters().get(Counter.DROP_INBOUND_UNSOLICITED) > 0);
        }
    }
}
