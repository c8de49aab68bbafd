package io.ftpalg.engine.config;

/**
 * An IPv4 or IPv6 address as two primitive words, the same packing the flow keys use.
 *
 * <p>IPv4: {@code hi = 0}, {@code lo} = the 32-bit value (unsigned, {@code 192.0.2.1} is {@code 0xC0000201L}).
 * IPv6: the 128 bits, most significant half in {@code hi}.
 *
 * <p>{@link #parse} accepts IPv4 dotted quads (four decimal octets, no leading zeros, to avoid the octal reading
 * some libc parsers give {@code 010}) and every IPv6 text form of RFC 4291 section 2.2 (full, {@code ::}-compressed,
 * trailing dotted IPv4). Zone ids ({@code %eth0}) are refused: a gateway rule cannot be link-scoped. {@link
 * #toString} writes the canonical form: IPv4 dotted, IPv6 per RFC 5952 (lower case, no leading zeros, the longest
 * run of two or more zero groups compressed, the first such run on a tie, IPv4-mapped addresses with a dotted tail).
 */
public record IpAddress(int version, long hi, long lo) {

    public IpAddress {
        if (version == 4) {
            if (hi != 0 || (lo >>> 32) != 0) {
                throw new IllegalArgumentException("IPv4 address wider than 32 bits: hi=" + hi + " lo=" + lo);
            }
        } else if (version != 6) {
            throw new IllegalArgumentException("IP version must be 4 or 6, not " + version);
        }
    }

    public static IpAddress v4(long value) {
        return new IpAddress(4, 0, value & 0xFFFF_FFFFL);
    }

    public static IpAddress v6(long hi, long lo) {
        return new IpAddress(6, hi, lo);
    }

    public boolean isV4() {
        return version == 4;
    }

    public boolean isV6() {
        return version == 6;
    }

    /** Address width in bits: 32 or 128. */
    public int bits() {
        return version == 4 ? 32 : 128;
    }

    /** Parses {@code 192.0.2.1} or any RFC 4291 IPv6 text form; throws with a message naming the input. */
    public static IpAddress parse(String s) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("bad IP address '': empty");
        }
        if (s.indexOf(':') >= 0) {
            return parseV6(s);
        }
        return v4(parseV4(s, s));
    }

    private static long parseV4(String s, String whole) {
        long value = 0;
        int octets = 0;
        int i = 0;
        int n = s.length();
        while (true) {
            int start = i;
            int octet = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                octet = octet * 10 + (s.charAt(i) - '0');
                i++;
                if (i - start > 3) {
                    throw bad(whole, "IPv4 octet has more than 3 digits");
                }
            }
            if (i == start) {
                throw bad(whole, "expected a decimal octet at position " + (start + 1) + " of '" + s + "'");
            }
            if (i - start > 1 && s.charAt(start) == '0') {
                throw bad(whole, "IPv4 octet with a leading zero (octal or decimal?)");
            }
            if (octet > 255) {
                throw bad(whole, "IPv4 octet " + octet + " is greater than 255");
            }
            value = (value << 8) | octet;
            octets++;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != '.' || octets == 4) {
                throw bad(whole, "unexpected '" + s.charAt(i) + "' in IPv4 address");
            }
            i++;
        }
        if (octets != 4) {
            throw bad(whole, "IPv4 address needs 4 octets, found " + octets);
        }
        return value;
    }

    private static IpAddress parseV6(String s) {
        if (s.indexOf('%') >= 0) {
            throw bad(s, "zone ids (%...) are not allowed");
        }
        int dc = s.indexOf("::");
        if (dc >= 0 && s.indexOf("::", dc + 1) >= 0) {
            throw bad(s, "'::' may appear only once");
        }
        int[] groups = new int[8];
        if (dc < 0) {
            int count = parseGroups(s, s, groups, 0);
            if (count != 8) {
                throw bad(s, "IPv6 address needs 8 groups (or '::'), found " + count);
            }
        } else {
            String head = s.substring(0, dc);
            String tail = s.substring(dc + 2);
            if (head.indexOf('.') >= 0) {
                throw bad(s, "an embedded IPv4 address may only be the last part");
            }
            int[] tailGroups = new int[8];
            int h = head.isEmpty() ? 0 : parseGroups(head, s, groups, 0);
            int t = tail.isEmpty() ? 0 : parseGroups(tail, s, tailGroups, 0);
            if (h + t > 7) {
                throw bad(s, "'::' must stand for at least one zero group, but " + (h + t) + " groups are given");
            }
            System.arraycopy(tailGroups, 0, groups, 8 - t, t);
        }
        long hi = 0;
        long lo = 0;
        for (int g = 0; g < 4; g++) {
            hi = (hi << 16) | groups[g];
            lo = (lo << 16) | groups[g + 4];
        }
        return v6(hi, lo);
    }

    /** Parses colon-separated hex groups (an IPv4 tail counts as two) into {@code out}; returns the count. */
    private static int parseGroups(String part, String whole, int[] out, int at) {
        String[] fields = part.split(":", -1);
        int count = at;
        for (int f = 0; f < fields.length; f++) {
            String field = fields[f];
            if (field.isEmpty()) {
                throw bad(whole, "empty group (a single ':' at the start or end, or ':::')");
            }
            if (field.indexOf('.') >= 0) {
                if (f != fields.length - 1) {
                    throw bad(whole, "an embedded IPv4 address may only be the last part");
                }
                if (count + 2 > 8) {
                    throw bad(whole, "too many groups");
                }
                long v4 = parseV4(field, whole);
                out[count++] = (int) (v4 >>> 16);
                out[count++] = (int) (v4 & 0xFFFF);
                continue;
            }
            if (field.length() > 4) {
                throw bad(whole, "group '" + field + "' has more than 4 hex digits");
            }
            int v = 0;
            for (int i = 0; i < field.length(); i++) {
                int d = Character.digit(field.charAt(i), 16);
                if (d < 0) {
                    throw bad(whole, "'" + field.charAt(i) + "' is not a hex digit");
                }
                v = (v << 4) | d;
            }
            if (count >= 8) {
                throw bad(whole, "more than 8 groups");
            }
            out[count++] = v;
        }
        return count;
    }

    private static IllegalArgumentException bad(String s, String why) {
        return new IllegalArgumentException("bad IP address '" + s + "': " + why);
    }

    @Override
    public String toString() {
        if (version == 4) {
            return v4String(lo);
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) ((hi >>> (48 - 16 * i)) & 0xFFFF);
            g[i + 4] = (int) ((lo >>> (48 - 16 * i)) & 0xFFFF);
        }
        // RFC 5952 section 5: IPv4-mapped addresses keep the dotted tail.
        if (hi == 0 && (lo >>> 32) == 0xFFFFL) {
            return "::ffff:" + v4String(lo & 0xFFFF_FFFFL);
        }
        // RFC 5952 section 4.2: compress the longest run of >= 2 zero groups, the first one on a tie.
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    private static String v4String(long v) {
        return ((v >>> 24) & 0xFF) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
    }
}
