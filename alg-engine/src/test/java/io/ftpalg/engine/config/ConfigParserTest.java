package io.ftpalg.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigParserTest {
    private static final String PORTS = "port inside match pcapng-interface 0\nport outside match pcapng-interface 1\n";

    static Config example(String name) throws IOException, ConfigException {
        try (InputStream in = ConfigParserTest.class.getResourceAsStream("examples/" + name)) {
            if (in == null) {
                throw new IOException("missing example " + name);
            }
            return ConfigParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "1-client-snat-active.conf",
                "2-server-dnat-passive.conf",
                "3-firewall-bridge.conf",
                "4-load-balancer.conf",
                "5-6-keepalive-reset.conf",
                "7-ftp-port-2121.conf",
                "ipv6-static-nat.conf",
            })
    void everyExampleParsesAndDescribes(String name) throws Exception {
        Config c = example(name);
        String d = c.describe();
        assertTrue(d.startsWith("mode "), d);
        assertTrue(d.contains("port inside"), d);
        assertTrue(d.contains("ftp: control ports"), d);
    }

    @Test
    void scenario1ClientBehindSourceNat() throws Exception {
        Config c = example("1-client-snat-active.conf");
        assertEquals(Mode.ROUTER, c.mode());
        assertEquals(MacAddress.parse("02:00:00:00:01:01"), c.inside().mac());
        assertEquals(
                List.of(new PortMatch.PcapngInterface(0), new PortMatch.SrcNet(IpPrefix.parse("192.0.2.0/24"))),
                c.inside().matches());
        SnatRule s = c.snat().get(0);
        assertEquals(IpPrefix.parse("192.0.2.0/24"), s.from());
        assertEquals(List.of(IpAddress.parse("203.0.113.1")), s.to());
        assertEquals(20000, s.portLo());
        assertEquals(59999, s.portHi());
        assertFalse(c.inboundAllow());
        assertTrue(c.outboundAllow());
        assertFalse(c.ftp().loose());
        assertEquals(300_000, c.ftp().expectTimeoutMs());
    }

    @Test
    void scenario2ServerBehindDestinationNat() throws Exception {
        Config c = example("2-server-dnat-passive.conf");
        assertEquals(
                new PortMatch.PcapngInterfaceName("eth0"), c.inside().matches().get(0));
        assertEquals(
                new PortMatch.SrcMac(MacAddress.parse("02:00:00:00:99:01")),
                c.outside().matches().get(1));
        assertEquals(
                new DnatRule(DnatRule.TCP, IpAddress.parse("203.0.113.10"), 21, 21, IpAddress.parse("192.0.2.10"), 21),
                c.dnat().get(0));
        assertEquals(1024, c.snat().get(0).portLo());
        assertEquals(65535, c.snat().get(0).portHi());
        assertEquals(120_000, c.ftp().expectTimeoutMs());
        assertEquals(4096, c.ftp().sessions());
        assertEquals(7_200_000, c.timeouts().tcpEstablishedMs());
        assertEquals(Timeouts.defaults().tcpSynSentMs(), c.timeouts().tcpSynSentMs());
    }

    @Test
    void scenario3RestrictiveFirewallBridge() throws Exception {
        Config c = example("3-firewall-bridge.conf");
        assertEquals(Mode.BRIDGE, c.mode());
        assertFalse(c.hasNat());
        assertNull(c.inside().mac());
        FtpConfig f = c.ftp();
        assertEquals(List.of(21), f.ports());
        assertEquals(30_000, f.expectTimeoutMs());
        assertEquals(2, f.maxExpectPerSession());
        assertEquals(4096, f.maxExpect());
        assertEquals(512, f.maxLine());
        assertEquals(5_000, f.holdTimeoutMs());
        assertTrue(f.verifyChecksum());
        assertEquals(65536, c.limits().maxFlows());
        assertEquals(300_000, c.timeouts().tcpUnacknowledgedMs());
    }

    @Test
    void scenario4LoadBalancer() throws Exception {
        Config c = example("4-load-balancer.conf");
        DnatRule d = c.dnat().get(0);
        assertEquals(
                List.of(IpAddress.parse("192.0.2.20"), IpAddress.parse("192.0.2.21"), IpAddress.parse("192.0.2.22")),
                d.pool());
        assertEquals(DnatRule.Select.CLIENT_HASH, d.select());
        assertEquals(DnatRule.Select.ROUND_ROBIN, c.dnat().get(1).select());
        assertFalse(c.ftp().strictDataSourcePort());
    }

    @Test
    void scenario7NonStandardPort() throws Exception {
        Config c = example("7-ftp-port-2121.conf");
        assertTrue(c.ftp().isControlPort(21));
        assertTrue(c.ftp().isControlPort(2121));
        assertFalse(c.ftp().isControlPort(20));
        DnatRule d = c.dnat().get(0);
        assertEquals(21, d.externalPortLo());
        assertEquals(2121, d.internalPortLo());
        assertEquals(2121, c.dnat().get(1).internalPortLo(), "target port defaults to the external port");
    }

    @Test
    void ipv6StaticAndSourceNat() throws Exception {
        Config c = example("ipv6-static-nat.conf");
        assertEquals(
                new StaticNat(IpAddress.parse("2001:db8:1::21"), IpAddress.parse("2001:db8:2::21")),
                c.statics().get(0));
        SnatRule s = c.snat().get(0);
        assertEquals(6, s.from().network().version());
        assertEquals(List.of(IpAddress.parse("2001:db8:2::1"), IpAddress.parse("2001:db8:2::2")), s.to());
        assertEquals(4, c.snat().get(1).from().network().version());
    }

    @Test
    void minimalConfigTakesEveryDefault() throws Exception {
        Config c = ConfigParser.parse(PORTS, "min.conf");
        assertEquals(Mode.ROUTER, c.mode());
        assertFalse(c.inboundAllow());
        assertTrue(c.outboundAllow());
        assertEquals(FtpConfig.defaults(), c.ftp());
        assertEquals(Timeouts.defaults(), c.timeouts());
        assertEquals(Limits.defaults(), c.limits());
        assertEquals(432_000_000L, c.timeouts().tcpEstablishedMs());
        assertEquals(List.of(21), c.ftp().ports());
        assertEquals(1024, c.ftp().minDataPort());
        assertEquals(65536, c.ftp().maxExpect());
        assertEquals(16384, c.ftp().sessions());
    }

    @Test
    void everySettingCanBeWritten() throws Exception {
        String text = PORTS + """
                mode bridge
                firewall inbound allow
                firewall outbound deny
                dnat proto udp to 203.0.113.5 port 5000-5009 -> 192.0.2.5 port 6000
                ftp ports 21 990 2121
                ftp loose yes
                ftp min-data-port 1
                ftp expect-timeout 1500ms
                ftp max-expect-per-session 1
                ftp max-expect 10
                ftp max-line 1024
                ftp hold-timeout 1m
                ftp verify-checksum no
                ftp sessions 8
                flows max 1000
                """;
        StringBuilder sb = new StringBuilder(text);
        for (String n : Timeouts.NAMES) {
            sb.append("timeout ").append(n).append(" 7s   # comment\n");
        }
        Config c = ConfigParser.parse(sb.toString(), "all.conf");
        assertEquals(Mode.BRIDGE, c.mode());
        assertTrue(c.inboundAllow());
        assertFalse(c.outboundAllow());
        DnatRule d = c.dnat().get(0);
        assertEquals(DnatRule.UDP, d.proto());
        assertEquals(6009, d.internalPortHi());
        assertEquals(6003, d.mapPort(5003));
        assertEquals(
                new FtpConfig(
                        List.of(21, 990, 2121),
                        true,
                        1,
                        1500,
                        1,
                        10,
                        1024,
                        60_000,
                        false,
                        8,
                        false,
                        true,
                        false,
                        List.of()),
                c.ftp());
        assertEquals(1000, c.limits().maxFlows());
        for (long t : c.timeouts().toArray()) {
            assertEquals(7000, t);
        }
    }

    @Test
    void commentsBlankLinesTabsAndCrlf() throws Exception {
        Config c = ConfigParser.parse(
                "# header\r\n\r\n\tport inside\tmatch src-net 192.0.2.0/24 # trailing\r\n"
                        + "port outside   match  src-net 198.51.100.0/24\r\n   # indented comment\r\n",
                "crlf.conf");
        assertEquals(
                IpPrefix.parse("198.51.100.0/24"),
                ((PortMatch.SrcNet) c.outside().matches().get(0)).prefix());
    }

    @Test
    void defaultsAreAValidBridgeWithoutNat() {
        Config c = Config.defaults();
        assertEquals(Mode.BRIDGE, c.mode());
        assertFalse(c.hasNat());
        assertFalse(c.inboundAllow());
        assertTrue(c.outboundAllow());
        assertTrue(c.ftp().isControlPort(21));
        assertTrue(c.describe().contains("nat: none"), c.describe());
    }

    @Test
    void securitySettings() throws Exception {
        Config c = ConfigParser.parse(PORTS + """
                ftp strict yes
                ftp syntax-check no
                ftp mask-syst yes
                ftp deny-command site Dele
                flows per-source-rate 50
                flows per-source-burst 100
                """, "sec.conf");
        assertTrue(c.ftp().strict());
        assertFalse(c.ftp().syntaxCheck());
        assertTrue(c.ftp().maskSyst());
        assertEquals(List.of("SITE", "DELE"), c.ftp().denyCommands());
        assertEquals(new Limits(262_144, 50, 100), c.limits());
        assertEquals(Limits.RESET_INSIDE, c.limits().resetExpired(), "reset-expired defaults to inside");
        assertEquals(0, c.ftp().keepaliveMs(), "keepalive probes are off by default");
        ConfigException e = assertThrows(
                ConfigException.class, () -> ConfigParser.parse(PORTS + "ftp deny-command SITE!\n", "x.conf"));
        assertTrue(
                e.getMessage().startsWith("x.conf:3: ftp deny-command: 'SITE!' is not an FTP command"), e.getMessage());
    }

    @Test
    void liveSettings() throws Exception {
        Config c = ConfigParser.parse("""
                port inside interface gin mac 02:00:00:00:00:01
                port outside interface gout
                pipeline workers 2
                pipeline ring 8192
                pipeline wait blocking
                """, "live.conf");
        assertEquals("gin", c.inside().interfaceName());
        assertEquals("gout", c.outside().interfaceName());
        assertEquals(new PipelineConfig(2, 8192, "blocking"), c.pipeline());
        ConfigException e =
                assertThrows(ConfigException.class, () -> ConfigParser.parse(PORTS + "pipeline ring 1000\n", "x.conf"));
        assertTrue(e.getMessage().startsWith("x.conf:3: pipeline ring must be a power of two"), e.getMessage());
    }

    @Test
    void firewallPorts() throws Exception {
        Config c = ConfigParser.parse(PORTS + "firewall outbound ports 21 2121\nfirewall inbound ports 21\n", "fw");
        assertFalse(c.outboundAllow());
        assertEquals(List.of(21, 2121), c.outboundPorts());
        assertEquals(List.of(21), c.inboundPorts());
        assertTrue(c.describe().contains("only tcp ports [21, 2121]"), c.describe());
    }

    @Test
    void parsesAFile() throws Exception {
        Path p;
        try {
            p = Path.of(ConfigParserTest.class
                    .getResource("examples/3-firewall-bridge.conf")
                    .toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
        assertEquals(Mode.BRIDGE, ConfigParser.parse(p).mode());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(Path.of("/nonexistent.conf")));
        assertTrue(e.getMessage().startsWith("/nonexistent.conf:0: cannot read"), e.getMessage());
    }

    /** (text after the two port lines unless it starts with "!", line of the error, fragment of the message). */
    static Stream<Arguments> badConfigs() {
        return Stream.of(
                // Keywords
                bad("nat from 192.0.2.0/24 to 203.0.113.1", 3, "unknown keyword 'nat'"),
                bad("snta from 192.0.2.0/24 to 203.0.113.1", 3, "did you mean 'snat'?"),
                bad("Mode router", 3, "keywords are lowercase: write 'mode'"),
                bad("mode routing", 3, "unknown word 'routing', expected 'router' or 'bridge'"),
                bad("mode", 3, "expected 'router' or 'bridge' after 'mode', found end of line"),
                bad("mode router bridge", 3, "unexpected 'bridge' after 'mode router'"),
                bad("mode router\nmode bridge", 4, "duplicate 'mode' (already given on line 3)"),
                // Ports
                bad("!port inside match pcapng-interface 0\n", 1, "missing required 'port outside'"),
                bad("!\n\nport outside match pcapng-interface 0\n", 3, "missing required 'port inside'"),
                bad("!", 1, "missing required 'port inside'"),
                bad("port inside match pcapng-interface 3", 3, "duplicate 'port inside' (already given on line 1)"),
                bad("!port middle\n" + PORTS, 1, "unknown word 'middle', expected 'inside' or 'outside'"),
                bad("!port inside mac 02:00:00:00:01\n" + PORTS, 1, "bad MAC address '02:00:00:00:01'"),
                bad("!port inside mac 02:00:00:00:00:01 mac 02:00:00:00:00:02\n", 1, "'mac' given twice"),
                bad("!port inside match src-ip 192.0.2.0/24\n", 1, "unknown word 'src-ip', expected a match kind"),
                bad("!port inside match src-net 192.0.2.1/24\n", 1, "host bits set (did you mean 192.0.2.0/24?)"),
                bad("!port inside match src-net 192.0.2.0\n", 1, "expected <address>/<length>"),
                bad("!port inside match pcapng-interface -1\n", 1, "expected a whole number 0..2147483647, found '-1'"),
                bad("!port inside match pcapng-interface\n", 1, "found end of line"),
                bad(
                        "!port inside match pcapng-interface 0 match pcapng-interface 0\n",
                        1,
                        "'match pcapng-interface 0' given twice"),
                bad(
                        "!port inside match pcapng-interface 0\nport outside match pcapng-interface 0\n",
                        2,
                        "overlaps 'match pcapng-interface 0' on port inside (port inside on line 1)"),
                bad(
                        "!port inside match src-net 192.0.2.0/24\nport outside match src-net 0.0.0.0/0\n",
                        2,
                        "'match src-net 0.0.0.0/0' on port outside overlaps 'match src-net 192.0.2.0/24'"),
                bad(
                        "!port inside mac 02:00:00:00:01:01\nport outside match src-mac 02:00:00:00:01:01\n",
                        2,
                        "is the gateway's own MAC on port inside"),
                bad("!port inside foo\n", 1, "unknown word 'foo', expected 'interface', 'address', 'mac' or 'match'"),
                // snat
                bad(
                        "snat 192.0.2.0/24 to 203.0.113.1",
                        3,
                        "expected 'from <prefix>' after 'snat', found '192.0.2.0/24'"),
                bad("snat from 192.0.2.0/24", 3, "expected 'to <address>[,<address>...]'"),
                bad("snat from 192.0.2.0/24 to 203.0.113.256", 3, "IPv4 octet 256 is greater than 255"),
                bad("snat from 192.0.2.0/24 to 2001:db8::1", 3, "address families must match"),
                bad("snat from 192.0.2.0/24 to 203.0.113.1,203.0.113.1", 3, "address 203.0.113.1 listed twice"),
                bad("snat from 192.0.2.0/24 to 203.0.113.1,", 3, "empty address"),
                bad("snat from 192.0.2.0/24 to 203.0.113.1 203.0.113.2", 3, "separate addresses with ','"),
                bad("snat from 192.0.2.0/24 to 192.0.2.1", 3, "lies inside the translated network"),
                bad("snat from 192.0.2.0/24 to 203.0.113.1 ports 0-100", 3, "snat ports: 0 is out of range 1..65535"),
                bad("snat from 192.0.2.0/24 to 203.0.113.1 ports 1024-65536", 3, "65536 is out of range 1..65535"),
                bad("snat from 192.0.2.0/24 to 203.0.113.1 ports 2000-1000", 3, "reversed"),
                bad("snat from 192.0.2.0/24 to 203.0.113.1 ports", 3, "expected a port or port range"),
                bad("snat from 192.0.2.0/24 to 203.0.113.1 ports 1-2 more", 3, "unexpected 'more'"),
                bad(
                        "snat from 192.0.2.0/24 to 203.0.113.1\nsnat from 192.0.2.128/25 to 203.0.113.2",
                        4,
                        "overlaps 'snat from 192.0.2.0/24' on line 3"),
                bad(
                        "static 192.0.2.9 <-> 203.0.113.9\nsnat from 192.0.2.0/24 to 203.0.113.9",
                        4,
                        "is the outside address of the static on line 3"),
                // dnat
                bad("dnat to 203.0.113.10 port 21 192.0.2.10", 3, "expected '-> <inside-address> [port <p2>]'"),
                bad("dnat to 203.0.113.10 port 21->192.0.2.10", 3, "write '->' as a separate word"),
                bad("dnat proto icmp to 203.0.113.10 port 21 -> 192.0.2.10", 3, "'tcp' or 'udp' after 'proto'"),
                bad("dnat to 203.0.113.10 -> 192.0.2.10", 3, "expected 'port <p>[-<q>]'"),
                bad("dnat to 203.0.113.10 port 70000 -> 192.0.2.10", 3, "70000 is out of range 1..65535"),
                bad("dnat to 203.0.113.10 port 21 -> 2001:db8::10", 3, "address families must match"),
                bad("dnat to 203.0.113.10 port 100-200 -> 192.0.2.10 port 65500", 3, "beyond 65535"),
                bad("dnat to 203.0.113.10 port 21 -> 192.0.2.10 to 22", 3, "expected 'port <p2>'"),
                bad(
                        "dnat to 203.0.113.10 port 20-30 -> 192.0.2.10\ndnat to 203.0.113.10 port 21 -> 192.0.2.11",
                        4,
                        "overlaps the dnat on line 3"),
                bad(
                        "static 192.0.2.9 <-> 203.0.113.9\ndnat to 203.0.113.9 port 21 -> 192.0.2.10",
                        4,
                        "already owns all its ports"),
                // dnat with a pool (load balancer)
                bad(
                        "dnat to 203.0.113.10 port 21 -> 192.0.2.10 192.0.2.10",
                        3,
                        "192.0.2.10 is listed twice in the pool"),
                bad("dnat to 203.0.113.10 port 21 -> 192.0.2.10 2001:db8::11", 3, "address families must match"),
                bad("dnat to 203.0.113.10 port 21 -> 192.0.2.10 192.0.2.300", 3, "IPv4 octet 300 is greater than 255"),
                bad(
                        "dnat to 203.0.113.10 port 21 -> 192.0.2.10 192.0.2.11 select random",
                        3,
                        "unknown word 'random', expected 'client-hash' or 'round-robin' after 'select'"),
                bad(
                        "dnat to 203.0.113.10 port 21 -> 192.0.2.10 select round-robin",
                        3,
                        "a selection policy needs a pool of two or more inside addresses"),
                bad("dnat to 203.0.113.10 port 21 -> 192.0.2.10 192.0.2.11 select", 3, "found end of line"),
                bad(
                        "dnat to 203.0.113.10 port 21 -> 192.0.2.10 192.0.2.11 select round-robin port 21",
                        3,
                        "unexpected 'port' after"),
                bad(
                        "dnat to 203.0.113.10 port 21 -> 192.0.2.10 192.0.2.11 port 21 balance",
                        3,
                        "expected 'select client-hash|round-robin' or end of line after 'dnat ... port 21', found"
                                + " 'balance'"),
                bad(
                        "dnat to 203.0.113.10 port 21 -> 192.0.2.10 192.0.2.11 hash",
                        3,
                        "expected 'port <p2>', 'select client-hash|round-robin' or another inside address"),
                bad("dnat to 203.0.113.10 port 21 -> " + pool(65), 3, "dnat -> more than 64 inside addresses"),
                bad(
                        "dnat to 203.0.113.10 port 21 -> 192.0.2.10 192.0.2.11\n"
                                + "dnat to 203.0.113.10 port 21 -> 192.0.2.12 192.0.2.13",
                        4,
                        "overlaps the dnat on line 3"),
                // static
                bad("static 192.0.2.9 203.0.113.9", 3, "expected '<-> <outside-address>'"),
                bad("static 192.0.2.9<->203.0.113.9", 3, "write '<->' as a separate word"),
                bad("static 192.0.2.9 <-> 2001:db8::9", 3, "address families must match"),
                bad("static 192.0.2.9 <-> 192.0.2.9", 3, "maps an address onto itself"),
                bad(
                        "static 192.0.2.9 <-> 203.0.113.9\nstatic 192.0.2.9 <-> 203.0.113.10",
                        4,
                        "inside address 192.0.2.9 is already mapped by the static on line 3"),
                bad(
                        "static 192.0.2.9 <-> 203.0.113.9\nstatic 192.0.2.10 <-> 203.0.113.9",
                        4,
                        "outside address 203.0.113.9 is already mapped"),
                bad(
                        "snat from 192.0.2.0/24 to 203.0.113.9\nstatic 192.0.2.10 <-> 203.0.113.9",
                        4,
                        "is also a source NAT address (snat on line 3)"),
                bad(
                        "dnat to 203.0.113.9 port 21 -> 192.0.2.10\nstatic 192.0.2.10 <-> 203.0.113.9",
                        4,
                        "is also forwarded by the dnat on line 3"),
                bad("static 2001:db8::1:2:3 <-> 2001:db8:::9", 3, "'::' may appear only once"),
                // firewall
                bad("firewall inbound maybe", 3, "unknown word 'maybe', expected 'allow', 'deny' or 'ports'"),
                bad("firewall sideways deny", 3, "expected 'inbound' or 'outbound'"),
                bad("firewall inbound allow\nfirewall inbound deny", 4, "duplicate 'firewall inbound'"),
                // ftp
                bad("ftp port 21", 3, "did you mean 'ports'?"),
                bad("ftp ports", 3, "expected a port 1..65535 after 'ftp ports', found end of line"),
                bad("ftp ports 21 0", 3, "ftp ports: 0 is out of range 1..65535"),
                bad("ftp ports 21 21", 3, "port 21 listed twice"),
                bad("ftp ports 21,2121", 3, "expected a whole number 1..65535, found '21,2121'"),
                bad("ftp loose true", 3, "expected 'yes' or 'no' after 'ftp loose'"),
                bad("ftp loose yes\nftp loose no", 4, "duplicate 'ftp loose' (already given on line 3)"),
                bad("ftp min-data-port 65536", 3, "65536 is out of range 1..65535"),
                bad("ftp expect-timeout 5 minutes", 3, "unexpected 'minutes'"),
                bad("ftp expect-timeout 5min", 3, "unknown unit 'min'"),
                bad("ftp expect-timeout 0s", 3, "must be greater than zero"),
                bad("ftp hold-timeout -1", 3, "is not a duration"),
                bad("ftp max-line 32", 3, "ftp max-line: 32 is out of range 64..65535"),
                bad("ftp max-expect 0", 3, "ftp max-expect: 0 is out of range 1..1073741824"),
                bad("ftp max-expect-per-session 8\nftp max-expect 4", 4, "greater than ftp max-expect 4"),
                bad("ftp sessions 99999999999", 3, "expected a whole number 1..1073741824"),
                bad("ftp verify-checksum", 3, "expected 'yes' or 'no' after 'ftp verify-checksum'"),
                bad("ftp", 3, "expected an ftp setting"),
                bad("ftp data-source-port 20", 3, "unknown word '20', expected 'any' or 'strict'"),
                bad("ftp data-source-port strict\nftp data-source-port any", 4, "duplicate 'ftp data-source-port'"),
                // flows, timeouts
                bad(
                        "flows 1000",
                        3,
                        "expected 'max', 'per-source-rate', 'per-source-burst', 'reset-expired', 'reset-rate' or"
                                + " 'reset-burst' after 'flows'"),
                bad("flows reset-expired sometimes", 3, "'inside', 'outside', 'both' or 'off'"),
                bad("flows reset-rate 0", 3, "flows reset-rate: 0 is out of range 1.."),
                bad("ftp keepalive 0s", 3, "ftp keepalive"),
                bad("ftp keepalive soon", 3, "ftp keepalive"),
                bad("flows max 0", 3, "flows max: 0 is out of range"),
                bad("timeout tcp-establshed 1h", 3, "did you mean 'tcp-established'?"),
                bad("timeout udp 10s\ntimeout udp 20s", 4, "duplicate 'timeout udp' (already given on line 3)"),
                bad("timeout udp", 3, "expected a duration"),
                bad("timeout udp 99999999999999999d", 3, "too long a duration"));
    }

    private static String pool(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append("192.0.2.").append(100 + i);
        }
        return sb.toString();
    }

    /** (dnat line, pool size, selection, what {@link DnatRule#describe()} says). */
    static Stream<Arguments> dnatPools() {
        return Stream.of(
                Arguments.of(
                        "dnat to 203.0.113.1 port 21 -> 192.0.2.20",
                        1,
                        DnatRule.Select.CLIENT_HASH,
                        "dnat proto tcp to 203.0.113.1 port 21 -> 192.0.2.20 port 21"),
                Arguments.of(
                        "dnat to 203.0.113.1 port 21 -> 192.0.2.20 192.0.2.21 192.0.2.22",
                        3,
                        DnatRule.Select.CLIENT_HASH,
                        "dnat proto tcp to 203.0.113.1 port 21 -> 192.0.2.20 192.0.2.21 192.0.2.22 port 21"
                                + " select client-hash"),
                Arguments.of(
                        "dnat to 203.0.113.1 port 21 -> 192.0.2.20 192.0.2.21 select round-robin",
                        2,
                        DnatRule.Select.ROUND_ROBIN,
                        "dnat proto tcp to 203.0.113.1 port 21 -> 192.0.2.20 192.0.2.21 port 21 select round-robin"),
                Arguments.of(
                        "dnat proto tcp to 203.0.113.1 port 21 -> 192.0.2.20 192.0.2.21 port 2121 select client-hash",
                        2,
                        DnatRule.Select.CLIENT_HASH,
                        "dnat proto tcp to 203.0.113.1 port 21 -> 192.0.2.20 192.0.2.21 port 2121 select client-hash"),
                Arguments.of(
                        "dnat to 2001:db8:ff::1 port 21 -> 2001:db8:1::20 2001:db8:1::21 select round-robin",
                        2,
                        DnatRule.Select.ROUND_ROBIN,
                        "dnat proto tcp to 2001:db8:ff::1 port 21 -> 2001:db8:1::20 2001:db8:1::21 port 21"
                                + " select round-robin"),
                Arguments.of(
                        "dnat proto udp to 203.0.113.1 port 5000-5001 -> 192.0.2.20 192.0.2.21 port 6000",
                        2,
                        DnatRule.Select.CLIENT_HASH,
                        "dnat proto udp to 203.0.113.1 port 5000-5001 -> 192.0.2.20 192.0.2.21 port 6000-6001"
                                + " select client-hash"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("dnatPools")
    void dnatPoolGrammar(String line, int size, DnatRule.Select select, String described) throws Exception {
        DnatRule d = ConfigParser.parse(PORTS + line + "\n", "lb.conf").dnat().get(0);
        assertEquals(size, d.pool().size());
        assertEquals(select, d.select());
        assertEquals(described, d.describe());
        assertEquals(d.pool().get(0), d.internalAddress());
    }

    @Test
    void dataSourcePortPolicy() throws Exception {
        assertFalse(ConfigParser.parse(PORTS, "a.conf").ftp().strictDataSourcePort(), "default any");
        assertFalse(ConfigParser.parse(PORTS + "ftp data-source-port any\n", "a.conf")
                .ftp()
                .strictDataSourcePort());
        Config c = ConfigParser.parse(PORTS + "ftp data-source-port strict\n", "s.conf");
        assertTrue(c.ftp().strictDataSourcePort());
        assertTrue(c.describe().contains("active data from port 20 or control port - 1 only"), c.describe());
    }

    private static Arguments bad(String text, int line, String fragment) {
        String full = text.startsWith("!") ? text.substring(1) : PORTS + text + "\n";
        return Arguments.of(full, line, fragment);
    }

    @Test
    void keepaliveAndResetExpiredSettings() throws Exception {
        String[][] sides = {{"inside", "1"}, {"outside", "2"}, {"both", "3"}, {"off", "0"}};
        for (String[] side : sides) {
            Config c = ConfigParser.parse(PORTS + "flows reset-expired " + side[0] + "\n", "r.conf");
            assertEquals(Integer.parseInt(side[1]), c.limits().resetExpired(), side[0]);
        }
        Config c = ConfigParser.parse(PORTS + """
                ftp keepalive 60s
                flows reset-rate 10
                flows reset-burst 5
                timeout tcp-established 3s
                """, "k.conf");
        assertEquals(60_000, c.ftp().keepaliveMs());
        assertEquals(10, c.limits().resetRate());
        assertEquals(5, c.limits().resetBurst());
        assertEquals(3_000, c.timeouts().tcpEstablishedMs());
        assertEquals(
                0,
                ConfigParser.parse(PORTS + "ftp keepalive off\n", "o.conf")
                        .ftp()
                        .keepaliveMs());
    }

    @Test
    void rejectsKeepaliveTwice() {
        assertThrows(
                ConfigException.class,
                () -> ConfigParser.parse(PORTS + "ftp keepalive 5s\nftp keepalive 6s\n", "t.conf"));
    }

    @ParameterizedTest(name = "[{index}] line {1}: {2}")
    @MethodSource("badConfigs")
    void rejectsWithLocatedMessage(String text, int line, String fragment) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(text, "gw.conf"));
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith("gw.conf:" + line + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
        assertEquals("gw.conf", e.source());
    }
}
