package io.ftpalg.engine.ftp;

/**
 * Writers for the spans {@link FtpParsers} reports, so that a NAT rewrite puts back text of exactly the shape it
 * took out. Each writes ASCII into {@code b} at {@code off}, returns the number of bytes written, and allocates
 * nothing; size the destination with the {@code MAX_*} constants (the JVM's array bounds check is the only one).
 */
public final class FtpFormat {
    /** {@code "255,255,255,255,255,255"}: the PORT argument, and the 227 span. */
    public static final int MAX_PORT_ARGS_LENGTH = 23;
    /** {@code "255.255.255.255"}. */
    public static final int MAX_IPV4_LENGTH = 15;
    /** Eight groups of four hex digits and seven colons; the canonical form is never longer. */
    public static final int MAX_IPV6_LENGTH = 39;
    /** {@code "65535"}: a 229 span. */
    public static final int MAX_PORT_LENGTH = 5;
    /** {@code "<IPv6>|65535"}: the EPRT span. */
    public static final int MAX_EPRT_ARGS_LENGTH = MAX_IPV6_LENGTH + 1 + MAX_PORT_LENGTH;
    /** {@code "-2147483648"}: anything {@link #writeDecimal} writes. */
    public static final int MAX_DECIMAL_LENGTH = 11;

    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

    private FtpFormat() {}

    /**
     * Writes {@code "h1,h2,h3,h4,p1,p2"} (RFC 959 §4.1.2): {@code 192.0.2.10} port 50000 is {@code
     * "192,0,2,10,195,80"}. Uses the low 32 bits of {@code v4addr} and the low 16 bits of {@code port}.
     */
    public static int writePortArgs(byte[] b, int off, long v4addr, int port) {
        int p = off;
        for (int shift = 24; shift >= 0; shift -= 8) {
            p += writeDecimal(b, p, (int) ((v4addr >>> shift) & 0xFF));
            b[p++] = ',';
        }
        p += writeDecimal(b, p, (port >>> 8) & 0xFF);
        b[p++] = ',';
        p += writeDecimal(b, p, port & 0xFF);
        return p - off;
    }

    /** Writes the dotted quad of the low 32 bits of {@code addr}: {@code "192.0.2.10"}. */
    public static int writeIpv4(byte[] b, int off, long addr) {
        int p = off;
        for (int shift = 24; shift >= 0; shift -= 8) {
            p += writeDecimal(b, p, (int) ((addr >>> shift) & 0xFF));
            if (shift > 0) {
                b[p++] = '.';
            }
        }
        return p - off;
    }

    /**
     * Writes an IPv6 address in RFC 5952 §4 canonical text: lower-case hex, no leading zeros in a group, the
     * longest run of two or more zero groups replaced by "::" (the leftmost of equal runs), a single zero group
     * left as "0". {@code 2001:db8:0:0:1:0:0:1} is {@code "2001:db8::1:0:0:1"}. IPv4-mapped addresses
     * ({@code ::ffff:0:0/96}) are written in mixed notation, {@code "::ffff:192.0.2.1"}, as RFC 5952 §5 recommends
     * and as inet_ntop and the servers that compare EPRT text with the peer's address do.
     */
    public static int writeIpv6(byte[] b, int off, long hi, long lo) {
        int p = off;
        if (hi == 0 && (lo >>> 32) == 0xFFFF) {
            b[p++] = ':';
            b[p++] = ':';
            b[p++] = 'f';
            b[p++] = 'f';
            b[p++] = 'f';
            b[p++] = 'f';
            b[p++] = ':';
            p += writeIpv4(b, p, lo & 0xFFFF_FFFFL);
            return p - off;
        }
        int runStart = -1;
        int runLen = 0;
        for (int k = 0; k < 8; ) {
            if (word(hi, lo, k) != 0) {
                k++;
                continue;
            }
            int start = k;
            while (k < 8 && word(hi, lo, k) == 0) {
                k++;
            }
            if (k - start > runLen && k - start >= 2) {
                runStart = start;
                runLen = k - start;
            }
        }
        for (int k = 0; k < 8; ) {
            if (k == runStart) {
                b[p++] = ':';
                b[p++] = ':';
                k += runLen;
                continue;
            }
            if (k > 0 && k != runStart + runLen) {
                b[p++] = ':';
            }
            p = writeHexGroup(b, p, word(hi, lo, k));
            k++;
        }
        return p - off;
    }

    /** Writes {@code v} in decimal, {@code "50000"}; a negative value gets a leading '-'. */
    public static int writeDecimal(byte[] b, int off, int v) {
        int p = off;
        long m = v;
        if (m < 0) {
            b[p++] = '-';
            m = -m;
        }
        int digits = 1;
        for (long t = m; t >= 10; t /= 10) {
            digits++;
        }
        for (int i = p + digits - 1; i >= p; i--) {
            b[i] = (byte) ('0' + (m % 10));
            m /= 10;
        }
        return p + digits - off;
    }

    /**
     * Writes the EPRT span {@code "addr<d>port"} (RFC 2428 §2), exactly what {@link FtpParsers#parseEprt}
     * reports: {@code "192.0.2.10|50000"} for {@code ipVersion} 4 (address in the low 32 bits of {@code lo}),
     * {@code "2001:db8::a|50000"} for 6. Returns -1 and writes nothing for any other {@code ipVersion}.
     */
    public static int writeEprtArgs(byte[] b, int off, int ipVersion, long hi, long lo, int port, byte delimiter) {
        int p = off;
        if (ipVersion == 4) {
            p += writeIpv4(b, p, lo);
        } else if (ipVersion == 6) {
            p += writeIpv6(b, p, hi, lo);
        } else {
            return -1;
        }
        b[p++] = delimiter;
        p += writeDecimal(b, p, port);
        return p - off;
    }

    private static int word(long hi, long lo, int k) {
        long w = k < 4 ? hi >>> (48 - 16 * k) : lo >>> (48 - 16 * (k - 4));
        return (int) (w & 0xFFFF);
    }

    private static int writeHexGroup(byte[] b, int p, int g) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int nibble = (g >>> shift) & 0xF;
            if (nibble != 0 || started || shift == 0) {
                b[p++] = HEX[nibble];
                started = true;
            }
        }
        return p;
    }
}
