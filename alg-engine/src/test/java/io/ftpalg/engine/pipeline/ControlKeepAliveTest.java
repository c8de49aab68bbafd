package io.ftpalg.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.codec.Decoder;
import io.ftpalg.engine.codec.EthernetHeader;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.config.MacAddress;
import io.ftpalg.engine.flow.Addresses;
import io.ftpalg.engine.flow.FlowState;
import io.ftpalg.engine.flow.FlowTable;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.FtpDriver;
import io.ftpalg.engine.testing.SimNet;
import io.ftpalg.engine.testing.SimNet.Conn;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scenario 5: the control connection of an FTP session stays in the table while one of its data connections does,
 * however short the idle timeout; it expires normally otherwise; the count of data connections it relies on is
 * exact on every way a data connection leaves; and the optional keepalive probes carry the right addresses and
 * sequence numbers on both sides of the NAT.
 */
class ControlKeepAliveTest {
    /**
     * Source NAT with tables small enough that every sweep sees every flow and session (the established timeout is
     * added by {@link #net}).
     */
    static final String SNAT_SHORT = """
            mode router
            port inside mac 02:00:00:00:00:01
            port outside mac 02:00:00:00:00:02
            snat from 192.0.2.0/24 to 203.0.113.1
            snat from 2001:db8:1::/64 to 2001:db8:ff::1
            flows max 64
            ftp sessions 64
            """;

    /** The network with a 3 s established timeout, or {@code extra}'s where it names one. */
    static SimNet net(String extra) throws Exception {
        String established = extra.contains("tcp-established") ? "" : "timeout tcp-established 3s\n";
        return new SimNet(ConfigParser.parse(SNAT_SHORT + established + extra, "test"));
    }

    static FtpDriver login(SimNet net, boolean v6) {
        FtpDriver f = new FtpDriver(
                net,
                // IPv6: a client address longer than its NAT address (2001:db8:ff::1), so that EPRT shrinks.
                net.host("client", v6 ? "2001:db8:1::1234" : "192.0.2.10", PacketSlot.PORT_INSIDE),
                net.host("server", v6 ? "2001:db8:2::20" : "198.51.100.20", PacketSlot.PORT_OUTSIDE));
        return f.login(40000, v6 ? "2001:db8:2::20" : "198.51.100.20", 21);
    }

    /** The one FTP control flow in the table, or -1. */
    static int controlFlow(SimNet net) {
        FlowTable t = net.engine.flows();
        int found = -1;
        for (int f = 0; f < t.capacity(); f++) {
            if (t.inUse(f) && (t.state(f) & FlowState.FTP_CONTROL) != 0) {
                assertEquals(-1, found, "one control flow");
                found = f;
            }
        }
        return found;
    }

    /** The data flows in the table. */
    static int dataFlows(SimNet net) {
        FlowTable t = net.engine.flows();
        int n = 0;
        for (int f = 0; f < t.capacity(); f++) {
            if (t.inUse(f) && (t.state(f) & FlowState.FTP_DATA) != 0) {
                n++;
            }
        }
        return n;
    }

    /** Active-mode RETR whose data arrives in {@code chunks} pieces, {@code gapMs} apart: a slow transfer. */
    static byte[] slowRetr(SimNet net, FtpDriver f, int port, byte[] file, int chunks, long gapMs) {
        f.command("PORT 192,0,2,10," + (port >> 8) + "," + (port & 255) + "\r\n");
        f.reply("200 PORT command successful.\r\n");
        f.command("RETR big.bin\r\n");
        f.client.listen(port);
        Conn d = f.server.connect(20, "203.0.113.1", port);
        Conn dc = f.client.lastAccepted(port);
        f.reply("150 Opening BINARY mode data connection.\r\n");
        int step = file.length / chunks;
        for (int i = 0; i < chunks; i++) {
            net.advanceMillis(gapMs);
            int to = i == chunks - 1 ? file.length : (i + 1) * step;
            d.send(java.util.Arrays.copyOfRange(file, i * step, to));
        }
        d.close();
        dc.close();
        return dc.receivedBytes();
    }

    @org.junit.jupiter.api.Test
    void controlSurvivesALongTransferWithAShortIdleTimeout() throws Exception {
        try (SimNet net = net("")) {
            FtpDriver f = login(net, false);
            int control = controlFlow(net);
            byte[] file = FtpDriver.data(40_000, 1);
            // 20 chunks, one a second: 20 s on the data connection, the control connection silent all along
            // (more than 6 times its 3 s idle timeout).
            assertArrayEquals(file, slowRetr(net, f, 50000, file, 20, 1000));
            assertTrue(net.engine.counters().get(Counter.FTP_CONTROL_KEPT_ALIVE) > 0, "the control deadline moved");
            assertEquals(control, controlFlow(net), "the same control flow is still tracked");
            assertEquals(1, net.engine.flows().children[control]);
            assertEquals("226 Transfer complete.\r\n", f.reply("226 Transfer complete.\r\n"));
            // A second transfer on the same control connection.
            byte[] second = FtpDriver.data(3000, 2);
            assertArrayEquals(second, f.activeRetr(false, 50001, second));
            f.quit();
            assertEquals(List.of(), net.errors);
            assertEquals(0, net.engine.counters().get(Counter.TCP_RESET_SENT));
        }
    }

    @org.junit.jupiter.api.Test
    void withoutADataConnectionTheControlConnectionExpiresAndItsNextSegmentIsReset() throws Exception {
        try (SimNet net = net("")) {
            FtpDriver f = login(net, false);
            net.advanceMillis(3500);
            net.tick();
            assertEquals(-1, controlFlow(net), "expired after 3 s idle");
            assertEquals(0, net.engine.counters().get(Counter.FTP_CONTROL_KEPT_ALIVE));
            assertEquals(1, net.engine.counters().get(Counter.FLOW_EXPIRED));
            f.c.send("NOOP\r\n");
            assertTrue(f.c.resetReceived, "the inside client gets a RST for its next segment");
            assertEquals(1, net.engine.counters().get(Counter.TCP_RESET_SENT));
            assertEquals(List.of(), net.errors);
        }
    }

    @org.junit.jupiter.api.Test
    void childCountAfterCloseAndAfterResetOfTheDataConnection() throws Exception {
        try (SimNet net = net("timeout tcp-time-wait 5s\ntimeout tcp-close 4s\ntimeout tcp-established 1h\n")) {
            FtpDriver f = login(net, false);
            int control = controlFlow(net);
            FlowTable t = net.engine.flows();
            // Close: FIN both ways, the data flow sits in TIME_WAIT and still counts until it leaves the table.
            byte[] file = FtpDriver.data(2000, 3);
            assertArrayEquals(file, f.activeRetr(false, 50000, file));
            assertEquals(1, dataFlows(net));
            assertEquals(1, t.children[control]);
            net.advanceMillis(6000);
            net.tick();
            assertEquals(0, dataFlows(net));
            assertEquals(0, t.children[control], "after close and time-wait");
            // Reset: the data flow goes to CLOSE, then leaves.
            f.command("PORT 192,0,2,10,195,81\r\n");
            f.reply("200 PORT command successful.\r\n");
            f.client.listen(50001);
            Conn d = f.server.connect(20, "203.0.113.1", 50001);
            assertEquals(1, t.children[control]);
            d.reset();
            assertEquals(1, t.children[control], "a reset flow stays (tcp-close) and still counts");
            net.advanceMillis(5000);
            net.tick();
            assertEquals(0, dataFlows(net));
            assertEquals(0, t.children[control], "after reset and tcp-close");
            assertEquals(List.of(), net.errors);
        }
    }

    @org.junit.jupiter.api.Test
    void childCountAfterExpiryOfAnIdleDataConnection() throws Exception {
        try (SimNet net = net("")) {
            FtpDriver f = login(net, false);
            int control = controlFlow(net);
            FlowTable t = net.engine.flows();
            f.command("PORT 192,0,2,10,195,80\r\n");
            f.reply("200 PORT command successful.\r\n");
            f.client.listen(50000);
            f.server.connect(20, "203.0.113.1", 50000);
            assertEquals(1, t.children[control]);
            // The data connection goes quiet; the control connection keeps talking.
            for (int i = 0; i < 4; i++) {
                net.advanceMillis(1000);
                f.command("NOOP\r\n");
                f.reply("200 NOOP ok.\r\n");
            }
            net.tick();
            assertEquals(0, dataFlows(net), "the idle data flow expired");
            assertEquals(0, t.children[control]);
            assertEquals(control, controlFlow(net));
            // Now nothing holds the control connection: it expires after its own idle timeout.
            net.advanceMillis(3500);
            net.tick();
            assertEquals(-1, controlFlow(net));
            assertEquals(List.of(), net.errors);
        }
    }

    @org.junit.jupiter.api.Test
    void childCountAfterEvictionOfAnUnestablishedDataConnection() throws Exception {
        try (SimNet net = new SimNet(ConfigParser.parse(
                SNAT_SHORT.replace("flows max 64", "flows max 3") + "timeout tcp-established 3s\n", "t"))) {
            FtpDriver f = login(net, false);
            int control = controlFlow(net);
            FlowTable t = net.engine.flows();
            f.command("PORT 192,0,2,10,195,80\r\n");
            f.reply("200 PORT command successful.\r\n");
            // The client does not listen: the data flow stays in SYN_SENT (not established, evictable).
            f.server.connect(20, "203.0.113.1", 50000);
            net.errors.removeIf(e -> e.contains("segment for no connection"));
            assertEquals(1, t.children[control]);
            net.host("other", "198.51.100.30", PacketSlot.PORT_OUTSIDE).listen(80);
            net.host("inside2", "192.0.2.11", PacketSlot.PORT_INSIDE).connect(41000, "198.51.100.30", 80);
            net.host("inside3", "192.0.2.12", PacketSlot.PORT_INSIDE).connect(41001, "198.51.100.30", 80);
            assertEquals(1, net.engine.counters().get(Counter.FLOW_EVICTED));
            assertEquals(0, dataFlows(net));
            assertEquals(0, t.children[control], "after eviction");
            assertEquals(control, controlFlow(net));
            assertEquals(List.of(), net.errors);
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void keepaliveProbesCarryEachSidesAddressesAndSequenceNumbers(int v) throws Exception {
        boolean v6 = v == 6;
        try (SimNet net = net("ftp keepalive 2s\ntimeout tcp-established 1h\n")) {
            FtpDriver f = login(net, v6);
            // A rewrite that changes the length (+1 byte v4; EPRT v6) so that the server's view of the client's
            // sequence numbers differs from the client's own: the probe to the server must use the server's.
            String cmd = v6 ? "EPRT |2|2001:db8:1::1234|50000|\r\n" : "PORT 192,0,2,10,195,80\r\n";
            String got = f.command(cmd);
            assertFalse(got.equals(cmd), "rewritten");
            f.reply("200 command successful.\r\n");
            net.advanceMillis(1500);
            net.tick();
            assertEquals(List.of(), net.emittedAll, "not idle long enough yet");
            net.advanceMillis(1000);
            net.tick();
            assertEquals(2, net.emittedAll.size());
            assertEquals(2, net.engine.counters().get(Counter.FTP_KEEPALIVE_PROBES));
            Decoder dec = new Decoder();
            for (SimNet.Frame fr : net.emittedAll) {
                PacketSlot s = io.ftpalg.engine.testing.Frames.slot(fr.bytes());
                assertEquals(null, dec.decode(s));
                assertTrue(io.ftpalg.engine.codec.Checksum.verifyL4(s));
                assertEquals(TcpHeader.ACK, s.tcpFlags);
                assertEquals(0, s.payloadLength);
                String src = Addresses.format(s.ipVersion, s.srcHi, s.srcLo, s.srcPort);
                String dst = Addresses.format(s.ipVersion, s.dstHi, s.dstLo, s.dstPort);
                if (fr.port() == PacketSlot.PORT_INSIDE) {
                    // To the client, as if from the server; numbers in the client's view.
                    assertEquals(v6 ? "[2001:db8:2::20]:21" : "198.51.100.20:21", src);
                    assertEquals(v6 ? "[2001:db8:1::1234]:40000" : "192.0.2.10:40000", dst);
                    assertEquals((f.c.rcvNxt() - 1) & 0xFFFF_FFFFL, s.seq);
                    assertEquals(f.c.sndNxt(), s.ack);
                    assertEquals(MacAddress.parse("02:00:00:00:00:01").value(), EthernetHeader.srcMac(s.data, 0));
                } else {
                    // To the server, as if from the client's NAT address; numbers in the server's view.
                    assertEquals(v6 ? "[2001:db8:ff::1]:40000" : "203.0.113.1:40000", src);
                    assertEquals(v6 ? "[2001:db8:2::20]:21" : "198.51.100.20:21", dst);
                    assertEquals((f.s.rcvNxt() - 1) & 0xFFFF_FFFFL, s.seq);
                    assertEquals(f.s.sndNxt(), s.ack);
                    assertEquals(MacAddress.parse("02:00:00:00:00:02").value(), EthernetHeader.srcMac(s.data, 0));
                }
            }
            assertTrue(
                    f.c.rcvNxt() - f.s.sndNxt() != 0 || f.s.rcvNxt() != f.c.sndNxt(),
                    "the two views differ (the rewrite shifted one side)");
            // Both ends answered with an ACK, which crossed the gateway as a harmless duplicate ACK.
            assertEquals(1, f.c.keepalivesAnswered);
            assertEquals(1, f.s.keepalivesAnswered);
            assertEquals(List.of(), net.errors);
            // The answers count as traffic: the next probes come one interval later, not at once.
            net.advanceMillis(500);
            net.tick();
            assertEquals(2, net.emittedAll.size());
            net.advanceMillis(2000);
            net.tick();
            assertEquals(4, net.emittedAll.size());
            // The session goes on normally afterwards.
            f.command("NOOP\r\n");
            assertEquals("200 NOOP ok.\r\n", f.reply("200 NOOP ok.\r\n"));
            f.quit();
            assertEquals(List.of(), net.errors);
        }
    }

    @org.junit.jupiter.api.Test
    void noProbesWhenKeepaliveIsOff() throws Exception {
        try (SimNet net = net("timeout tcp-established 1h\n")) {
            FtpDriver f = login(net, false);
            for (int i = 0; i < 5; i++) {
                net.advanceMillis(60_000);
                net.tick();
            }
            assertEquals(List.of(), net.emittedAll);
            assertEquals(0, net.engine.counters().get(Counter.FTP_KEEPALIVE_PROBES));
            f.quit();
            assertEquals(List.of(), net.errors);
        }
    }
}
