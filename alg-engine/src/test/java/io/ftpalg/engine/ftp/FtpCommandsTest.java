package io.ftpalg.engine.ftp;

import static io.ftpalg.engine.ftp.FtpCommands.CMD_AUTH;
import static io.ftpalg.engine.ftp.FtpCommands.CMD_CCC;
import static io.ftpalg.engine.ftp.FtpCommands.CMD_EPRT;
import static io.ftpalg.engine.ftp.FtpCommands.CMD_EPSV;
import static io.ftpalg.engine.ftp.FtpCommands.CMD_LPRT;
import static io.ftpalg.engine.ftp.FtpCommands.CMD_LPSV;
import static io.ftpalg.engine.ftp.FtpCommands.CMD_OTHER;
import static io.ftpalg.engine.ftp.FtpCommands.CMD_PASV;
import static io.ftpalg.engine.ftp.FtpCommands.CMD_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class FtpCommandsTest {

    /** The line is embedded between other bytes: the methods must honour {@code from} and {@code to}. */
    private static final String PREFIX = "NOOP\r\n";

    private static final String SUFFIX = " 1\r\n";

    private static byte[] embed(String line) {
        return Wire.bytes(PREFIX + line + SUFFIX);
    }

    private static int from() {
        return PREFIX.length();
    }

    private static int to(String line) {
        return PREFIX.length() + line.length();
    }

    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of("PORT 192,0,2,10,195,80", CMD_PORT),
                Arguments.of("port 192,0,2,10,195,80", CMD_PORT),
                Arguments.of("PoRt 192,0,2,10,195,80", CMD_PORT),
                Arguments.of("PORT", CMD_PORT),
                Arguments.of("PORT ", CMD_PORT),
                Arguments.of("EPRT |1|192.0.2.10|50000|", CMD_EPRT),
                Arguments.of("eprt |2|2001:db8::1|50000|", CMD_EPRT),
                Arguments.of("PASV", CMD_PASV),
                Arguments.of("pasv", CMD_PASV),
                Arguments.of("EPSV", CMD_EPSV),
                Arguments.of("EPSV ALL", CMD_EPSV),
                Arguments.of("epsv 2", CMD_EPSV),
                Arguments.of("AUTH TLS", CMD_AUTH),
                Arguments.of("auth ssl", CMD_AUTH),
                Arguments.of("CCC", CMD_CCC),
                Arguments.of("ccc", CMD_CCC),
                Arguments.of("LPRT 4,4,192,0,2,10,2,195,80", CMD_LPRT),
                Arguments.of("LPSV", CMD_LPSV),
                Arguments.of("RETR file", CMD_OTHER),
                Arguments.of("USER anonymous", CMD_OTHER),
                Arguments.of("PORTX 1,2,3,4,5,6", CMD_OTHER),
                Arguments.of("PORT\t1,2,3,4,5,6", CMD_OTHER),
                Arguments.of(" PORT 1,2,3,4,5,6", CMD_OTHER),
                Arguments.of("XPORT 1,2,3,4,5,6", CMD_OTHER),
                Arguments.of("P0RT 1,2,3,4,5,6", CMD_OTHER),
                Arguments.of("PORT\u0000", CMD_OTHER),
                Arguments.of("\u00d0ORT 1", CMD_OTHER),
                Arguments.of("\u00f0ORT 1", CMD_OTHER),
                Arguments.of("P\u00cfRT 1", CMD_OTHER),
                Arguments.of("CCCC", CMD_OTHER),
                Arguments.of("CC", CMD_OTHER),
                Arguments.of("C\u00c3C", CMD_OTHER),
                Arguments.of("", CMD_OTHER),
                Arguments.of("P", CMD_OTHER),
                Arguments.of("GET / HTTP/1.1", CMD_OTHER));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("commands")
    void classifyCommand(String line, int expected) {
        assertEquals(expected, FtpCommands.classifyCommand(embed(line), from(), to(line)));
    }

    @ParameterizedTest(name = "[{index}] ''{0}'' strict={1}")
    @CsvSource(
            delimiter = ';',
            quoteCharacter = '"',
            value = {
                "PORT 1,2,3,4,5,6;   true;  5",
                "PORT 1,2,3,4,5,6;   false; 5",
                "PORT  1,2,3,4,5,6;  true;  5",
                "PORT  1,2,3,4,5,6;  false; 6",
                "\"PORT \t 1\";      false; 7",
                "\"PORT \t 1\";      true;  5",
                "PASV;               true;  4",
                "\"PORT \";          true;  5",
                "\"PORT   \";        false; 7",
                "\"\";               true; -1",
                "\" PORT 1\";        true; -1",
            })
    void argumentStart(String line, boolean strict, int expected) {
        int got = FtpCommands.argumentStart(embed(line), from(), to(line), strict);
        assertEquals(expected < 0 ? -1 : from() + expected, got);
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @CsvSource(
            delimiter = ';',
            quoteCharacter = '"',
            value = {
                "227 Entering Passive Mode (192,0,2,10,195,80).; 227; true;  false",
                "229 Entering Extended Passive Mode (|||50000|); 229; true;  false",
                "230-Welcome;                                    230; false; true",
                "230 Login successful.;                          230; true;  false",
                "227;                                            227; true;  false",
                "100 x;                                          100; true;  false",
                "599 x;                                          599; true;  false",
                "099 x;                                          -1;  false; false",
                "600 x;                                          -1;  false; false",
                "2270 x;                                         -1;  false; false",
                "\" 227 x\";                                     -1;  false; false",
                "227x;                                           -1;  false; false",
                "\"227\t\";                                      -1;  false; false",
                "22;                                             -1;  false; false",
                "22a x;                                          -1;  false; false",
                "+27 x;                                          -1;  false; false",
                "abc;                                            -1;  false; false",
                "\"\";                                           -1;  false; false",
            })
    void replyCode(String line, int code, boolean isFinal, boolean multiLineStart) {
        byte[] b = embed(line);
        assertEquals(code, FtpCommands.replyCode(b, from(), to(line)));
        assertEquals(isFinal, FtpCommands.isFinalReply(b, from(), to(line)));
        assertEquals(multiLineStart, FtpCommands.isMultiLineStart(b, from(), to(line)));
    }

    @ParameterizedTest(name = "[{index}] AUTH ''{0}''")
    @CsvSource(
            delimiter = ';',
            quoteCharacter = '"',
            value = {
                "TLS;      true",
                "tls;      true",
                "Tls;      true",
                "SSL;      true",
                "ssl;      true",
                "TLS-C;    true",
                "tls-p;    true",
                "\"TLS \";  true",
                "\"TLS\t\"; true",
                "TLS-X;    false",
                "TLSX;     false",
                "TLS-;     false",
                "TLS-CC;   false",
                "TL;       false",
                "GSSAPI;   false",
                "KERBEROS_V4; false",
                "\"\";     false",
                "\" TLS\"; false",
                "T\u00ccS; false",
            })
    void authIsTls(String arg, boolean expected) {
        assertEquals(expected, FtpCommands.authIsTls(embed(arg), from(), to(arg)));
    }
}
