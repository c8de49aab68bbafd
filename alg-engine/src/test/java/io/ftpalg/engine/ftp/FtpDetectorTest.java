package io.ftpalg.engine.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.codec.Decoder;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.flow.FlowState;
import io.ftpalg.engine.flow.FlowTable;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.Frames;
import io.ftpalg.engine.testing.PacketBuilder;
import io.ftpalg.engine.testing.SimNet;
import io.ftpalg.engine.testing.SimNet.Conn;
import io.ftpalg.engine.testing.SimNet.Host;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The first exchanges {@link FtpDetector} must and must not take for FTP, as wire strings played through the
 * engine over {@link SimNet} on port 2222 with {@code ftp detect any}. Each step is "S:" (server sends) or "C:"
 * (client sends), its segments separated by '|'. The expected verdict is the detection counter that must be 1
 * (every other detection verdict 0), or null when the connection must still be under inspection.
 */
class FtpDetectorTest {
    static final String CONFIG = """
            mode bridge
            port inside
            port outside
            ftp detect any
            """;

    static Stream<Arguments> exchanges() {
        Counter yes = Counter.FTP_DETECT_ATTACHED;
        Counter greeting = Counter.FTP_DETECT_NOT_FTP_GREETING;
        Counter first = Counter.FTP_DETECT_NOT_FTP_CLIENT_FIRST;
        Counter command = Counter.FTP_DETECT_NOT_FTP_COMMAND;
        return Stream.of(
                // ---- FTP: attach ----
                row("vsftpd", yes, "S:220 (vsFTPd 3.0.3)\r\n", "C:USER anonymous\r\n"),
                row("pyftpdlib", yes, "S:220 pyftpdlib 1.5.7 ready.\r\n", "C:USER user\r\n"),
                row("multi-line", yes, "S:220-Welcome\r\n220-to pure-ftpd\r\n220 ready\r\n", "C:USER a\r\n"),
                row(
                        "multi-line, inner lines say anything",
                        yes,
                        "S:220-Hi\r\n  banner\r\n230 not the end\r\n220-still not\r\n220 end\r\n",
                        "C:FEAT\r\n"),
                row("multi-line greeting in pieces", yes, "S:220-a\r|\n22|0 b\r\n", "C:USER a\r\n"),
                row("220 split across segments", yes, "S:22|0 hel|lo\r|\n", "C:USER a\r\n"),
                row("command split across segments", yes, "S:220 x\r\n", "C:USER an|onymous\r|\n"),
                row("verb split", yes, "S:220 x\r\n", "C:U|SER a\r\n"),
                row("lower-case command (RFC 959 5.3)", yes, "S:220 x\r\n", "C:user anonymous\r\n"),
                row("mixed-case FEAT, no argument", yes, "S:220 x\r\n", "C:Feat\r\n"),
                row("AUTH TLS first", yes, "S:220 x\r\n", "C:AUTH TLS\r\n"),
                row("OPTS", yes, "S:220 x\r\n", "C:OPTS UTF8 ON\r\n"),
                row("HOST (RFC 7151)", yes, "S:220 x\r\n", "C:HOST ftp.example.org\r\n"),
                row("SYST", yes, "S:220 x\r\n", "C:SYST\r\n"),
                row("empty greeting text", yes, "S:220 \r\n", "C:USER a\r\n"),
                row("UTF-8 greeting", yes, "S:220 Gr\u00fc\u00dfe\r\n", "C:USER a\r\n"),
                row("commands pipelined", yes, "S:220 x\r\n", "C:USER a\r\nPASS b\r\n"),
                // ---- not FTP ----
                row("SMTP: 220 then EHLO", command, "S:220 mail.example ESMTP Postfix\r\n", "C:EHLO client\r\n"),
                row("SMTP: HELO", command, "S:220 mail ESMTP\r\n", "C:HELO client\r\n"),
                row("SMTP: NOOP is shared, not a first command", command, "S:220 mail\r\n", "C:NOOP\r\n"),
                row("HTTP: client speaks first", first, "C:GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
                row("HTTP after a 220", command, "S:220 x\r\n", "C:GET / HTTP/1.1\r\n"),
                row("browser custom method USER", command, "S:220 x\r\n", "C:USER / HTTP/1.1\r\n"),
                row("HTTP/ split across segments", command, "S:220 x\r\n", "C:USER /a htt|p/1.1\r\n"),
                row("SSH banner", greeting, "S:SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"),
                row("POP3", greeting, "S:+OK POP3 ready\r\n"),
                row("IMAP", greeting, "S:* OK IMAP4rev1 ready\r\n"),
                row("NNTP 200", greeting, "S:200 news.example ready\r\n"),
                row("220 without CRLF, then the client", first, "S:220 ready", "C:USER a\r\n"),
                row("220 without CRLF: still undecided", null, "S:220 ready"),
                row("220 with a bare LF", greeting, "S:220 ready\n"),
                row("220 with a bare CR", greeting, "S:220 ready\rx\n"),
                row("220 without space or dash", greeting, "S:220ready\r\n"),
                row("2200", greeting, "S:2200 x\r\n"),
                row("a control byte in the greeting", greeting, "S:220 a\u0007b\r\n"),
                row("NUL in the greeting", greeting, "S:220 a\u0000\r\n"),
                row("multi-line never ended", first, "S:220-a\r\n221 b\r\n", "C:USER a\r\n"),
                row("server speaks twice", greeting, "S:220 x\r\n", "S:220 y\r\n"),
                row("client first, then a greeting", first, "C:USER a\r\n", "S:220 x\r\n"),
                row("client first with a 220 in flight", first, "C:U", "S:220 x\r\n"),
                row("junk from the server", greeting, "S:\u0016\u0003\u0001\u0000"),
                row("TLS ClientHello after a 220", command, "S:220 x\r\n", "C:\u0016\u0003\u0001\u0002\u0000"),
                row("five-letter verb", command, "S:220 x\r\n", "C:USERS a\r\n"),
                row("two-letter verb", command, "S:220 x\r\n", "C:US\r\n"),
                row("tab after the verb", command, "S:220 x\r\n", "C:USER\ta\r\n"),
                row("command with a bare LF", command, "S:220 x\r\n", "C:USER a\n"),
                row("PASS is no first command", command, "S:220 x\r\n", "C:PASS a\r\n"),
                row("PORT is no first command", command, "S:220 x\r\n", "C:PORT 192,0,2,10,195,80\r\n"),
                row("leading space", command, "S:220 x\r\n", "C: USER a\r\n"),
                row("control byte in the argument", command, "S:220 x\r\n", "C:USER a\u0001\r\n"));
    }

    private static Arguments row(String name, Counter expected, String... steps) {
        return Arguments.of(name, expected, List.of(steps));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exchanges")
    void firstExchange(String name, Counter expected, List<String> steps) throws Exception {
        try (SimNet net = new SimNet(ConfigParser.parse(CONFIG, "test"))) {
            Host client = net.host("client", "192.0.2.10", PacketSlot.PORT_INSIDE);
            Host server = net.host("server", "198.51.100.20", PacketSlot.PORT_OUTSIDE);
            server.listen(2222);
            Conn c = client.connect(40000, "198.51.100.20", 2222);
            Conn s = server.lastAccepted(2222);
            StringBuilder toServer = new StringBuilder();
            StringBuilder toClient = new StringBuilder();
            for (String step : steps) {
                String[] pieces = step.substring(2).split("\\|", -1);
                if (step.startsWith("S:")) {
                    s.sendPieces(pieces);
                    toClient.append(step.substring(2).replace("|", ""));
                } else {
                    c.sendPieces(pieces);
                    toServer.append(step.substring(2).replace("|", ""));
                }
            }
            var k = net.engine.counters();
            assertEquals(1, k.get(Counter.FTP_DETECT_INSPECTED), name);
            Counter[] verdicts = {
                Counter.FTP_DETECT_ATTACHED,
                Counter.FTP_DETECT_NOT_FTP_GREETING,
                Counter.FTP_DETECT_NOT_FTP_CLIENT_FIRST,
                Counter.FTP_DETECT_NOT_FTP_COMMAND,
                Counter.FTP_DETECT_UNDECIDED
            };
            for (Counter v : verdicts) {
                assertEquals(v == expected ? 1 : 0, k.get(v), name + ": " + v.label);
            }
            assertEquals(expected == Counter.FTP_DETECT_ATTACHED ? 1 : 0, k.get(Counter.FTP_CONTROL_FLOWS), name);
            int word = net.engine.flows().state(0);
            if (expected == null) {
                assertEquals(FlowState.FTP_DETECT, word & (FlowState.FTP_DETECT | FlowState.NOT_FTP), name);
            } else if (expected == Counter.FTP_DETECT_ATTACHED) {
                assertEquals(
                        FlowState.FTP_CONTROL,
                        word & (FlowState.FTP_DETECT | FlowState.NOT_FTP | FlowState.FTP_CONTROL));
            } else {
                assertEquals(
                        FlowState.NOT_FTP, word & (FlowState.FTP_DETECT | FlowState.NOT_FTP | FlowState.FTP_CONTROL));
            }
            // Detection only reads: both streams arrive exactly as sent, whatever the verdict.
            assertEquals(toServer.toString(), s.take(), name);
            assertEquals(toClient.toString(), c.take(), name);
            assertNull(net.errors.isEmpty() ? null : net.errors, name);
            assertEquals(0, k.get(Counter.EXPECT_CREATED), name);
        }
    }

    /** The detector on its own, over decoded segments: a whole first exchange per flow, with no allocation. */
    @Test
    void inspectsWithoutAllocating() throws Exception {
        FtpDetector d = new FtpDetector(ConfigParser.parse(CONFIG, "test").ftp(), 64);
        PacketSlot[] exchange = {
            slot(PacketBuilder.ethernet().ipv4("192.0.2.10", "198.51.100.20").tcp(40000, 2222, 1000, 0, TcpHeader.SYN)),
            slot(PacketBuilder.ethernet()
                    .ipv4("198.51.100.20", "192.0.2.10")
                    .tcp(2222, 40000, 7000, 1001, TcpHeader.SYN | TcpHeader.ACK)),
            slot(PacketBuilder.ethernet()
                    .ipv4("198.51.100.20", "192.0.2.10")
                    .tcp(2222, 40000, 7001, 1001, TcpHeader.ACK | TcpHeader.PSH)
                    .payload("220-Welcome\r\n220 ready\r\n")),
            slot(PacketBuilder.ethernet()
                    .ipv4("192.0.2.10", "198.51.100.20")
                    .tcp(40000, 2222, 1001, 7026, TcpHeader.ACK | TcpHeader.PSH)
                    .payload("USER anonymous\r\n")),
        };
        int[] dirs = {FlowTable.ORIGINAL, FlowTable.REPLY, FlowTable.REPLY, FlowTable.ORIGINAL};
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long attached = 0;
        long least = Long.MAX_VALUE;
        // Warm-up rounds first (JIT, class loading, the test run's instrumentation), then the least of three
        // measured rounds: one allocation per exchange would be megabytes in every round.
        for (int round = 0; round < 6; round++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++) {
                int flow = i & 63;
                d.start(flow);
                for (int k = 0; k < exchange.length; k++) {
                    if (d.inspect(exchange[k], flow, dirs[k]) == Counter.FTP_DETECT_ATTACHED) {
                        attached++;
                    }
                }
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            if (round >= 3) {
                least = Math.min(least, allocated);
            }
        }
        assertTrue(least < 4096, least + " bytes allocated by 100k first exchanges");
        assertEquals(600_000, attached);
    }

    private static PacketSlot slot(PacketBuilder b) {
        PacketSlot s = Frames.slot(b.build());
        assertNull(new Decoder().decode(s));
        return s;
    }
}
