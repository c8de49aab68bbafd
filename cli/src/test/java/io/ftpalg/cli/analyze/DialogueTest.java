package io.ftpalg.cli.analyze;

import static io.ftpalg.cli.analyze.AnalyzeTestSupport.analyze;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.pcap.LinkType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input, reassembly and the dialogue: what analyze prints for sessions that work. */
class DialogueTest {
    @TempDir
    Path tmp;

    /** An active-mode download that works, captured at the client: every line, its meaning, the data connection. */
    @Test
    void activeSessionDialogueAndDataConnection() throws Exception {
        Path p = tmp.resolve("active.pcapng");
        try (Synth s = new Synth(p)) {
            Synth.Tcp c =
                    s.tcp("eth0", "192.0.2.10", 40000, "198.51.100.20", 21).login();
            c.client("PORT 192,0,2,10,195,80\r\n");
            c.server("200 PORT command successful. Consider using PASV.\r\n");
            c.client("RETR file.bin\r\n");
            Synth.Tcp d =
                    s.tcp("eth0", "198.51.100.20", 20, "192.0.2.10", 50000).handshake();
            c.server("150 Opening BINARY mode data connection for file.bin (3000 bytes).\r\n");
            d.clientData(1000).clientData(1000).clientData(1000).closeByClient();
            c.server("226 Transfer complete.\r\n");
            c.client("QUIT\r\n").server("221 Goodbye.\r\n").closeByServer();
        }
        Analysis a = analyze(p);
        assertEquals(1, a.sessions.size());
        Session s = a.sessions.get(0);
        assertEquals("ftp-detect-attached", s.control.ftpReason);
        List<String> texts = s.lines.stream().map(l -> l.who() + ": " + l.text).toList();
        assertEquals(
                List.of(
                        "Server: 220 (vsFTPd 3.0.3)",
                        "Client: USER anonymous",
                        "Server: 331 Please specify the password.",
                        "Client: PASS ****",
                        "Server: 230 Login successful.",
                        "Client: PORT 192,0,2,10,195,80",
                        "Server: 200 PORT command successful. Consider using PASV.",
                        "Client: RETR file.bin",
                        "Server: 150 Opening BINARY mode data connection for file.bin (3000 bytes).",
                        "Server: 226 Transfer complete.",
                        "Client: QUIT",
                        "Server: 221 Goodbye."),
                texts);
        FtpLine port = s.lines.get(5);
        assertEquals("active mode: \"server, connect to me at 192.0.2.10 port 50000\"", port.meaning);
        assertEquals(1, s.negotiations.size());
        Negotiation n = s.negotiations.get(0);
        assertTrue(n.active);
        assertEquals("192.0.2.10:50000", n.target.toString());
        assertEquals("RETR file.bin", n.transfer.text);
        assertEquals(1, n.data.size());
        TcpConn d = n.data.get(0);
        assertEquals("198.51.100.20:20", d.client.toString());
        assertEquals(3000, d.bytesToServer());
        assertEquals(Diagnosis.Outcome.OK, Diagnosis.outcome(n));
        assertEquals(List.of(), a.findings, Report.text(a, false));
        String text = Report.text(a, false);
        assertTrue(text.contains("Client: PORT 192,0,2,10,195,80"), text);
        assertTrue(text.contains("198.51.100.20:20 -> 192.0.2.10:50000"), text);
        assertTrue(text.contains("No failure mode found."), text);
        assertFalse(text.contains("\u001b["), "no colour unless asked");
        String coloured = Report.text(a, true);
        assertTrue(coloured.contains("\u001b[36mClient:\u001b[0m PORT 192,0,2,10,195,80"), coloured);
        AnalyzeTestSupport.Run r = AnalyzeTestSupport.cli("analyze", "--color", "always", p.toString());
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("\u001b[35mServer:\u001b[0m 220"), r.out());
    }

    /** IPv6 with EPSV, raw-IP link type, FTP on port 2121 recognised by its dialogue alone. */
    @Test
    void ipv6EpsvOnAnyPortRawLinkType() throws Exception {
        Path p = tmp.resolve("v6.pcapng");
        try (Synth s = new Synth(p, LinkType.RAW)) {
            Synth.Tcp c = s.tcp("any", "2001:db8:1::10", 40000, "2001:db8:2::20", 2121)
                    .login();
            c.client("EPSV\r\n");
            c.server("229 Entering Extended Passive Mode (|||30000|)\r\n");
            c.client("LIST\r\n");
            Synth.Tcp d = s.tcp("any", "2001:db8:1::10", 45000, "2001:db8:2::20", 30000)
                    .handshake();
            c.server("150 Here comes the directory listing.\r\n");
            d.serverData(200).closeByServer();
            c.server("226 Directory send OK.\r\n");
        }
        Analysis a = analyze(p);
        assertEquals(1, a.sessions.size());
        Session s = a.sessions.get(0);
        assertEquals("ftp-detect-attached", s.control.ftpReason);
        Negotiation n = s.negotiations.get(0);
        assertFalse(n.active);
        assertEquals("[2001:db8:2::20]:30000", n.target.toString());
        assertEquals(200, n.data.get(0).bytesToClient());
        assertEquals(List.of(), a.findings);
    }

    /** Reassembly: a segment out of order, a retransmission, a line split over two segments. */
    @Test
    void reassemblyOrdersRetransmitsAndJoinsLines() throws Exception {
        Path p = tmp.resolve("reorder.pcapng");
        try (Synth s = new Synth(p)) {
            Synth.Tcp c =
                    s.tcp("eth0", "192.0.2.10", 40000, "198.51.100.20", 21).login();
            // "PORT 192,0,2,10,195,80\r\n" as "PORT 192," + "0,2,10,195,80\r\n", the second sent first.
            long start = c.cseq;
            c.cseq = start + 9;
            c.client("0,2,10,195,80\r\n", false);
            long end = c.cseq;
            c.cseq = start;
            c.client("PORT 192,", false);
            c.cseq = end;
            c.clientAt(15, "0,2,10,195,80\r\n"); // the retransmission
            c.server("200 PORT command successful.\r\n");
        }
        Analysis a = analyze(p);
        Session s = a.sessions.get(0);
        FtpLine port = s.lines.stream()
                .filter(l -> l.text.startsWith("PORT"))
                .findFirst()
                .orElseThrow();
        assertEquals("PORT 192,0,2,10,195,80", port.text);
        assertEquals(2, port.frames.size());
        assertEquals(1, port.retransmissions.size());
        assertTrue(port.complete);
    }

    /** A capture that starts after the handshake: port 21 and the dialogue are enough. */
    @Test
    void captureStartedMidSession() throws Exception {
        Path p = tmp.resolve("mid.pcapng");
        try (Synth s = new Synth(p)) {
            Synth.Tcp c = s.tcp("eth0", "192.0.2.10", 40000, "198.51.100.20", 21);
            c.cseq++;
            c.sseq++;
            c.client("PASV\r\n");
            c.server("227 Entering Passive Mode (198,51,100,20,117,48).\r\n");
        }
        Analysis a = analyze(p);
        assertEquals(1, a.sessions.size());
        assertEquals("port-21", a.sessions.get(0).control.ftpReason);
        assertEquals(
                "198.51.100.20:30000",
                a.sessions.get(0).negotiations.get(0).target.toString());
    }

    /** Not FTP: a client that speaks first (HTTP) on port 2121 is left alone, as ftp detect does. */
    @Test
    void httpIsNotFtp() throws Exception {
        Path p = tmp.resolve("http.pcapng");
        try (Synth s = new Synth(p)) {
            Synth.Tcp c =
                    s.tcp("eth0", "192.0.2.10", 40000, "198.51.100.20", 2121).handshake();
            c.client("GET / HTTP/1.1\r\n\r\n");
            c.server("HTTP/1.1 200 OK\r\n\r\n");
        }
        Analysis a = analyze(p);
        assertEquals(0, a.sessions.size());
        assertEquals("ftp-detect-not-ftp-client-first", a.connections.all.get(0).ftpReason);
    }
}
