package io.ftpalg.engine.config;

/** A 48-bit Ethernet address in the low bits of a long; text form {@code aa:bb:cc:dd:ee:ff}. */
public record MacAddress(long value) {

    public MacAddress {
        if ((value >>> 48) != 0) {
            throw new IllegalArgumentException("MAC address wider than 48 bits: " + Long.toHexString(value));
        }
    }

    /** Parses six colon-separated pairs of hex digits, {@code 02:00:5e:10:00:01} (either case). */
    public static MacAddress parse(String s) {
        String[] parts = s.split(":", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException(
                    "bad MAC address '" + s + "': expected six hex pairs separated by ':', e.g. 02:00:00:00:00:01");
        }
        long v = 0;
        for (String p : parts) {
            if (p.length() != 2 || Character.digit(p.charAt(0), 16) < 0 || Character.digit(p.charAt(1), 16) < 0) {
                throw new IllegalArgumentException(
                        "bad MAC address '" + s + "': '" + p + "' is not a pair of hex digits");
            }
            v = (v << 8) | Integer.parseInt(p, 16);
        }
        return new MacAddress(v);
    }

    /** Reads six bytes at {@code off} (an Ethernet destination or source field) as a 48-bit value. */
    public static long fromBytes(byte[] b, int off) {
        return ((b[off] & 0xFFL) << 40)
                | ((b[off + 1] & 0xFFL) << 32)
                | ((b[off + 2] & 0xFFL) << 24)
                | ((b[off + 3] & 0xFFL) << 16)
                | ((b[off + 4] & 0xFFL) << 8)
                | (b[off + 5] & 0xFFL);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            int octet = (int) ((value >>> (8 * i)) & 0xFF);
            sb.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
            if (i > 0) {
                sb.append(':');
            }
        }
        return sb.toString();
    }
}
