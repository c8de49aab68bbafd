package io.ftpalg.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ftpalg.engine.ftp.FtpCommands;
import io.ftpalg.engine.ftp.FtpEndpoint;
import io.ftpalg.engine.ftp.FtpFormat;
import io.ftpalg.engine.ftp.FtpParsers;
import java.util.Arrays;

/**
 * The wire parsers on arbitrary bytes. For every parser, strict and lenient, on an arbitrary range {@code [from,
 * to)} of an arbitrary array (bytes outside the range are arbitrary too, so reading past {@code to} shows):
 *
 * <ul>
 *   <li>nothing throws;
 *   <li>on {@code true}: the span lies inside {@code [from, to)}, the port is 1..65535, an IPv4 address fits 32
 *       bits, the delimiter and address family are what the syntax allows;
 *   <li>round trip: the span re-parses on its own to the same endpoint;
 *   <li>rewrite: replacing the span by the text {@link FtpFormat} writes for the same endpoint, and for another
 *       endpoint the fuzzer picks (what the ALG does with a NAT address), gives a line that parses to exactly
 *       that endpoint, with the span where it was written; a peer then reads what the ALG meant;
 *   <li>on {@code false}: the endpoint is cleared.
 * </ul>
 */
class ParserFuzzTest {
    private static final int PORT = 0;
    private static final int P227 = 1;
    private static final int EPRT = 2;
    private static final int P229 = 3;

    private final FtpEndpoint ep = new FtpEndpoint();
    private final FtpEndpoint again = new FtpEndpoint();

    @FuzzTest(maxDuration = "10s")
    void parsers(FuzzedDataProvider data) {
        int which = data.consumeInt(0, 4);
        boolean strict = data.consumeBoolean();
        int lead = data.consumeInt(0, 4);
        int trail = data.consumeInt(0, 4);
        // A second endpoint, for the rewrite check.
        long otherV4 = data.consumeInt() & 0xFFFF_FFFFL;
        long otherHi = data.consumeLong();
        long otherLo = data.consumeLong();
        int otherPort = data.consumeInt(1, 65535);
        byte[] b = data.consumeRemainingAsBytes();
        int from = Math.min(lead, b.length);
        int to = Math.max(from, b.length - trail);

        if (which == 4) {
            commands(b, from, to, strict);
            return;
        }
        byte[] before = b.clone();
        boolean ok = parse(which, b, from, to, strict, ep);
        assertTrue(Arrays.equals(before, b), "a parser wrote into its input");
        if (!ok) {
            assertEquals(new FtpEndpoint().toString(), ep.toString(), "failed parse leaves the endpoint cleared");
            return;
        }
        checkEndpoint(which, ep, from, to);
        FtpEndpoint parsed = copy(ep);

        // The span alone, framed minimally, is the same endpoint.
        byte[] framed = frame(which, parsed, Arrays.copyOfRange(b, parsed.spanStart, parsed.spanEnd));
        if (!parse(which, framed, 0, framed.length, true, again)) {
            fail("span of " + parsed + " does not re-parse on its own: " + text(framed));
        }
        assertSameEndpoint(parsed, again);

        // Rewrite with the same endpoint, then with another one of the same family.
        rewriteAndCheck(which, b, from, to, strict, parsed, parsed);
        FtpEndpoint other = copy(parsed);
        other.port = otherPort;
        if (parsed.ipVersion == 4) {
            other.addrLo = otherV4;
        } else if (parsed.ipVersion == 6) {
            other.addrHi = otherHi;
            other.addrLo = otherLo;
        }
        rewriteAndCheck(which, b, from, to, strict, parsed, other);
    }

    private static void commands(byte[] b, int from, int to, boolean strict) {
        int cmd = FtpCommands.classifyCommand(b, from, to);
        assertTrue(cmd >= FtpCommands.CMD_OTHER && cmd <= FtpCommands.CMD_LPSV, "command " + cmd);
        if (cmd != FtpCommands.CMD_OTHER) {
            int n = to - from;
            assertTrue(n == 3 || n == 4 || b[from + 3] == ' ' || b[from + 4] == ' ', "verb ends at SP or line end");
        }
        int code = FtpCommands.replyCode(b, from, to);
        assertTrue(code == -1 || (code >= 100 && code <= 599), "reply code " + code);
        if (code >= 0) {
            assertEquals(new String(b, from, 3, java.nio.charset.StandardCharsets.ISO_8859_1), Integer.toString(code));
        }
        boolean fin = FtpCommands.isFinalReply(b, from, to);
        boolean multi = FtpCommands.isMultiLineStart(b, from, to);
        assertTrue(!(fin && multi), "a line is not both a final reply and a multi-line start");
        assertTrue((!fin && !multi) || code >= 0, "final/multi-line only for reply lines");
        int arg = FtpCommands.argumentStart(b, from, to, strict);
        assertTrue(
                arg == -1 || (arg > from && arg <= to), "argument start " + arg + " outside (" + from + "," + to + "]");
        FtpCommands.authIsTls(b, from, to);
    }

    private static boolean parse(int which, byte[] b, int from, int to, boolean strict, FtpEndpoint out) {
        switch (which) {
            case PORT:
                return FtpParsers.parsePort(b, from, to, strict, out);
            case P227:
                return FtpParsers.parse227(b, from, to, strict, out);
            case EPRT:
                return FtpParsers.parseEprt(b, from, to, strict, out);
            default:
                return FtpParsers.parse229(b, from, to, strict, out);
        }
    }

    private static void checkEndpoint(int which, FtpEndpoint e, int from, int to) {
        String where = e + " in [" + from + "," + to + ")";
        assertTrue(
                from <= e.spanStart && e.spanStart < e.spanEnd && e.spanEnd <= to, "span outside the line: " + where);
        assertTrue(e.port >= 1 && e.port <= 65535, "port: " + where);
        switch (which) {
            case PORT, P227 -> {
                assertEquals(4, e.ipVersion, where);
                assertEquals(0, e.addrHi, where);
                assertTrue(e.addrLo >= 0 && e.addrLo <= 0xFFFF_FFFFL, "IPv4 address: " + where);
                assertEquals(0, e.delimiter, where);
            }
            case EPRT -> {
                assertTrue(e.ipVersion == 4 || e.ipVersion == 6, where);
                if (e.ipVersion == 4) {
                    assertEquals(0, e.addrHi, where);
                    assertTrue(e.addrLo >= 0 && e.addrLo <= 0xFFFF_FFFFL, "IPv4 address: " + where);
                }
                assertTrue(e.delimiter >= 33 && e.delimiter <= 126, "delimiter: " + where);
            }
            default -> {
                assertEquals(0, e.ipVersion, where);
                assertTrue(e.delimiter >= 33 && e.delimiter <= 126, "delimiter: " + where);
            }
        }
    }

    /** The span written by {@link FtpFormat} for {@code e}. */
    private static byte[] format(int which, FtpEndpoint e, byte delimiter) {
        byte[] t = new byte[FtpFormat.MAX_EPRT_ARGS_LENGTH];
        int n;
        switch (which) {
            case PORT, P227 -> n = FtpFormat.writePortArgs(t, 0, e.addrLo, e.port);
            case EPRT -> n = FtpFormat.writeEprtArgs(t, 0, e.ipVersion, e.addrHi, e.addrLo, e.port, delimiter);
            default -> n = FtpFormat.writeDecimal(t, 0, e.port);
        }
        assertTrue(n > 0, "formatter wrote nothing for " + e);
        return Arrays.copyOf(t, n);
    }

    /** The span in the smallest strict line around it. */
    private static byte[] frame(int which, FtpEndpoint e, byte[] span) {
        byte d = e.delimiter;
        byte[] head;
        byte[] tail;
        switch (which) {
            case PORT -> {
                head = new byte[0];
                tail = new byte[0];
            }
            case P227 -> {
                head = new byte[] {'('};
                tail = new byte[] {')'};
            }
            case EPRT -> {
                head = new byte[] {d, (byte) (e.ipVersion == 4 ? '1' : '2'), d};
                tail = new byte[] {d};
            }
            default -> {
                head = new byte[] {'(', d, d, d};
                tail = new byte[] {d, ')'};
            }
        }
        byte[] out = new byte[head.length + span.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(span, 0, out, head.length, span.length);
        System.arraycopy(tail, 0, out, head.length + span.length, tail.length);
        return out;
    }

    private void rewriteAndCheck(
            int which, byte[] b, int from, int to, boolean strict, FtpEndpoint parsed, FtpEndpoint target) {
        byte[] span = format(which, target, parsed.delimiter);
        byte[] line = new byte[b.length - (parsed.spanEnd - parsed.spanStart) + span.length];
        System.arraycopy(b, 0, line, 0, parsed.spanStart);
        System.arraycopy(span, 0, line, parsed.spanStart, span.length);
        System.arraycopy(b, parsed.spanEnd, line, parsed.spanStart + span.length, b.length - parsed.spanEnd);
        int newTo = to + span.length - (parsed.spanEnd - parsed.spanStart);
        if (!parse(which, line, from, newTo, strict, again)) {
            fail("line rewritten to " + target + " does not parse: " + text(Arrays.copyOfRange(line, from, newTo)));
        }
        assertSameEndpoint(target, again);
        assertEquals(parsed.spanStart, again.spanStart, "rewritten span start");
        assertEquals(parsed.spanStart + span.length, again.spanEnd, "rewritten span end");
    }

    private static void assertSameEndpoint(FtpEndpoint want, FtpEndpoint got) {
        String msg = "want " + want + ", got " + got;
        assertEquals(want.ipVersion, got.ipVersion, msg);
        assertEquals(want.addrHi, got.addrHi, msg);
        assertEquals(want.addrLo, got.addrLo, msg);
        assertEquals(want.port, got.port, msg);
        assertEquals(want.delimiter, got.delimiter, msg);
    }

    private static FtpEndpoint copy(FtpEndpoint e) {
        FtpEndpoint c = new FtpEndpoint();
        c.ipVersion = e.ipVersion;
        c.addrHi = e.addrHi;
        c.addrLo = e.addrLo;
        c.port = e.port;
        c.spanStart = e.spanStart;
        c.spanEnd = e.spanEnd;
        c.delimiter = e.delimiter;
        return c;
    }

    private static String text(byte[] b) {
        StringBuilder sb = new StringBuilder("\"");
        for (byte x : b) {
            int c = x & 0xFF;
            sb.append(c >= 32 && c < 127 ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return sb.append('"').toString();
    }
}
