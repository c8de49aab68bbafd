package io.ftpalg.engine.ftp;

import static io.ftpalg.engine.ftp.Wire.REJECT;
import static io.ftpalg.engine.ftp.Wire.check;
import static io.ftpalg.engine.ftp.Wire.ok;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** PORT arguments and 227 replies: rows of (wire text, lenient result, strict result). */
class PortAnd227ParserTest {

    private static final String V = "192,0,2,10,195,80";
    private static final Wire.Expect VSFTPD = ok("192.0.2.10", 50000, V);

    private static Arguments row(String wire, Wire.Expect lenient, Wire.Expect strict) {
        return Arguments.of(wire, lenient, strict);
    }

    private static Arguments both(String wire, Wire.Expect expect) {
        return row(wire, expect, expect);
    }

    private static Arguments reject(String wire) {
        return row(wire, REJECT, REJECT);
    }

    static Stream<Arguments> portArguments() {
        return Stream.of(
                // valid
                both(V, VSFTPD),
                both("192,168,1,2,7,138", ok("192.168.1.2", 1930, "192,168,1,2,7,138")),
                both("0,0,0,0,0,1", ok("0.0.0.0", 1, "0,0,0,0,0,1")),
                both("255,255,255,255,255,255", ok("255.255.255.255", 65535, "255,255,255,255,255,255")),
                both("192,168,001,002,007,138", ok("192.168.1.2", 1930, "192,168,001,002,007,138")),
                // spacing: lenient only
                row("  " + V, VSFTPD, REJECT),
                row(V + " ", VSFTPD, REJECT),
                row(V + " \t ", VSFTPD, REJECT),
                row("\t" + V, VSFTPD, REJECT),
                // out of range
                reject("256,0,2,10,195,80"),
                reject("192,0,2,999,195,80"),
                reject("192,0,2,10,256,80"),
                reject("192,0,2,10,195,256"),
                reject("192,0,2,10,0,0"),
                reject("0,0,0,0,0,0"),
                reject("99999999999,0,2,10,195,80"),
                reject("192,0,2,10,195,4294967376"),
                reject("192,0,2,10,195,0080"),
                reject("0192,0,2,10,195,80"),
                // wrong shape
                reject(""),
                reject("   "),
                reject("192,0,2,10,195"),
                reject("192,0,2,10,195,80,1"),
                reject("192,0,2,10,195,80,"),
                reject(",192,0,2,10,195,80"),
                reject("192,,0,2,10,195,80"),
                reject("192,0,,10,195,80"),
                reject("192,0,2,10,195,"),
                reject("192,0,2,10,,80"),
                reject("192.0.2.10.195.80"),
                reject("192;0;2;10;195;80"),
                reject("(192,0,2,10,195,80)"),
                // signs and whitespace inside
                reject("+192,0,2,10,195,80"),
                reject("-192,0,2,10,195,80"),
                reject("192,0,2,10,195,+80"),
                reject("192,0,2,10,-1,80"),
                reject("192, 0,2,10,195,80"),
                reject("192 ,0,2,10,195,80"),
                reject("192,0,2,10,195,8 0"),
                reject("192,\t0,2,10,195,80"),
                // trailing junk
                reject(V + "x"),
                reject(V + " junk"),
                reject(V + "."),
                reject(V + "\r"),
                // NUL and non-ASCII
                reject(V + "\u0000"),
                reject("\u0000" + V),
                reject("192,0,2,1\u00000,195,80"),
                reject("\u0080" + V),
                reject("192,0,2,10,195,8\u00b9"),
                reject(V + "\u00a0"),
                reject("\u00ff\u00ff\u00ff"),
                // very long
                reject("1".repeat(100_000)),
                reject("192,0,2,10,195," + "8".repeat(100_000)),
                reject(V + " ".repeat(50_000) + "x"),
                row(" ".repeat(50_000) + V, VSFTPD, REJECT));
    }

    @ParameterizedTest(name = "[{index}] PORT {0}")
    @MethodSource("portArguments")
    void port(String arg, Wire.Expect lenient, Wire.Expect strict) {
        // The argument starts after "PORT ": spans are absolute indexes, not offsets from `from`.
        check(FtpParsers::parsePort, "PORT " + arg, 5, false, lenient);
        check(FtpParsers::parsePort, "PORT " + arg, 5, true, strict);
    }

    static Stream<Arguments> replies227() {
        return Stream.of(
                // real servers
                both("227 Entering Passive Mode (192,0,2,10,195,80).", VSFTPD), // vsftpd
                both("227 Entering Passive Mode (192,0,2,10,195,80)", VSFTPD), // pure-ftpd
                both("227 entering passive mode (192,0,2,10,195,80).", VSFTPD), // pyftpdlib
                both("227 (192,0,2,10,195,80)", VSFTPD),
                both("227 Entering Passive Mode (172,16,3,4,204,173)", ok("172.16.3.4", 52397, "172,16,3,4,204,173")),
                both("227 Passive (255,255,255,255,255,255)", ok("255.255.255.255", 65535, "255,255,255,255,255,255")),
                // parentheses optional (RFC 1123 §4.1.2.6 tells clients to accept it): both modes
                both("227 Entering Passive Mode 192,0,2,10,195,80", VSFTPD),
                both("227 Entering Passive Mode 192,0,2,10,195,80.", VSFTPD),
                both("227 =192,0,2,10,195,80", VSFTPD),
                both("227 192,0,2,10,195,80", VSFTPD),
                // trailing blanks: lenient only
                row("227 Entering Passive Mode (192,0,2,10,195,80). ", VSFTPD, REJECT),
                row("227 Entering Passive Mode (192,0,2,10,195,80)\t", VSFTPD, REJECT),
                // translated text (bytes above 0x7E before the numbers): lenient only
                row("227 Entr\u00e9e en mode passif (192,0,2,10,195,80)", VSFTPD, REJECT),
                // any other shape: refused in both modes (issue "Security" 3: lenient syntax still has a shape)
                reject("227 Entering Passive Mode (192,0,2,10,195,80)junk"),
                reject("227 Entering Passive Mode (192,0,2,10,195,80) junk"),
                reject("227 Entering Passive Mode (192,0,2,10,195,80).."),
                reject("227 Entering Passive Mode (192,0,2,10,195,80)x."),
                reject("227 Entering Passive Mode (192,0,2,10,195,80"),
                reject("227 Entering Passive Mode 192,0,2,10,195,80)"),
                reject("227 Entering Passive Mode [192,0,2,10,195,80]"),
                reject("227 Entering Passive Mode (192,0,2,10,195,80]"),
                reject("227 Entering Passive Mode ((192,0,2,10,195,80))"),
                reject("227 Entering Passive Mode 192,0,2,10,195,80 (ok)"),
                reject("227 Entering\u0000Passive Mode (192,0,2,10,195,80)"),
                reject("227 Entering\u007fPassive Mode (192,0,2,10,195,80)"),
                reject("227 Entering Passive Mode (192,0,2,10,195,80)\u0080"),
                reject("227 Entering Passive Mode (192,0,2,10,195,80)\t."),
                reject("227 Entering Passive Mode (192,0,2,10,195,80)\r"),
                // no numbers
                reject("227 Logout."),
                reject("227 "),
                reject("227 Entering Passive Mode ()"),
                reject("227 Entering Passive Mode"),
                // out of range
                reject("227 Entering Passive Mode (256,0,2,10,195,80)."),
                reject("227 Entering Passive Mode (192,0,2,10,256,80)."),
                reject("227 Entering Passive Mode (192,0,2,10,195,256)."),
                reject("227 Entering Passive Mode (192,0,2,10,0,0)."),
                reject("227 Entering Passive Mode (99999999999,0,2,10,195,80)."),
                reject("227 Entering Passive Mode (192,0,2,10,195,1000)."),
                // wrong count, empty fields
                reject("227 Entering Passive Mode (192,0,2,10,195)."),
                reject("227 Entering Passive Mode (192,0,2,10,195,80,1)."),
                reject("227 Entering Passive Mode (192,0,2,10,195,80,)."),
                reject("227 Entering Passive Mode (192,0,,10,195,80)."),
                reject("227 Entering Passive Mode (192,0,2,10,195,)."),
                // signs, spaces inside, other separators
                reject("227 Entering Passive Mode (-192,0,2,10,195,80)."),
                reject("227 Entering Passive Mode (+192,0,2,10,195,80)."),
                reject("227 Entering Passive Mode (192,0,2,10,195,+80)."),
                reject("227 Entering Passive Mode (192, 0, 2, 10, 195, 80)."),
                reject("227 Entering Passive Mode (192.0.2.10.195.80)."),
                reject("227 Entering Passive Mode (192,0,2,1\u00000,195,80)."),
                reject("227 Entering Passive Mode (192,0,2,10,195,8\u00b9)."),
                // only the first digit is tried
                reject("227 Entering Passive Mode 2 (192,0,2,10,195,80)."),
                // very long
                row("227 " + "x".repeat(100_000) + " (192,0,2,10,195,80)", VSFTPD, VSFTPD),
                reject("227 " + "9".repeat(100_000)),
                reject("227 (" + "1,".repeat(50_000) + ")"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("replies227")
    void reply227(String line, Wire.Expect lenient, Wire.Expect strict) {
        check(FtpParsers::parse227, line, 4, false, lenient);
        check(FtpParsers::parse227, line, 4, true, strict);
    }
}
