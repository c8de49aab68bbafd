package io.ftpalg.cli.golden;

import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.testing.FtpDriver;
import io.ftpalg.engine.testing.SimNet;
import io.ftpalg.engine.testing.SimNet.Host;
import java.util.List;
import java.util.function.Consumer;

/**
 * The golden replay cases: each a config and a scripted FTP session played over {@link SimNet} (whose endpoints
 * check every sequence and acknowledgement they receive). Generating a case records the engine's inputs on both
 * ports as the case's input capture; the golden test replays that capture through the CLI's replayer and
 * compares the output, byte for byte, and the counters with what was recorded.
 */
final class GoldenCases {
    record Case(String name, String description, String config, Consumer<SimNet> script) {}

    static final String ROUTER = """
            mode router
            port inside mac 02:00:00:00:00:01 match pcapng-interface 0
            port outside mac 02:00:00:00:00:02 match pcapng-interface 1
            """;

    static final String SNAT = ROUTER + """
            snat from 192.0.2.0/24 to 203.0.113.1
            snat from 2001:db8:1::/64 to 2001:db8:ff::1
            """;

    static final String DNAT = ROUTER + """
            dnat to 203.0.113.1 port 21 -> 192.0.2.20
            dnat to 2001:db8:ff::1 port 21 -> 2001:db8:1::20
            """;

    static final String BRIDGE = """
            mode bridge
            port inside match pcapng-interface 0
            port outside match pcapng-interface 1
            """;

    static final String DEMO = ROUTER + """
            # Clients on 192.0.2.0/24 and 2001:db8:1::/64 reach the Internet through one public address each...
            snat from 192.0.2.0/24 to 203.0.113.1
            snat from 2001:db8:1::/64 to 2001:db8:ff::1
            # ...and the FTP server 192.0.2.20 is published on the IPv4 one.
            dnat to 203.0.113.1 port 21 -> 192.0.2.20
            """;

    /** Scenario 4: two identical servers behind one virtual address, sessions dealt out in turn. */
    static final String LB = ROUTER + """
            dnat to 203.0.113.1 port 21 -> 192.0.2.20 192.0.2.21 select round-robin
            dnat to 2001:db8:ff::1 port 21 -> 2001:db8:1::20 2001:db8:1::21 select round-robin
            """;

    /** Scenario 8: a server on 2121 published as 21; its active data comes from 2120 (N-1). */
    static final String PORT20 = ROUTER + """
            dnat to 203.0.113.1 port 21 -> 192.0.2.20 port 2121
            ftp ports 21 2121
            """;

    private static final int IN = PacketSlot.PORT_INSIDE;
    private static final int OUT = PacketSlot.PORT_OUTSIDE;

    static List<Case> all() {
        return List.of(
                new Case(
                        "s1-active-snat-v4",
                        "Scenario 1: client behind source NAT, active mode (PORT), two RETRs"
                                + " on one control connection",
                        SNAT,
                        net -> {
                            FtpDriver f = new FtpDriver(
                                    net,
                                    net.host("client", "192.0.2.10", IN),
                                    net.host("server", "198.51.100.20", OUT));
                            f.login(40000, "198.51.100.20", 21);
                            for (int i = 0; i < 2; i++) {
                                byte[] file = FtpDriver.data(3000 + i * 500, i);
                                f.expectSame("RETR " + i, file, f.activeRetr(false, 50000 + i, file));
                            }
                            f.quit();
                        }),
                new Case("s1-eprt-snat-v6", "Scenario 1 over IPv6: EPRT |2| through source NAT", SNAT, net -> {
                    FtpDriver f = new FtpDriver(
                            net, net.host("client", "2001:db8:1::10", IN), net.host("server", "2001:db8:2::20", OUT));
                    f.login(40000, "2001:db8:2::20", 21);
                    byte[] file = FtpDriver.data(2500, 6);
                    f.expectSame("RETR", file, f.activeRetr(true, 50100, file));
                    f.quit();
                }),
                new Case(
                        "s2-passive-dnat-v4",
                        "Scenario 2: server behind destination NAT, passive mode (PASV/227)," + " two STORs",
                        DNAT,
                        net -> {
                            FtpDriver f = new FtpDriver(
                                    net,
                                    net.host("client", "198.51.100.10", OUT),
                                    net.host("server", "192.0.2.20", IN));
                            f.login(40001, "203.0.113.1", 21);
                            for (int i = 0; i < 2; i++) {
                                byte[] file = FtpDriver.data(2000 + i * 100, 10 + i);
                                f.expectSame("STOR " + i, file, f.passiveStor(false, 30000 + i, null, file));
                            }
                            f.quit();
                        }),
                new Case(
                        "s2-pasv-public-address-v4",
                        "Scenario 2 with a server that already advertises the public"
                                + " address in 227 (Linux makes no expectation and passive mode fails)",
                        DNAT,
                        net -> {
                            FtpDriver f = new FtpDriver(
                                    net,
                                    net.host("client", "198.51.100.10", OUT),
                                    net.host("server", "192.0.2.20", IN));
                            f.login(40001, "203.0.113.1", 21);
                            byte[] file = FtpDriver.data(1500, 12);
                            f.expectSame("STOR", file, f.passiveStor(false, 30010, "203.0.113.1", file));
                            f.quit();
                        }),
                new Case(
                        "s2-epsv-dnat-v6",
                        "Scenario 2 over IPv6: EPSV/229 to a server behind destination NAT",
                        DNAT,
                        net -> {
                            FtpDriver f = new FtpDriver(
                                    net,
                                    net.host("client", "2001:db8:2::10", OUT),
                                    net.host("server", "2001:db8:1::20", IN));
                            f.login(40001, "2001:db8:ff::1", 21);
                            byte[] file = FtpDriver.data(2200, 13);
                            f.expectSame("STOR", file, f.passiveStor(true, 30020, null, file));
                            f.quit();
                        }),
                new Case(
                        "s3-firewall-v4",
                        "Scenario 3: bridge firewall, no NAT: pinholes for PORT and PASV; a third"
                                + " host and a port that was not negotiated are refused",
                        BRIDGE,
                        net -> {
                            Host third = net.host("third", "198.51.100.99", OUT);
                            FtpDriver f = new FtpDriver(
                                    net,
                                    net.host("client", "192.0.2.30", IN),
                                    net.host("server", "198.51.100.40", OUT));
                            f.login(40002, "198.51.100.40", 21);
                            f.client.listen(50011);
                            third.connect(20, "192.0.2.30", 50011);
                            f.server.connect(20, "192.0.2.30", 50011);
                            if (!f.client.accepted(50011).isEmpty()) {
                                net.errors.add("firewall admitted a connection nobody negotiated");
                            }
                            byte[] file = FtpDriver.data(1800, 20);
                            f.expectSame("RETR", file, f.activeRetr(false, 50010, file));
                            f.expectSame("STOR", file, f.passiveStor(false, 30030, null, file));
                            f.quit();
                        }),
                new Case(
                        "s3-firewall-v6",
                        "Scenario 3 over IPv6: EPRT and EPSV pinholes in a bridge firewall",
                        BRIDGE,
                        net -> {
                            FtpDriver f = new FtpDriver(
                                    net,
                                    net.host("client", "2001:db8:1::30", IN),
                                    net.host("server", "2001:db8:2::40", OUT));
                            f.login(40003, "2001:db8:2::40", 21);
                            byte[] file = FtpDriver.data(1700, 21);
                            f.expectSame("RETR", file, f.activeRetr(true, 50020, file));
                            f.expectSame("STOR", file, f.passiveStor(true, 30040, null, file));
                            f.quit();
                        }),
                new Case(
                        "s7-port-2121-v4",
                        "Scenario 7: FTP on port 2121 (configured), active and passive through" + " source NAT",
                        SNAT + "ftp ports 21 2121\n",
                        net -> {
                            FtpDriver f = new FtpDriver(
                                    net,
                                    net.host("client", "192.0.2.10", IN),
                                    net.host("server", "198.51.100.20", OUT));
                            f.login(40004, "198.51.100.20", 2121);
                            byte[] file = FtpDriver.data(1600, 30);
                            f.expectSame("RETR", file, f.activeRetr(false, 50030, file));
                            f.expectSame("STOR", file, f.passiveStor(false, 30050, null, file));
                            f.quit();
                        }),
                new Case(
                        "s7-port-2121-v6",
                        "Scenario 7 over IPv6: FTP on port 2121, EPRT and EPSV through source NAT",
                        SNAT + "ftp ports 21 2121\n",
                        net -> {
                            FtpDriver f = new FtpDriver(
                                    net,
                                    net.host("client", "2001:db8:1::10", IN),
                                    net.host("server", "2001:db8:2::20", OUT));
                            f.login(40007, "2001:db8:2::20", 2121);
                            byte[] file = FtpDriver.data(1500, 31);
                            f.expectSame("RETR", file, f.activeRetr(true, 50040, file));
                            f.expectSame("STOR", file, f.passiveStor(true, 30060, null, file));
                            f.quit();
                        }),
                new Case(
                        "anyport-detected",
                        "Scenario 7, FTP on any port: only port 21 configured, 'ftp detect any'; FTP on port"
                                + " 2222 is recognised from its 220 greeting and first command (USER), then PORT and"
                                + " 227 are rewritten through source NAT",
                        SNAT + "ftp ports 21\nftp detect any\n",
                        net -> {
                            FtpDriver f = new FtpDriver(
                                    net,
                                    net.host("client", "192.0.2.10", IN),
                                    net.host("server", "198.51.100.20", OUT));
                            f.login(40008, "198.51.100.20", 2222);
                            byte[] file = FtpDriver.data(1400, 32);
                            f.expectSame("RETR", file, f.activeRetr(false, 50050, file));
                            f.expectSame("STOR", file, f.passiveStor(false, 30070, null, file));
                            f.quit();
                        }),
                new Case(
                        "anyport-smtp-ignored",
                        "Scenario 7, FTP on any port: an SMTP-like dialogue on port 2222 (220 greeting, then"
                                + " EHLO) is not FTP: its later PORT-looking line and 227-looking reply pass"
                                + " unmodified and open nothing",
                        SNAT + "ftp ports 21\nftp detect any\n",
                        net -> {
                            Host client = net.host("client", "192.0.2.10", IN);
                            Host server = net.host("server", "198.51.100.20", OUT);
                            server.listen(2222);
                            var c = client.connect(40009, "198.51.100.20", 2222);
                            var s = server.lastAccepted(2222);
                            String[] lines = {
                                "S220 mail.example ESMTP\r\n",
                                "CEHLO client.example\r\n",
                                "S250 mail.example\r\n",
                                "CPORT 192,0,2,10,195,80\r\n",
                                "S227 Entering Passive Mode (192,0,2,10,195,81)\r\n",
                                "CQUIT\r\n",
                                "S221 Bye\r\n"
                            };
                            for (String l : lines) {
                                var from = l.charAt(0) == 'S' ? s : c;
                                var to = l.charAt(0) == 'S' ? c : s;
                                from.send(l.substring(1));
                                if (!to.take().equals(l.substring(1))) {
                                    net.errors.add("not-FTP bytes were modified: " + l.substring(1));
                                }
                            }
                            client.listen(50000);
                            server.connect(20, "203.0.113.1", 50000);
                            if (!client.accepted(50000).isEmpty()) {
                                net.errors.add("a PORT-looking line in a non-FTP connection opened a pinhole");
                            }
                            c.close();
                            s.close();
                        }),
                new Case(
                        "multiline-227-dnat",
                        "Security: an inside server published by DNAT answers STAT with a 211- block that carries a"
                                + " 227 naming its own port 30000 (text a server echoes): passed unchanged, nothing"
                                + " opened (the outside client's connection to that port is refused); the real 227"
                                + " after it is rewritten and its data connection works",
                        DNAT,
                        net -> {
                            FtpDriver f = new FtpDriver(
                                    net,
                                    net.host("client", "198.51.100.10", OUT),
                                    net.host("server", "192.0.2.20", IN));
                            f.login(40010, "203.0.113.1", 21);
                            f.command("STAT\r\n");
                            String block = "211-FTP server status:\r\n227 Entering Passive Mode (192,0,2,20,117,48)\r\n"
                                    + "211 End of status\r\n";
                            if (!f.reply(block).equals(block)) {
                                net.errors.add("the multi-line reply was modified");
                            }
                            f.server.listen(30000);
                            f.client.connect(45500, "203.0.113.1", 30000);
                            if (!f.server.accepted(30000).isEmpty()) {
                                net.errors.add("a 227 inside a multi-line reply opened a pinhole");
                            }
                            byte[] file = FtpDriver.data(1200, 41);
                            f.expectSame("STOR", file, f.passiveStor(false, 30001, null, file));
                            f.quit();
                        }),
                new Case(
                        "late-syn-retransmit",
                        "Security (issue 9.2): the client's SYN arrives again after the login, as on a lossy,"
                                + " reordering path; the stream is not moved back, the next PORT is rewritten and"
                                + " the active transfer completes (the session used to wedge for good)",
                        SNAT,
                        net -> {
                            FtpDriver f = new FtpDriver(
                                    net,
                                    net.host("client", "192.0.2.10", IN),
                                    net.host("server", "198.51.100.20", OUT));
                            f.login(40011, "198.51.100.20", 21);
                            f.c.retransmitSyn(false);
                            byte[] file = FtpDriver.data(1300, 42);
                            f.expectSame("RETR", file, f.activeRetr(false, 50060, file));
                            f.quit();
                        }),
                new Case(
                        "split-commands-v4",
                        "A PORT split over three segments and a 227 split over two, through"
                                + " source NAT: held, completed, rewritten across the segment boundary",
                        SNAT,
                        net -> {
                            FtpDriver f = new FtpDriver(
                                    net,
                                    net.host("client", "192.0.2.10", IN),
                                    net.host("server", "198.51.100.20", OUT));
                            f.login(40005, "198.51.100.20", 21);
                            f.c.sendPieces("PO", "RT 192,0,2,", "10,195,90\r\n");
                            String got = f.s.take();
                            if (!got.equals("PORT 203,0,113,1,195,90\r\n")) {
                                net.errors.add("split PORT arrived as " + got);
                            }
                            f.reply("200 PORT command successful.\r\n");
                            f.command("PASV\r\n");
                            f.s.sendPieces("227 Entering Passive Mode (198,51,", "100,20,117,50).\r\n");
                            String reply = f.c.take();
                            if (!reply.equals("227 Entering Passive Mode (198,51,100,20,117,50).\r\n")) {
                                net.errors.add("split 227 arrived as " + reply);
                            }
                            f.quit();
                        }),
                new Case(
                        "retransmit-sack-v4",
                        "Retransmission of a rewritten PORT, and a SACK block from the server"
                                + " after two rewrites: both mapped exactly",
                        SNAT,
                        net -> {
                            FtpDriver f = new FtpDriver(
                                    net,
                                    net.host("client", "192.0.2.10", IN),
                                    net.host("server", "198.51.100.20", OUT));
                            f.login(40006, "198.51.100.20", 21);
                            long first = f.c.sndNxt();
                            f.command("PORT 192,0,2,10,195,100\r\n");
                            f.reply("200 PORT command successful.\r\n");
                            f.c.retransmit(first, "PORT 192,0,2,10,195,100\r\n");
                            f.command("PORT 192,0,2,10,195,101\r\n");
                            f.reply("200 PORT command successful.\r\n");
                            f.s.sendSack(f.s.sndNxt() - 10, f.s.sndNxt());
                            f.quit();
                        }),
                new Case(
                        "control-kept-alive",
                        "Scenario 5: a 3 s control idle timeout and a 20 s active-mode download; the control"
                                + " connection is kept while its data connection lives, keepalive probes (ftp keepalive"
                                + " 2s) go to both ends and are answered, the 226 arrives, a second RETR works",
                        SNAT + "timeout tcp-established 3s\nftp keepalive 2s\n",
                        net -> {
                            FtpDriver f = new FtpDriver(
                                    net,
                                    net.host("client", "192.0.2.10", IN),
                                    net.host("server", "198.51.100.20", OUT));
                            f.login(40010, "198.51.100.20", 21);
                            f.command("PORT 192,0,2,10,195,80\r\n");
                            f.reply("200 PORT command successful. Consider using PASV.\r\n");
                            f.command("RETR big.bin\r\n");
                            f.client.listen(50000);
                            SimNet.Conn d = f.server.connect(20, "203.0.113.1", 50000);
                            SimNet.Conn dc = f.client.lastAccepted(50000);
                            f.reply("150 Opening BINARY mode data connection for big.bin (20000 bytes).\r\n");
                            byte[] file = FtpDriver.data(20_000, 50);
                            for (int i = 0; i < 20; i++) {
                                net.advanceMillis(1000); // one 1000-byte chunk a second
                                d.send(java.util.Arrays.copyOfRange(file, i * 1000, (i + 1) * 1000));
                            }
                            d.close();
                            dc.close();
                            f.expectSame("slow RETR", file, dc.receivedBytes());
                            if (!f.reply("226 Transfer complete.\r\n").equals("226 Transfer complete.\r\n")) {
                                net.errors.add("226 did not arrive");
                            }
                            if (f.c.keepalivesAnswered == 0 || f.s.keepalivesAnswered == 0) {
                                net.errors.add("no keepalive probe reached both ends");
                            }
                            byte[] second = FtpDriver.data(2000, 51);
                            f.expectSame("second RETR", second, f.activeRetr(false, 50001, second));
                            f.quit();
                        }),
                new Case(
                        "reset-expired",
                        "Scenario 6: a connection through source NAT idles past a 10 s timeout; the inside"
                                + " client's next segment is answered with a RST (flows reset-expired inside, the"
                                + " default), the outside server's is dropped without one",
                        SNAT + "timeout tcp-established 10s\n",
                        net -> {
                            SimNet.Host client = net.host("client", "192.0.2.10", IN);
                            SimNet.Host server = net.host("server", "198.51.100.20", OUT);
                            server.listen(80);
                            SimNet.Conn c = client.connect(40020, "198.51.100.20", 80);
                            SimNet.Conn s = server.lastAccepted(80);
                            c.send("GET / HTTP/1.0\r\n\r\n");
                            s.send("HTTP/1.0 200 OK\r\n\r\n");
                            net.advanceMillis(15_000);
                            s.send("late data from the server\r\n");
                            c.send("late data from the client\r\n");
                            if (!c.resetReceived) {
                                net.errors.add("the inside client got no RST");
                            }
                            if (s.resetReceived) {
                                net.errors.add("the outside server got a RST (reset-expired is inside only)");
                            }
                        }),
                new Case(
                        "demo",
                        "The bundled demo: an inside client in active mode through source NAT, an outside"
                                + " client in passive mode to the published inside server, and IPv6 EPRT",
                        DEMO,
                        net -> {
                            FtpDriver a = new FtpDriver(
                                    net,
                                    net.host("client", "192.0.2.10", IN),
                                    net.host("server", "198.51.100.20", OUT));
                            a.login(40000, "198.51.100.20", 21);
                            byte[] file = FtpDriver.data(4000, 40);
                            a.expectSame("RETR", file, a.activeRetr(false, 50000, file));
                            a.quit();
                            FtpDriver b = new FtpDriver(
                                    net,
                                    net.host("remote-client", "198.51.100.10", OUT),
                                    net.host("inside-server", "192.0.2.20", IN));
                            b.login(40001, "203.0.113.1", 21);
                            b.expectSame("STOR", file, b.passiveStor(false, 30000, null, file));
                            b.quit();
                            FtpDriver c = new FtpDriver(
                                    net,
                                    net.host("client6", "2001:db8:1::10", IN),
                                    net.host("server6", "2001:db8:2::20", OUT));
                            c.login(40002, "2001:db8:2::20", 21);
                            c.expectSame("RETR", file, c.activeRetr(true, 50001, file));
                            c.quit();
                        }),
                new Case(
                        "lb-passive",
                        "Scenario 4: two clients on a load-balanced virtual address land on two servers;"
                                + " PASV (227 carries the virtual address) and EPSV data reach each control's server",
                        LB,
                        net -> {
                            List<Host> servers = List.of(
                                    net.host("server0", "192.0.2.20", IN), net.host("server1", "192.0.2.21", IN));
                            for (int i = 0; i < 2; i++) {
                                FtpDriver f = onServer(net, "198.51.100.1" + i, servers, i, "203.0.113.1");
                                if (f == null) {
                                    return;
                                }
                                for (int t = 0; t < 2; t++) {
                                    byte[] file = FtpDriver.data(1500 + 200 * t, 50 + 10 * i + t);
                                    f.expectSame("STOR " + t, file, f.passiveStor(t == 1, 30000 + t, null, file));
                                    sameServer(net, f);
                                }
                                f.quit();
                            }
                        }),
                new Case(
                        "lb-active",
                        "Scenario 4 in active mode: each server's PORT/EPRT data connection leaves as the"
                                + " virtual address, source port 20 kept",
                        LB,
                        net -> {
                            List<Host> servers = List.of(
                                    net.host("server0", "192.0.2.20", IN), net.host("server1", "192.0.2.21", IN));
                            for (int i = 0; i < 2; i++) {
                                FtpDriver f = onServer(net, "198.51.100.1" + i, servers, i, "203.0.113.1");
                                if (f == null) {
                                    return;
                                }
                                for (int t = 0; t < 2; t++) {
                                    byte[] file = FtpDriver.data(1700 + 200 * t, 60 + 10 * i + t);
                                    f.expectSame("RETR " + t, file, f.activeRetr(t == 1, 50000 + t, file));
                                    fromVip(net, f, "203.0.113.1", 20);
                                }
                                f.quit();
                            }
                        }),
                new Case(
                        "lb-v6",
                        "Scenario 4 over IPv6: EPSV and EPRT through a load-balanced virtual address",
                        LB,
                        net -> {
                            List<Host> servers = List.of(
                                    net.host("server0", "2001:db8:1::20", IN),
                                    net.host("server1", "2001:db8:1::21", IN));
                            for (int i = 0; i < 2; i++) {
                                FtpDriver f = onServer(net, "2001:db8:2::1" + i, servers, i, "2001:db8:ff::1");
                                if (f == null) {
                                    return;
                                }
                                byte[] file = FtpDriver.data(1300, 70 + i);
                                f.expectSame("STOR", file, f.passiveStor(true, 30000, null, file));
                                sameServer(net, f);
                                f.expectSame("RETR", file, f.activeRetr(true, 50000, file));
                                fromVip(net, f, "2001:db8:ff::1", 20);
                                f.quit();
                            }
                        }),
                new Case(
                        "port20-active-dnat",
                        "Scenario 8: a server on 2121 behind destination NAT (published as 21) connects from"
                                + " 2120; the client sees 20 (N-1 of 21); a second session's data from port 20 to the"
                                + " same client endpoint would take the same outside tuple and is remapped"
                                + " (nat-data-source-port-remapped)",
                        PORT20,
                        net -> {
                            Host client = net.host("client", "198.51.100.10", OUT);
                            Host server = net.host("server", "192.0.2.20", IN);
                            FtpDriver a =
                                    FtpDriver.loginAny(net, client, List.of(server), 40000, "203.0.113.1", 21, 2121);
                            FtpDriver b =
                                    FtpDriver.loginAny(net, client, List.of(server), 40001, "203.0.113.1", 21, 2121);
                            if (a == null || b == null) {
                                net.errors.add("control connections not forwarded");
                                return;
                            }
                            a.serverDataPort = 2120;
                            // B's data from port 20 (the other convention) maps onto A's outside tuple
                            // (client:50000 <- 203.0.113.1:20), still in TIME_WAIT.
                            b.serverDataPort = 20;
                            byte[] file = FtpDriver.data(2100, 80);
                            a.expectSame("RETR a", file, a.activeRetr(false, 50000, file));
                            fromVip(net, a, "203.0.113.1", 20);
                            b.expectSame("RETR b", file, b.activeRetr(false, 50000, file));
                            if (b.lastData != null && b.lastData.remotePort == 20) {
                                net.errors.add("second data connection from port 20 to the same endpoint not remapped");
                            }
                            a.quit();
                            b.quit();
                        }));
    }

    /** The data connection just made reached the server of the session's control connection. */
    /**
     * Client {@code i} (address {@code clientIp}, from the outside) logs in to {@code vip}:21 in front of the pool
     * {@code servers}; the test scripts expect it on server {@code i}. Null, with the error recorded, otherwise.
     */
    private static FtpDriver onServer(SimNet net, String clientIp, List<Host> servers, int i, String vip) {
        FtpDriver f = FtpDriver.loginAny(net, net.host("client" + i, clientIp, OUT), servers, 40000, vip, 21);
        if (f == null || f.server != servers.get(i)) {
            net.errors.add("client " + i + " not on server " + i);
            return null;
        }
        return f;
    }

    private static void sameServer(SimNet net, FtpDriver f) {
        if (f.lastData == null || f.lastData.host != f.server) {
            net.errors.add("data connection not on the control connection's server " + f.server.ip);
        }
    }

    /** The active data connection just made arrived at the client from {@code vip}:{@code port}. */
    private static void fromVip(SimNet net, FtpDriver f, String vip, int port) {
        if (f.lastData == null || !f.lastData.remoteIp.equals(vip) || f.lastData.remotePort != port) {
            net.errors.add("active data not from " + vip + ":" + port + ": "
                    + (f.lastData == null ? "none" : f.lastData.remoteIp + ":" + f.lastData.remotePort));
        }
    }

    private GoldenCases() {}
}
