package io.ftpalg.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.FtpDriver;
import io.ftpalg.engine.testing.SimNet;
import io.ftpalg.engine.testing.SimNet.Conn;
import io.ftpalg.engine.testing.SimNet.Host;
import io.ftpalg.engine.testing.Wire;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A config reloaded into a running engine ({@link Engine#prepare}, {@link ReloadApply} at the worker's safe
 * point): what the new rules still admit lives on, FTP sessions with their sequence offsets included; what they do
 * not is removed and counted; what only a restart can change is refused.
 */
class EngineReloadTest {
    static final String SNAT = """
            mode router
            port inside mac 02:00:00:00:00:01
            port outside mac 02:00:00:00:00:02
            snat from 192.0.2.0/24 to 203.0.113.1
            """;

    private static Config cfg(String text) throws Exception {
        return ConfigParser.parse(text, "reload");
    }

    private static int reload(Engine e, String text) throws Exception {
        ReloadApply cmd = new ReloadApply(e.prepare(cfg(text)));
        cmd.runOn(e);
        assertNull(cmd.failure());
        return cmd.dropped();
    }

    private static final class Session {
        final SimNet net;
        final FtpDriver f;
        final Conn d;
        final Conn dc;
        final byte[] file = FtpDriver.data(20_000, 3);

        /** A client in the middle of a RETR (half of it sent) after a PORT that the gateway rewrote. */
        Session(String config) throws Exception {
            net = new SimNet(cfg(config));
            Host client = net.host("client", "192.0.2.10", PacketSlot.PORT_INSIDE);
            Host server = net.host("server", "198.51.100.20", PacketSlot.PORT_OUTSIDE);
            f = new FtpDriver(net, client, server);
            f.login(40000, "198.51.100.20", 21);
            String port = f.command("PORT " + Wire.portArgs("192.0.2.10", 50000) + "\r\n");
            assertTrue(port.startsWith("PORT 203,0,113,1,"), port);
            Wire.Endpoint ep = Wire.six(port);
            f.reply("200 PORT command successful.\r\n");
            f.command("RETR big.bin\r\n");
            client.listen(50000);
            d = server.connect(20, ep.ip(), ep.port());
            dc = client.lastAccepted(50000);
            f.reply("150 Opening BINARY mode data connection.\r\n");
            d.send(Arrays.copyOfRange(file, 0, 10_000));
        }

        void finish() {
            d.send(Arrays.copyOfRange(file, 10_000, file.length));
            d.close();
            dc.close();
            assertEquals("226 Transfer complete.\r\n", f.reply("226 Transfer complete.\r\n"));
            assertArrayEquals(file, dc.receivedBytes());
            byte[] more = FtpDriver.data(3000, 4);
            assertArrayEquals(more, f.activeRetr(false, 50001, more));
            f.quit();
            assertEquals(List.of(), net.errors);
        }
    }

    @Test
    void aCompatibleChangeKeepsTheTransferAndTheControlConnectionsOffset() throws Exception {
        Session s = new Session(SNAT);
        int dropped = reload(s.net.engine, SNAT + """
                        dnat to 203.0.113.1 port 2121 -> 192.0.2.20 port 21
                        ftp expect-timeout 1m
                        timeout tcp-established 1h
                        """);
        assertEquals(0, dropped);
        assertEquals(2, s.net.engine.flows().size());
        assertEquals(1, s.net.engine.counters().get(Counter.CONFIG_RELOADED));
        s.finish();
        assertEquals(0, s.net.engine.counters().get(Counter.FLOW_RELOAD_DROPPED));
        s.net.close();
    }

    @Test
    void aChangedNatAddressDropsTheFlowsItTranslatedAndCountsThem() throws Exception {
        Session s = new Session(SNAT);
        // The client also has a plain connection with no NAT: it is not affected.
        Host other = s.net.host("other", "198.51.100.30", PacketSlot.PORT_OUTSIDE);
        other.listen(80);
        String moved = SNAT.replace("203.0.113.1", "203.0.113.2");
        int dropped = reload(s.net.engine, moved);
        assertEquals(2, dropped, "the control connection and, with it, its data connection");
        assertEquals(0, s.net.engine.flows().size());
        assertEquals(2, s.net.engine.counters().get(Counter.FLOW_RELOAD_DROPPED));
        s.net.close();
    }

    @Test
    void anOutboundDenyDropsWhatItDeniesAndKeepsWhatItAllows() throws Exception {
        Session s = new Session(SNAT);
        // Control port 21 stays allowed: nothing dropped (the data connection lives with its control); then
        // everything outbound denied: the FTP session goes.
        assertEquals(0, reload(s.net.engine, SNAT + "firewall outbound ports 21\n"));
        assertEquals(2, s.net.engine.flows().size());
        assertEquals(2, reload(s.net.engine, SNAT + "firewall outbound deny\n"));
        assertEquals(0, s.net.engine.flows().size());
        s.net.close();
    }

    @Test
    void whatOnlyARestartCanChangeIsRefused() throws Exception {
        Config c = cfg(SNAT);
        assertNull(Engine.restartNeeded(c, cfg(SNAT + "snat from 198.18.0.0/15 to 203.0.113.9\n")));
        assertTrue(Engine.restartNeeded(c, cfg(SNAT + "flows max 1000\n")).contains("flows max"));
        assertTrue(Engine.restartNeeded(c, cfg(SNAT + "ftp sessions 10\n")).contains("FTP table size"));
        assertTrue(Engine.restartNeeded(c, cfg(SNAT.replace("mode router", "mode bridge")))
                .contains("mode"));
        assertTrue(Engine.restartNeeded(c, cfg(SNAT + "pipeline workers 2\n")).contains("pipeline"));
        try (SimNet net = new SimNet(c)) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> net.engine.prepare(cfg(SNAT + "flows max 1000\n")));
            assertTrue(e.getMessage().contains("needs a restart"), e.getMessage());
        }
    }

    @Test
    void aLoadBalancedFlowStaysWhileItsServerIsInThePool() throws Exception {
        String lb = """
                mode router
                port inside mac 02:00:00:00:00:01
                port outside mac 02:00:00:00:00:02
                dnat to 203.0.113.1 port 21 -> 192.0.2.20 192.0.2.21 192.0.2.22 select round-robin
                """;
        try (SimNet net = new SimNet(cfg(lb))) {
            Host client = net.host("client", "198.51.100.20", PacketSlot.PORT_OUTSIDE);
            List<Host> servers = List.of(
                    net.host("s0", "192.0.2.20", PacketSlot.PORT_INSIDE),
                    net.host("s1", "192.0.2.21", PacketSlot.PORT_INSIDE),
                    net.host("s2", "192.0.2.22", PacketSlot.PORT_INSIDE));
            FtpDriver a = FtpDriver.loginAny(net, client, servers, 40000, "203.0.113.1", 21);
            FtpDriver b = FtpDriver.loginAny(net, client, servers, 40001, "203.0.113.1", 21);
            assertTrue(a.server != b.server, "round-robin gave the two sessions different servers");
            assertEquals(0, reload(net.engine, lb), "same pool: both stay");
            Host gone = b.server;
            String shrunk = lb.replace(" " + gone.ip, "");
            assertEquals(1, reload(net.engine, shrunk), "the session on the server taken out of the pool goes");
            assertEquals(1, net.engine.flows().size());
            a.command("NOOP\r\n");
            a.reply("200 NOOP ok.\r\n");
            assertEquals(List.of(), net.errors);
        }
    }
}
