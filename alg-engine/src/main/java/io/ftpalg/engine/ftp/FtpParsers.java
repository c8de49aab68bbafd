package io.ftpalg.engine.ftp;

/**
 * Parsers for the four FTP texts that name a data connection: {@code PORT} and {@code EPRT} from the client,
 * {@code 227} and {@code 229} from the server.
 *
 * <p>Each reads one line, {@code b[from, to)} with the line end stripped, allocates nothing and never throws on
 * bad input: it returns {@code true} and fills {@link FtpEndpoint}, or returns {@code false} and clears it. Bad
 * input is rejected, never repaired: numbers out of range, too many digits (no wrap-around), wrong counts of
 * fields, signs, whitespace inside the numbers, NUL and non-ASCII bytes. Port 0 is always rejected: no
 * connection can be made to it. The span each parser reports is what {@link FtpFormat} rewrites.
 *
 * <p>{@code strict} picks between what the RFCs write and what servers send. Lenient follows Linux
 * nf_conntrack_ftp where it is safe; every lenient choice names its reason below.
 */
public final class FtpParsers {
    private FtpParsers() {}

    // ------------------------------------------------------------------------------------------------------------
    // PORT and 227: h1,h2,h3,h4,p1,p2

    /**
     * The argument of PORT, {@code "192,0,2,10,195,80"} = 192.0.2.10 port 195*256+80 (RFC 959 §4.1.2). Six
     * decimal numbers of 1..3 digits, each at most 255, separated by single commas. Lenient: SP/HT before and
     * after allowed (clients and {@link FtpCommands#argumentStart} differ on spacing). Strict: nothing else.
     */
    public static boolean parsePort(byte[] b, int from, int to, boolean strict, FtpEndpoint out) {
        int i = from;
        if (!strict) {
            i = skipBlanks(b, i, to);
            to = trimBlanks(b, i, to);
        }
        long six = parseSix(b, i, to);
        if (six < 0 || i + sixLength(six) != to) {
            return fail(out);
        }
        return setSix(out, six, i);
    }

    /**
     * The text of a 227 reply after the code and its separator: {@code "Entering Passive Mode
     * (192,0,2,10,195,80)."} (RFC 959 §4.1.2, §4.2). The six numbers start at the first digit of the text (RFC
     * 1123 §4.1.2.6 tells clients to scan for it, since the parentheses are optional); only that digit is tried,
     * so a digit earlier in the text ({@code "227 Mode 2 (1,2,3,4,5,6)"}) fails the line rather than having later
     * digits guessed at. What surrounds the numbers has one of exactly two shapes, and anything else is refused
     * (see the table in SECURITY.md "Lenient syntax"):
     *
     * <pre>
     *   text "(" h1,h2,h3,h4,p1,p2 ")" ["."]      vsftpd, proftpd, pyftpdlib, IIS: "...(192,0,2,10,195,80)."
     *                                             pure-ftpd, FileZilla Server, Serv-U, wu-ftpd: "...(…)"
     *   text h1,h2,h3,h4,p1,p2 ["."]              RFC 1123 §4.1.2.6 (no parentheses): "227 =192,0,2,10,195,80"
     * </pre>
     *
     * The text before the numbers holds no digit and no control byte (NUL .. US, DEL). Lenient also accepts bytes
     * above 0x7E in that text (servers translated into other languages write their own charset there) and SP/HT
     * after the end. Strict: printable ASCII only, nothing after the end. Both reject a 7th number
     * ({@code "(1,2,3,4,5,6,7)"}: which six the server meant is unknowable), unbalanced parentheses and any
     * text after them ({@code "(…)junk"}).
     */
    public static boolean parse227(byte[] b, int from, int to, boolean strict, FtpEndpoint out) {
        if (!strict) {
            to = trimBlanks(b, from, to);
        }
        int i = from;
        while (i < to && !isDigit(b[i])) {
            if (!textByte(b[i], strict)) {
                return fail(out);
            }
            i++;
        }
        if (i == to) {
            return fail(out);
        }
        if (i > from && (b[i - 1] == '-' || b[i - 1] == '+')) {
            return fail(out); // "(-1,2,3,4,5,6)": a signed first number, not an address to take apart
        }
        long six = parseSix(b, i, to);
        if (six < 0) {
            return fail(out);
        }
        int end = i + sixLength(six);
        boolean parenthesised = i > from && b[i - 1] == '(';
        if (parenthesised) {
            if (end == to || b[end] != ')') {
                return fail(out);
            }
            end++;
        }
        if (end < to && b[end] == '.') {
            end++;
        }
        if (end != to) {
            return fail(out); // "(1,2,3,4,5,6,7)", "...,80x", "(…)junk", "(…", "[…]"
        }
        return setSix(out, six, i);
    }

    /**
     * A byte of reply text before the numbers of a 227/229: printable ASCII, or (lenient) a byte above 0x7E of a
     * translated message; never a control byte.
     */
    private static boolean textByte(byte c, boolean strict) {
        int v = c & 0xFF;
        return v >= 0x20 && v != 0x7F && (v < 0x7F || !strict);
    }

    private static boolean setSix(FtpEndpoint out, long six, int start) {
        int port = (int) (six & 0xFFFF);
        if (port == 0) {
            return fail(out);
        }
        out.ipVersion = 4;
        out.addrHi = 0;
        out.addrLo = (six >>> 16) & 0xFFFF_FFFFL;
        out.port = port;
        out.spanStart = start;
        out.spanEnd = start + sixLength(six);
        out.delimiter = 0;
        return true;
    }

    private static int sixLength(long six) {
        return (int) (six >>> 48);
    }

    /**
     * Parses {@code h1,h2,h3,h4,p1,p2} starting exactly at {@code i}, stopping after the last digit of p2. Returns
     * {@code length << 48 | address << 16 | port} (length at most 23, so the result is never negative), or -1.
     */
    private static long parseSix(byte[] b, int i, int to) {
        int start = i;
        long acc = 0;
        for (int field = 0; field < 6; field++) {
            if (field > 0) {
                if (i >= to || b[i] != ',') {
                    return -1;
                }
                i++;
            }
            int v = 0;
            int digits = 0;
            while (i < to && isDigit(b[i])) {
                if (++digits > 3) {
                    return -1;
                }
                v = v * 10 + (b[i] - '0');
                i++;
            }
            if (digits == 0 || v > 255) {
                return -1;
            }
            acc = (acc << 8) | v;
        }
        return ((long) (i - start) << 48) | acc;
    }

    // ------------------------------------------------------------------------------------------------------------
    // EPRT and 229

    /**
     * The argument of EPRT, {@code "|1|192.0.2.10|50000|"} or {@code "|2|2001:db8::a|50000|"} (RFC 2428 §2):
     * {@code <d><af><d><addr><d><port><d>}. The delimiter is any ASCII 33..126 that cannot occur in the fields (see {@link #delimiter}) and all four must be the same; af
     * is 1 (dotted quad: four decimal octets, no leading zeros as in inet_pton, so no octal ambiguity) or 2 (IPv6
     * text, RFC 4291 §2.2, no zone id), and must match the address. The address ends at the first delimiter after
     * it, so a delimiter that can occur in the address (":" for af 2) fails instead of being guessed around. Port
     * 1..65535, at most 5 digits. Lenient: SP/HT before and after allowed. Span: "addr&lt;d&gt;port".
     */
    public static boolean parseEprt(byte[] b, int from, int to, boolean strict, FtpEndpoint out) {
        int i = from;
        if (!strict) {
            i = skipBlanks(b, i, to);
            to = trimBlanks(b, i, to);
        }
        // Shortest possible: |2|::|1| = 8 bytes.
        if (to - i < 8) {
            return fail(out);
        }
        byte d = b[i];
        if (!delimiter(d, true) || b[i + 2] != d || b[to - 1] != d) {
            return fail(out);
        }
        byte af = b[i + 1];
        int addrStart = i + 3;
        int addrEnd = indexOf(b, addrStart, to - 1, d);
        if (addrEnd < 0) {
            return fail(out);
        }
        int portStart = addrEnd + 1;
        int portEnd = to - 1;
        int port = parsePortNumber(b, portStart, portEnd);
        if (port < 0) {
            return fail(out);
        }
        if (af == '1') {
            long v4 = parseIpv4(b, addrStart, addrEnd);
            if (v4 < 0) {
                return fail(out);
            }
            out.ipVersion = 4;
            out.addrHi = 0;
            out.addrLo = v4;
        } else if (af == '2') {
            if (!parseIpv6(b, addrStart, addrEnd, out)) {
                return fail(out);
            }
            out.ipVersion = 6;
        } else {
            return fail(out);
        }
        out.port = port;
        out.spanStart = addrStart;
        out.spanEnd = portEnd;
        out.delimiter = d;
        return true;
    }

    /**
     * The text of a 229 reply after the code and its separator: {@code "Entering Extended Passive Mode
     * (|||50000|)"} (RFC 2428 §3). One shape, whatever the server (see the table in SECURITY.md "Lenient
     * syntax"):
     *
     * <pre>
     *   text "(" d d d port d ")" ["."]    vsftpd, proftpd, pure-ftpd, IIS, FileZilla Server, Serv-U: "(|||50000|)"
     *                                      pyftpdlib: "(|||50000|)."
     * </pre>
     *
     * The first '(' of the text opens it; {@code d} is one delimiter, ASCII 33..126 but no digit, the same four
     * times; the port is 1..65535 in at most 5 digits. Nothing may stand between the last delimiter and ')'
     * ({@code "(|||50000|x)"} is not a 229), nor after ")" or ")." but (lenient) SP/HT. The text before '(' holds no
     * control byte; lenient also accepts bytes above 0x7E there (translated messages), strict only printable
     * ASCII. {@code ipVersion} is 0 (the address is the control connection's); the span is the port digits.
     */
    public static boolean parse229(byte[] b, int from, int to, boolean strict, FtpEndpoint out) {
        if (!strict) {
            to = trimBlanks(b, from, to);
        }
        int p = indexOf(b, from, to, (byte) '(');
        // Shortest: (|||1|) is 7 bytes.
        if (p < 0 || to - p < 7) {
            return fail(out);
        }
        for (int i = from; i < p; i++) {
            if (!textByte(b[i], strict)) {
                return fail(out);
            }
        }
        byte d = b[p + 1];
        if (!delimiter(d, false) || b[p + 2] != d || b[p + 3] != d) {
            return fail(out);
        }
        int portStart = p + 4;
        int portEnd = indexOf(b, portStart, to, d);
        if (portEnd < 0) {
            return fail(out);
        }
        int port = parsePortNumber(b, portStart, portEnd);
        if (port < 0) {
            return fail(out);
        }
        int end = portEnd + 1;
        if (end == to || b[end] != ')') {
            return fail(out);
        }
        end++;
        if (end < to && b[end] == '.') {
            end++;
        }
        if (end != to) {
            return fail(out);
        }
        out.ipVersion = 0;
        out.addrHi = 0;
        out.addrLo = 0;
        out.port = port;
        out.spanStart = portStart;
        out.spanEnd = portEnd;
        out.delimiter = d;
        return true;
    }

    /**
     * RFC 2428 allows any ASCII 33..126 as delimiter, but one that can occur inside the fields makes the line
     * ambiguous, and would break it once a NAT rewrite puts other digits or hex letters there (EPRT
     * {@code f2f2001:db8::af5000f} rewritten to {@code 2001:db8:ff::1}). Refused: digits (both), and for EPRT
     * also '.', ':' and hex letters. Linux refuses digit delimiters too.
     */
    private static boolean delimiter(byte d, boolean eprt) {
        if (d < 33 || d > 126 || (d >= '0' && d <= '9')) {
            return false;
        }
        return !eprt || !(d == '.' || d == ':' || (d >= 'a' && d <= 'f') || (d >= 'A' && d <= 'F'));
    }

    /** Exactly {@code b[from, to)} as a decimal port 1..65535 of 1..5 digits ({@code "50000"}); else -1. */
    private static int parsePortNumber(byte[] b, int from, int to) {
        int n = to - from;
        if (n < 1 || n > 5) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            if (!isDigit(b[i])) {
                return -1;
            }
            v = v * 10 + (b[i] - '0');
        }
        return v >= 1 && v <= 65535 ? v : -1;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Addresses

    /**
     * Exactly {@code b[from, to)} as a dotted quad, {@code "192.0.2.10"} (RFC 2428 §2, RFC 1123 §2.1): four
     * decimal octets of 1..3 digits, at most 255, without leading zeros ({@code "010"} would be octal to
     * inet_aton). Returns the 32-bit address, or -1.
     */
    static long parseIpv4(byte[] b, int from, int to) {
        int i = from;
        long acc = 0;
        for (int octet = 0; octet < 4; octet++) {
            if (octet > 0) {
                if (i >= to || b[i] != '.') {
                    return -1;
                }
                i++;
            }
            int start = i;
            int v = 0;
            while (i < to && isDigit(b[i])) {
                if (i - start == 3) {
                    return -1;
                }
                v = v * 10 + (b[i] - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || v > 255 || (digits > 1 && b[start] == '0')) {
                return -1;
            }
            acc = (acc << 8) | v;
        }
        return i == to ? acc : -1;
    }

    /**
     * Exactly {@code b[from, to)} as IPv6 text (RFC 4291 §2.2): eight groups of 1..4 hex digits (either case),
     * at most one "::" standing for one or more zero groups, optionally a dotted-quad tail in the last 32 bits
     * ({@code "::ffff:192.0.2.1"}). No zone id, no brackets, no prefix length. On success sets {@code
     * out.addrHi/addrLo} and returns true; on failure returns false and may have written those two fields.
     */
    static boolean parseIpv6(byte[] b, int from, int to, FtpEndpoint out) {
        if (to - from < 2) {
            return false;
        }
        // Groups before "::" accumulate in (headHi, headLo), groups after it in (tailHi, tailLo); 128-bit shifts.
        long headHi = 0;
        long headLo = 0;
        long tailHi = 0;
        long tailLo = 0;
        int headN = 0;
        int tailN = 0;
        boolean compressed = false;
        int i = from;
        if (b[i] == ':') {
            if (b[i + 1] != ':') {
                return false;
            }
            compressed = true;
            i += 2;
        }
        while (i < to) {
            int start = i;
            int g = 0;
            while (i < to) {
                int h = hexValue(b[i]);
                if (h < 0) {
                    break;
                }
                if (i - start == 4) {
                    return false;
                }
                g = (g << 4) | h;
                i++;
            }
            if (i == start) {
                return false; // ":::", a stray ':', or a byte that is neither hex nor ':'
            }
            int groups = 1;
            long v4 = -1;
            if (i < to && b[i] == '.') {
                // Dotted-quad tail: must run to the end of the address and fill the last two groups.
                v4 = parseIpv4(b, start, to);
                if (v4 < 0) {
                    return false;
                }
                groups = 2;
                i = to;
            }
            if (headN + tailN + groups > (compressed ? 7 : 8)) {
                return false;
            }
            for (int k = 0; k < groups; k++) {
                int word = v4 < 0 ? g : (int) (k == 0 ? v4 >>> 16 : v4 & 0xFFFF);
                if (compressed) {
                    tailHi = (tailHi << 16) | (tailLo >>> 48);
                    tailLo = (tailLo << 16) | word;
                    tailN++;
                } else {
                    headHi = (headHi << 16) | (headLo >>> 48);
                    headLo = (headLo << 16) | word;
                    headN++;
                }
            }
            if (i == to) {
                break;
            }
            if (b[i] != ':') {
                return false;
            }
            i++;
            if (i == to) {
                return false; // trailing single ':'
            }
            if (b[i] == ':') {
                if (compressed) {
                    return false; // a second "::"
                }
                compressed = true;
                i++;
            }
        }
        if (compressed ? headN + tailN > 7 : headN != 8) {
            return false; // e.g. "1:2:3:4:5:6:7:8::": "::" must stand for at least one group
        }
        // Place the head groups at the top: shift left by 16 * (8 - headN) bits.
        int shift = 16 * (8 - headN);
        long hi;
        long lo;
        if (shift == 0) {
            hi = headHi;
            lo = headLo;
        } else if (shift >= 128) {
            hi = 0;
            lo = 0;
        } else if (shift >= 64) {
            hi = headLo << (shift - 64);
            lo = 0;
        } else {
            hi = (headHi << shift) | (headLo >>> (64 - shift));
            lo = headLo << shift;
        }
        out.addrHi = hi | tailHi;
        out.addrLo = lo | tailLo;
        return true;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Bytes

    private static boolean fail(FtpEndpoint out) {
        out.clear();
        return false;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static int hexValue(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int l = c | 0x20;
        if (l >= 'a' && l <= 'f') {
            return l - 'a' + 10;
        }
        return -1;
    }

    private static int skipBlanks(byte[] b, int i, int to) {
        while (i < to && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    private static int trimBlanks(byte[] b, int from, int to) {
        while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
            to--;
        }
        return to;
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
