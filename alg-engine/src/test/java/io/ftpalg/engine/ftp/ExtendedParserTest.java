package io.ftpalg.engine.ftp;

import static io.ftpalg.engine.ftp.Wire.REJECT;
import static io.ftpalg.engine.ftp.Wire.check;
import static io.ftpalg.engine.ftp.Wire.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** EPRT arguments and 229 replies (RFC 2428): rows of (wire text, lenient result, strict result). */
class ExtendedParserTest {

    private static Arguments row(String wire, Wire.Expect lenient, Wire.Expect strict) {
        return Arguments.of(wire, lenient, strict);
    }

    private static Arguments both(String wire, Wire.Expect expect) {
        return row(wire, expect, expect);
    }

    private static Arguments reject(String wire) {
        return row(wire, REJECT, REJECT);
    }

    /** {@code |af|addr|port|} with '|' and the expected endpoint. */
    private static Arguments eprt(int af, String addr, int port) {
        String span = addr + "|" + port;
        return both("|" + af + "|" + span + "|", ok(addr, port, span));
    }

    static Stream<Arguments> eprtArguments() {
        Wire.Expect v4 = ok("192.0.2.10", 50000, "192.0.2.10|50000");
        return Stream.of(
                // IPv4
                eprt(1, "192.0.2.10", 50000),
                eprt(1, "0.0.0.0", 1),
                eprt(1, "255.255.255.255", 65535),
                eprt(1, "10.0.0.1", 21),
                both("|1|192.0.2.10|00021|", ok("192.0.2.10", 21, "192.0.2.10|00021")),
                // IPv6: compressed, full, mixed, case
                eprt(2, "2001:db8::a", 50000),
                eprt(2, "2001:0db8:0000:0000:0000:0000:0000:000a", 50000),
                eprt(2, "2001:db8:0:0:0:0:0:a", 6446),
                eprt(2, "2001:DB8::A", 6446),
                eprt(2, "FE80::1:2:3:4", 6446),
                eprt(2, "::", 1),
                eprt(2, "::1", 21),
                eprt(2, "2001:db8::", 21),
                eprt(2, "1::", 21),
                eprt(2, "1:2:3:4:5:6:7::", 21),
                eprt(2, "::2:3:4:5:6:7:8", 21),
                eprt(2, "1:2:3:4:5:6:7:8", 21),
                eprt(2, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535),
                eprt(2, "::ffff:192.0.2.10", 50000),
                eprt(2, "::192.0.2.10", 50000),
                eprt(2, "64:ff9b::192.0.2.10", 50000),
                eprt(2, "1:2:3:4:5:6:192.0.2.10", 50000),
                eprt(2, "1::6:192.0.2.10", 50000),
                eprt(2, "2001:db8:0:1::1:0", 50000),
                // other delimiters (any ASCII 33..126, RFC 2428 §2)
                both("!1!192.0.2.10!50000!", ok("192.0.2.10", 50000, "192.0.2.10!50000")),
                both("#2#2001:db8::1#6446#", ok("2001:db8::1", 6446, "2001:db8::1#6446")),
                both("~1~192.0.2.10~50000~", ok("192.0.2.10", 50000, "192.0.2.10~50000")),
                // delimiters that could occur in the fields: ambiguous, and broken by a NAT rewrite
                reject(":1:192.0.2.10:50000:"),
                reject("f2f2001:db8::a1f50000f"),
                reject("A2A2001:db8::1A50000A"),
                reject("919192.0.2.10950000"),
                // spacing: lenient only
                row(" |1|192.0.2.10|50000|", v4, REJECT),
                row("|1|192.0.2.10|50000|  \t", v4, REJECT),
                // address family
                reject("|3|192.0.2.10|50000|"),
                reject("|0|192.0.2.10|50000|"),
                reject("|12|192.0.2.10|50000|"),
                reject("||192.0.2.10|50000|"),
                reject("|a|192.0.2.10|50000|"),
                reject("|1|2001:db8::1|50000|"),
                reject("|2|192.0.2.10|50000|"),
                // IPv4 syntax
                reject("|1|256.0.2.10|50000|"),
                reject("|1|192.0.2.1000|50000|"),
                reject("|1|192.0.2|50000|"),
                reject("|1|192.0.2.10.1|50000|"),
                reject("|1|192.0.2.|50000|"),
                reject("|1|.192.0.2.10|50000|"),
                reject("|1|192..2.10|50000|"),
                reject("|1|010.0.2.10|50000|"),
                reject("|1|192.0.02.10|50000|"),
                reject("|1|+192.0.2.10|50000|"),
                reject("|1|192.0.2.10 |50000|"),
                reject("|1| 192.0.2.10|50000|"),
                reject("|1|192.0.2.0x1|50000|"),
                reject("|1|99999999999.0.2.10|50000|"),
                reject("|1||50000|"),
                // IPv6 syntax
                reject("|2|1:2:3:4:5:6:7:8:9|21|"),
                reject("|2|1:2:3:4:5:6:7|21|"),
                reject("|2|2001:db8::1::2|21|"),
                reject("|2|::1::|21|"),
                reject("|2|2001:db8:::1|21|"),
                reject("|2|:::|21|"),
                reject("|2|:|21|"),
                reject("|2|:1::2|21|"),
                reject("|2|1::2:|21|"),
                reject("|2|1:2:3:4:5:6:7:8::|21|"),
                reject("|2|::1:2:3:4:5:6:7:8|21|"),
                reject("|2|1:2:3:4::5:6:7:8|21|"),
                reject("|2|2001:db8::12345|21|"),
                reject("|2|02001:db8::1|21|"),
                reject("|2|2001:db8::g|21|"),
                reject("|2|::ffff:192.0.2.256|21|"),
                reject("|2|::ffff:192.0.2|21|"),
                reject("|2|::ffff:192.0.2.10.1|21|"),
                reject("|2|::ffff:192.0.02.10|21|"),
                reject("|2|::192.0.2.10:1|21|"),
                reject("|2|192.0.2.10::|21|"),
                reject("|2|1:2:3:4:5:6:7:192.0.2.10|21|"),
                reject("|2|1:2:3:4:5:6::192.0.2.10|21|"),
                reject("|2|::ffff:a.0.2.10|21|"),
                reject("|2|fe80::1%eth0|21|"),
                reject("|2|[2001:db8::1]|21|"),
                reject("|2|2001:db8::1/64|21|"),
                reject("|2|2001 :db8::1|21|"),
                reject("|2||21|"),
                // a delimiter the address needs
                reject(":2:2001:db8::1:50000:"),
                reject(".1.192.0.2.10.50000."),
                // port
                reject("|1|192.0.2.10|0|"),
                reject("|1|192.0.2.10|00000|"),
                reject("|1|192.0.2.10|65536|"),
                reject("|1|192.0.2.10|99999|"),
                reject("|1|192.0.2.10|000021|"),
                reject("|1|192.0.2.10|99999999999|"),
                reject("|1|192.0.2.10|4294967317|"),
                reject("|1|192.0.2.10|+21|"),
                reject("|1|192.0.2.10|-21|"),
                reject("|1|192.0.2.10| 21|"),
                reject("|1|192.0.2.10|21 |"),
                reject("|1|192.0.2.10||"),
                reject("|1|192.0.2.10|0x15|"),
                // delimiters
                reject("|1|192.0.2.10|50000!"),
                reject("|1!192.0.2.10|50000|"),
                reject("!1|192.0.2.10|50000|"),
                reject("|1|192.0.2.10!50000|"),
                reject("|1|192.0.2.10|50000"),
                reject("|1|192.0.2.10|50000||"),
                reject("|1|192.0.2.10|50|00|"),
                reject("|1|192.0.2.10"),
                reject("|1|"),
                reject(""),
                reject("\u007f1\u007f192.0.2.10\u007f50000\u007f"),
                reject("\u00a61\u00a6192.0.2.10\u00a650000\u00a6"),
                reject("\u00001\u0000192.0.2.10\u000050000\u0000"),
                reject("\t1\t192.0.2.10\t50000\t"),
                // trailing junk, NUL, non-ASCII
                reject("|1|192.0.2.10|50000|x"),
                reject("|1|192.0.2.10|50000| x"),
                reject("|1|192.0.2.10|50000|\u0000"),
                reject("|1|192.0.2.1\u00000|50000|"),
                reject("|1|192.0.2.1\u00b9|50000|"),
                reject("|2|2001:db8::\u00e1|50000|"),
                // very long
                reject("|2|" + "1:".repeat(50_000) + "1|21|"),
                reject("|1|192.0.2.10|" + "5".repeat(100_000) + "|"),
                reject("|2|" + ":".repeat(100_000) + "|21|"));
    }

    @ParameterizedTest(name = "[{index}] EPRT {0}")
    @MethodSource("eprtArguments")
    void eprt(String arg, Wire.Expect lenient, Wire.Expect strict) {
        check(FtpParsers::parseEprt, "EPRT " + arg, 5, false, lenient);
        check(FtpParsers::parseEprt, "EPRT " + arg, 5, true, strict);
    }

    @Test
    void eprtRecordsTheDelimiter() {
        byte[] b = Wire.bytes("#2#2001:db8::1#6446#");
        FtpEndpoint out = new FtpEndpoint();
        assertTrue(FtpParsers.parseEprt(b, 0, b.length, true, out));
        assertEquals((byte) '#', out.delimiter);
    }

    static Stream<Arguments> replies229() {
        Wire.Expect p50000 = ok(null, 50000, "50000");
        return Stream.of(
                both("229 Entering Extended Passive Mode (|||50000|)", p50000), // vsftpd, pure-ftpd
                both("229 Entering Extended Passive Mode (|||50000|).", p50000),
                both("229 entering extended passive mode (|||50000|).", p50000), // pyftpdlib
                both("229 (|||50000|)", p50000),
                both("229 Entering Extended Passive Mode (!!!50000!)", p50000),
                both("229 Extended (|||1|)", ok(null, 1, "1")),
                both("229 Extended (|||65535|)", ok(null, 65535, "65535")),
                both("229 Extended (|||00021|)", ok(null, 21, "00021")),
                // lenient: ')' and what follows not checked
                // trailing blanks, translated text before '(': lenient only
                row("229 Entering Extended Passive Mode (|||50000|) ", p50000, REJECT),
                row("229 Entering Extended Passive Mode (|||50000|).\t", p50000, REJECT),
                row("229 Entr\u00e9e (|||50000|)", p50000, REJECT),
                // any other shape: refused in both modes (issue "Security" 3)
                reject("229 Entering Extended Passive Mode (|||50000|"),
                reject("229 Entering Extended Passive Mode (|||50000|]"),
                reject("229 Entering Extended Passive Mode (|||50000|x)"),
                reject("229 Entering Extended Passive Mode (|||50000| )"),
                reject("229 Entering Extended Passive Mode (|||50000||)"),
                reject("229 Entering Extended Passive Mode (|||50000|)x"),
                reject("229 Entering Extended Passive Mode (|||50000|) junk"),
                reject("229 Entering Extended Passive Mode (|||50000|).."),
                reject("229 Entering Extended Passive Mode (|||50000|)\u0080"),
                reject("229 Entering\u0000 (|||50000|)"),
                reject("229 Entering\u001b[31m (|||50000|)"),
                // no or broken parentheses
                reject("229 Entering Extended Passive Mode"),
                reject("229 Entering Extended Passive Mode |||50000|"),
                reject("229 Entering Extended Passive Mode ("),
                reject("229 ()"),
                reject("229 (|||"),
                reject("229 (|||)"),
                reject("229 (||||)"),
                // only the first '(' is tried
                reject("229 Entering (Extended) Passive Mode (|||50000|)"),
                // port
                reject("229 Entering Extended Passive Mode (|||0|)"),
                reject("229 Entering Extended Passive Mode (|||65536|)"),
                reject("229 Entering Extended Passive Mode (|||000000|)"),
                reject("229 Entering Extended Passive Mode (|||99999999999|)"),
                reject("229 Entering Extended Passive Mode (|||4294967297|)"),
                reject("229 Entering Extended Passive Mode (|||+5000|)"),
                reject("229 Entering Extended Passive Mode (|||-5000|)"),
                reject("229 Entering Extended Passive Mode (|||50 00|)"),
                reject("229 Entering Extended Passive Mode (||| 5000|)"),
                reject("229 Entering Extended Passive Mode (|||5000 |)"),
                reject("229 Entering Extended Passive Mode (|||5\u00000|)"),
                reject("229 Entering Extended Passive Mode (|||5\u00b90|)"),
                // delimiters
                reject("229 Entering Extended Passive Mode (||50000|)"),
                reject("229 Entering Extended Passive Mode (||||50000|)"),
                reject("229 Entering Extended Passive Mode (|||50000!)"),
                reject("229 Entering Extended Passive Mode (!||50000|)"),
                reject("229 Entering Extended Passive Mode (|!|50000|)"),
                reject("229 Entering Extended Passive Mode (|1|2|50000|)"),
                reject("229 Entering Extended Passive Mode (55550005)"),
                reject("229 Entering Extended Passive Mode (   50000 )"),
                reject("229 Entering Extended Passive Mode (\u0080\u0080\u008050000\u0080)"),
                reject("229 Entering Extended Passive Mode (\u007f\u007f\u007f50000\u007f)"),
                // very long
                reject("229 (|||" + "5".repeat(100_000) + "|)"),
                reject("229 " + "(".repeat(100_000)),
                row("229 " + "x".repeat(100_000) + " (|||50000|)", p50000, p50000));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("replies229")
    void reply229(String line, Wire.Expect lenient, Wire.Expect strict) {
        check(FtpParsers::parse229, line, 4, false, lenient);
        check(FtpParsers::parse229, line, 4, true, strict);
    }

    /** A bare "227" or "229" with the caller's {@code from} one past the code's separator: false, no exception. */
    @ParameterizedTest
    @ValueSource(strings = {"227", "229", "PORT", "EPRT"})
    void fromPastToIsRejected(String line) {
        byte[] b = Wire.bytes(line + "\r\n1,2,3,4,5,6|1|1.2.3.4|5|(|||5|)");
        FtpEndpoint out = new FtpEndpoint();
        int to = line.length();
        for (boolean strict : new boolean[] {false, true}) {
            assertFalse(FtpParsers.parsePort(b, to + 1, to, strict, out));
            assertFalse(FtpParsers.parse227(b, to + 1, to, strict, out));
            assertFalse(FtpParsers.parseEprt(b, to + 1, to, strict, out));
            assertFalse(FtpParsers.parse229(b, to + 1, to, strict, out));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"(|||50000|)", "(!!!50000!)"})
    void reply229RecordsTheDelimiter(String text) {
        byte[] b = Wire.bytes(text);
        FtpEndpoint out = new FtpEndpoint();
        assertTrue(FtpParsers.parse229(b, 0, b.length, true, out));
        assertEquals(b[1], out.delimiter);
    }
}
