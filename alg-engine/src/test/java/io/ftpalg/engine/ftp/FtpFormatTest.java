package io.ftpalg.engine.ftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class FtpFormatTest {

    private static String written(byte[] b, int off, int n) {
        return new String(b, off, n, StandardCharsets.US_ASCII);
    }

    private static FtpEndpoint parseV6(String text) {
        byte[] b = Wire.bytes(text);
        FtpEndpoint e = new FtpEndpoint();
        assertTrue(FtpParsers.parseIpv6(b, 0, b.length, e), text);
        return e;
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource({
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:0db8::0001, 2001:db8::1",
        "::, ::",
        "0:0:0:0:0:0:0:0, ::",
        "::1, ::1",
        "0:0:0:0:0:0:0:1, ::1",
        "1::, 1::",
        "2001:db8::, 2001:db8::",
        "2001:db8:1:2:3:4:5:6, 2001:db8:1:2:3:4:5:6",
        "2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:FFFF, 2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "2001:db8::1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        "1:0:0:2:0:0:3:4, 1::2:0:0:3:4",
        "1:0:0:0:2:0:0:0, 1::2:0:0:0",
        "0:0:1:0:0:0:0:0, 0:0:1::",
        "fe80:0000:0000:0000:0202:b3ff:fe1e:8329, fe80::202:b3ff:fe1e:8329",
        "0:1:0:1:0:1:0:1, 0:1:0:1:0:1:0:1",
        "::ffff:192.0.2.1, ::ffff:192.0.2.1",
        "::ffff:c000:201, ::ffff:192.0.2.1",
        "0:0:0:0:0:ffff:0:0, ::ffff:0.0.0.0",
        "::1.2.3.4, ::102:304",
        "64:ff9b::192.0.2.1, 64:ff9b::c000:201",
        "::fffe:c000:201, ::fffe:c000:201",
        "0:0:0:1:ffff:c000:201:0, ::1:ffff:c000:201:0",
    })
    void ipv6Canonical(String input, String canonical) {
        FtpEndpoint e = parseV6(input);
        byte[] b = new byte[3 + FtpFormat.MAX_IPV6_LENGTH + 3];
        int n = FtpFormat.writeIpv6(b, 3, e.addrHi, e.addrLo);
        assertEquals(canonical, written(b, 3, n));
        assertTrue(n <= FtpFormat.MAX_IPV6_LENGTH);
        assertArrayEquals(Wire.inet(input), Wire.inet(canonical));
        FtpEndpoint back = parseV6(canonical);
        assertEquals(e.addrHi, back.addrHi);
        assertEquals(e.addrLo, back.addrLo);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({
        "0, 0",
        "7, 7",
        "10, 10",
        "255, 255",
        "65535, 65535",
        "2147483647, 2147483647",
        "-1, -1",
        "-2147483648, -2147483648",
    })
    void decimal(int v, String text) {
        byte[] b = new byte[FtpFormat.MAX_DECIMAL_LENGTH + 2];
        int n = FtpFormat.writeDecimal(b, 1, v);
        assertEquals(text, written(b, 1, n));
        assertEquals(0, b[0]);
        assertEquals(0, b[n + 1]);
    }

    @ParameterizedTest(name = "[{index}] {0}:{1}")
    @CsvSource({
        "192.0.2.10, 50000, '192,0,2,10,195,80', 192.0.2.10",
        "0.0.0.0, 1, '0,0,0,0,0,1', 0.0.0.0",
        "255.255.255.255, 65535, '255,255,255,255,255,255', 255.255.255.255",
        "10.1.2.3, 256, '10,1,2,3,1,0', 10.1.2.3",
    })
    void portArgsAndIpv4(String addr, int port, String portArgs, String dotted) {
        long v4 = Wire.lo(Wire.inet(addr));
        byte[] b = new byte[FtpFormat.MAX_PORT_ARGS_LENGTH];
        int n = FtpFormat.writePortArgs(b, 0, v4, port);
        assertEquals(portArgs, written(b, 0, n));
        b = new byte[FtpFormat.MAX_IPV4_LENGTH];
        n = FtpFormat.writeIpv4(b, 0, v4);
        assertEquals(dotted, written(b, 0, n));
    }

    @Test
    void eprtArgsRejectsUnknownVersion() {
        byte[] b = new byte[FtpFormat.MAX_EPRT_ARGS_LENGTH];
        assertEquals(-1, FtpFormat.writeEprtArgs(b, 0, 0, 0, 0, 21, (byte) '|'));
        assertEquals(-1, FtpFormat.writeEprtArgs(b, 0, 5, 0, 0, 21, (byte) '|'));
        assertArrayEquals(new byte[FtpFormat.MAX_EPRT_ARGS_LENGTH], b);
    }

    static Stream<Arguments> endpoints() {
        return Stream.of(
                Arguments.of("192.0.2.10", 50000, '|', "192.0.2.10|50000"),
                Arguments.of("0.0.0.0", 1, '!', "0.0.0.0!1"),
                Arguments.of("255.255.255.255", 65535, '|', "255.255.255.255|65535"),
                Arguments.of("2001:db8::a", 50000, '|', "2001:db8::a|50000"),
                Arguments.of("2001:0db8:0:0:1:0:0:1", 21, '#', "2001:db8::1:0:0:1#21"),
                Arguments.of("::", 1, '|', "::|1"),
                Arguments.of("::ffff:192.0.2.10", 6446, '|', "::ffff:192.0.2.10|6446"),
                Arguments.of(
                        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                        65535,
                        '|',
                        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff|65535"));
    }

    /** Write the EPRT span, wrap it in delimiters, parse it back: the same endpoint, and the span is the text. */
    @ParameterizedTest(name = "[{index}] {3}")
    @MethodSource("endpoints")
    void eprtRoundTrip(String addr, int port, char delimiter, String span) {
        byte[] a = Wire.inet(addr);
        int version = a.length == 4 ? 4 : 6;
        byte[] b = new byte[FtpFormat.MAX_EPRT_ARGS_LENGTH + 4];
        b[0] = (byte) delimiter;
        b[1] = (byte) (version == 4 ? '1' : '2');
        b[2] = (byte) delimiter;
        int n = FtpFormat.writeEprtArgs(b, 3, version, Wire.hi(a), Wire.lo(a), port, (byte) delimiter);
        assertEquals(span, written(b, 3, n));
        assertTrue(n <= FtpFormat.MAX_EPRT_ARGS_LENGTH);
        b[3 + n] = (byte) delimiter;
        FtpEndpoint e = new FtpEndpoint();
        assertTrue(FtpParsers.parseEprt(b, 0, 3 + n + 1, true, e));
        assertEquals(version, e.ipVersion);
        assertEquals(Wire.hi(a), e.addrHi);
        assertEquals(Wire.lo(a), e.addrLo);
        assertEquals(port, e.port);
        assertEquals(3, e.spanStart);
        assertEquals(3 + n, e.spanEnd);
        assertEquals((byte) delimiter, e.delimiter);
    }

    /** Random addresses with zero runs of every length: canonical text parses back and is what Java reads. */
    @Test
    void randomIpv6RoundTrip() throws Exception {
        Random random = new Random(5952);
        byte[] b = new byte[FtpFormat.MAX_EPRT_ARGS_LENGTH + 4];
        FtpEndpoint e = new FtpEndpoint();
        for (int i = 0; i < 20_000; i++) {
            long hi = 0;
            long lo = 0;
            for (int k = 0; k < 8; k++) {
                int word = random.nextInt(3) == 0
                        ? 0
                        : random.nextInt(4) == 0 ? random.nextInt(16) : random.nextInt(65536);
                if (k < 4) {
                    hi = (hi << 16) | word;
                } else {
                    lo = (lo << 16) | word;
                }
            }
            int port = 1 + random.nextInt(65535);
            b[0] = '|';
            b[1] = '2';
            b[2] = '|';
            int n = FtpFormat.writeEprtArgs(b, 3, 6, hi, lo, port, (byte) '|');
            b[3 + n] = '|';
            String text = written(b, 3, n);
            assertTrue(FtpParsers.parseEprt(b, 0, 4 + n, true, e), text);
            assertEquals(hi, e.addrHi, text);
            assertEquals(lo, e.addrLo, text);
            assertEquals(port, e.port, text);
            assertEquals(3 + n, e.spanEnd, text);
            String addrText = text.substring(0, text.indexOf('|'));
            byte[] a = Wire.inet(addrText);
            assertEquals(hi, Wire.hi(a), text);
            assertEquals(lo, Wire.lo(a), text);
            if (hi != 0 || (lo >>> 32) != 0xFFFF) {
                assertEquals(referenceCanonical(hi, lo), addrText);
            }
        }
    }

    private static final Pattern ZERO_RUN = Pattern.compile("(^|:)0(:0)+(:|$)");

    /** RFC 5952 the textbook way: write every group, then replace the longest (leftmost) ":0:0..." run. */
    private static String referenceCanonical(long hi, long lo) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 8; k++) {
            long w = (k < 4 ? hi >>> (48 - 16 * k) : lo >>> (48 - 16 * (k - 4))) & 0xFFFF;
            sb.append(k == 0 ? "" : ":").append(Long.toHexString(w));
        }
        String full = sb.toString();
        Matcher m = ZERO_RUN.matcher(full);
        int bestStart = -1;
        int bestEnd = -1;
        int bestZeros = 0;
        while (m.find()) {
            int zeros = (int) m.group().chars().filter(c -> c == '0').count();
            if (zeros > bestZeros) {
                bestStart = m.start();
                bestEnd = m.end();
                bestZeros = zeros;
            }
        }
        return bestStart < 0 ? full : full.substring(0, bestStart) + "::" + full.substring(bestEnd);
    }

    @Test
    void randomPortRoundTrip() {
        Random random = new Random(959);
        byte[] b = new byte[FtpFormat.MAX_PORT_ARGS_LENGTH];
        FtpEndpoint e = new FtpEndpoint();
        for (int i = 0; i < 20_000; i++) {
            long v4 = random.nextInt() & 0xFFFF_FFFFL;
            int port = 1 + random.nextInt(65535);
            int n = FtpFormat.writePortArgs(b, 0, v4, port);
            assertTrue(FtpParsers.parsePort(b, 0, n, true, e));
            assertEquals(v4, e.addrLo);
            assertEquals(port, e.port);
            assertEquals(n, e.spanEnd);
        }
    }

    /** The packet path allocates nothing: parse and format many times and count this thread's allocations. */
    @Test
    void parsersAndWritersDoNotAllocate() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean)) {
            return;
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        byte[] port = Wire.bytes("PORT 192,0,2,10,195,80");
        byte[] r227 = Wire.bytes("227 Entering Passive Mode (192,0,2,10,195,80).");
        byte[] eprt = Wire.bytes("EPRT |2|2001:db8::ffff:1.2.3.4|50000|");
        byte[] r229 = Wire.bytes("229 Entering Extended Passive Mode (|||50000|)");
        byte[] scratch = new byte[64];
        FtpEndpoint e = new FtpEndpoint();
        long sum = 0;
        for (int round = 0; round < 2; round++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++) {
                sum += FtpCommands.classifyCommand(port, 0, port.length);
                sum += FtpCommands.replyCode(r227, 0, r227.length);
                sum += FtpParsers.parsePort(port, 5, port.length, true, e) ? e.port : 0;
                sum += FtpParsers.parse227(r227, 4, r227.length, false, e) ? e.port : 0;
                sum += FtpParsers.parseEprt(eprt, 5, eprt.length, true, e) ? e.port : 0;
                sum += FtpParsers.parse229(r229, 4, r229.length, true, e) ? e.port : 0;
                sum += FtpFormat.writeEprtArgs(scratch, 0, 6, e.addrHi, i, e.port, (byte) '|');
                sum += FtpFormat.writePortArgs(scratch, 0, i, i);
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                // Whole-loop slack for the measurement itself; one allocation per call would be megabytes.
                assertTrue(allocated < 4096, allocated + " bytes allocated by 100k rounds");
            }
        }
        assertTrue(sum > 0);
    }
}
