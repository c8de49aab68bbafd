package io.ftpalg.engine.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/** Test helpers: wire strings (one char = one byte, ISO-8859-1) embedded between other bytes, and expectations. */
final class Wire {
    /** Bytes before the line, so that spans are checked as absolute indexes. */
    static final String PREFIX = "220 ready\r\n";
    /** Bytes after the line end that would parse if a parser read past {@code to}. */
    static final String SUFFIX = "\r\n7,8,9)|7|(|||5|)";

    private Wire() {}

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** An expected endpoint: address text (null for a 229), port and the exact span text. */
    record Expect(String addr, int port, String span) {}

    static Expect ok(String addr, int port, String span) {
        return new Expect(addr, port, span);
    }

    static final Expect REJECT = null;

    @FunctionalInterface
    interface Parser {
        boolean parse(byte[] b, int from, int to, boolean strict, FtpEndpoint out);
    }

    /**
     * Embeds {@code line} between {@link #PREFIX} and {@link #SUFFIX}, parses from {@code argOffset} into the
     * line up to its end, and checks the result against {@code expect} (null: must be rejected, out cleared).
     */
    static void check(Parser parser, String line, int argOffset, boolean strict, Expect expect) {
        byte[] b = bytes(PREFIX + line + SUFFIX);
        int lineStart = PREFIX.length();
        int to = lineStart + line.length();
        FtpEndpoint out = new FtpEndpoint();
        out.port = 12345; // must be overwritten or cleared
        out.spanEnd = 99;
        boolean ok = parser.parse(b, lineStart + argOffset, to, strict, out);
        String what = (strict ? "strict" : "lenient") + " " + printable(line);
        if (expect == REJECT) {
            assertFalse(ok, what + " accepted as " + out);
            assertEquals(0, out.port, what);
            assertEquals(0, out.ipVersion, what);
            assertEquals(0, out.spanStart, what);
            assertEquals(0, out.spanEnd, what);
            return;
        }
        assertTrue(ok, what + " rejected");
        assertEquals(expect.port(), out.port, what);
        if (expect.addr() == null) {
            assertEquals(0, out.ipVersion, what);
            assertEquals(0, out.addrHi, what);
            assertEquals(0, out.addrLo, what);
        } else {
            byte[] a = inet(expect.addr());
            assertEquals(a.length == 4 ? 4 : 6, out.ipVersion, what);
            assertEquals(hi(a), out.addrHi, what);
            assertEquals(lo(a), out.addrLo, what);
        }
        int spanIndex = line.indexOf(expect.span());
        assertTrue(spanIndex >= 0, "bad test row: span not in line");
        assertEquals(lineStart + spanIndex, out.spanStart, what);
        assertEquals(lineStart + spanIndex + expect.span().length(), out.spanEnd, what);
    }

    /** Address bytes of a literal (no DNS: only literals are passed); IPv4-mapped IPv6 stays 16 bytes. */
    static byte[] inet(String literal) {
        try {
            byte[] a = InetAddress.getByName(literal).getAddress();
            if (a.length == 4 && literal.indexOf(':') >= 0) {
                byte[] m = new byte[16];
                m[10] = (byte) 0xFF;
                m[11] = (byte) 0xFF;
                System.arraycopy(a, 0, m, 12, 4);
                return m;
            }
            return a;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    static long hi(byte[] a) {
        return a.length == 4 ? 0 : word(a, 0);
    }

    static long lo(byte[] a) {
        return a.length == 4 ? word(a, 0) & 0xFFFF_FFFFL : word(a, 8);
    }

    private static long word(byte[] a, int off) {
        long v = 0;
        for (int i = off; i < Math.min(a.length, off + 8); i++) {
            v = (v << 8) | (a[i] & 0xFF);
        }
        return v;
    }

    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(s.length(), 80);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (s.length() > n) {
            sb.append("...(").append(s.length()).append(" bytes)");
        }
        return sb.toString();
    }
}
