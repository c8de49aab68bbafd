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
                        }));
    }

    private GoldenCases() {}
}
