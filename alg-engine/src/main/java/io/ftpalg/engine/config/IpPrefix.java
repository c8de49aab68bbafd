package io.ftpalg.engine.config;

/**
 * An address prefix, {@code 192.0.2.0/24} or {@code 2001:db8::/32}. The network part must have no host bits set:
 * {@code 192.0.2.1/24} is refused rather than silently truncated, because it usually means a typo.
 */
public record IpPrefix(IpAddress network, int length) {

    public IpPrefix {
        if (network == null) {
            throw new IllegalArgumentException("prefix network is null");
        }
        if (length < 0 || length > network.bits()) {
            throw new IllegalArgumentException("prefix length " + length + " is out of range 0.." + network.bits()
                    + " for an IPv" + network.version() + " address");
        }
        IpAddress masked = mask(network, length);
        if (!masked.equals(network)) {
            throw new IllegalArgumentException("prefix " + network + "/" + length + " has host bits set (did you mean "
                    + masked + "/" + length + "?)");
        }
    }

    /** A prefix covering exactly one address ({@code /32} or {@code /128}). */
    public static IpPrefix host(IpAddress a) {
        return new IpPrefix(a, a.bits());
    }

    /** Parses {@code <addr>/<len>}; the length is required. */
    public static IpPrefix parse(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("bad prefix '" + s + "': expected <address>/<length>, e.g. "
                    + (s.indexOf(':') >= 0 ? "2001:db8::/32" : "192.0.2.0/24"));
        }
        IpAddress a = IpAddress.parse(s.substring(0, slash));
        String len = s.substring(slash + 1);
        if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(
                    "bad prefix '" + s + "': length '" + len + "' is not a number 0.." + a.bits());
        }
        int n = Integer.parseInt(len);
        if (n > a.bits()) {
            throw new IllegalArgumentException("bad prefix '" + s + "': length " + n + " is greater than " + a.bits());
        }
        return new IpPrefix(a, n);
    }

    /** True when the address (in the {@link IpAddress} packing) lies in this prefix. Allocation free. */
    public boolean contains(int version, long hi, long lo) {
        if (version != network.version() || length == 0) {
            return version == network.version();
        }
        if (version == 4) {
            return (((lo ^ network.lo()) & 0xFFFF_FFFFL) >>> (32 - length)) == 0;
        }
        if (length <= 64) {
            return ((hi ^ network.hi()) >>> (64 - length)) == 0;
        }
        return hi == network.hi() && ((lo ^ network.lo()) >>> (128 - length)) == 0;
    }

    public boolean contains(IpAddress a) {
        return contains(a.version(), a.hi(), a.lo());
    }

    /** True when the two prefixes share at least one address (then one contains the other). */
    public boolean overlaps(IpPrefix other) {
        return other.network.version() == network.version() && (contains(other.network) || other.contains(network));
    }

    static IpAddress mask(IpAddress a, int length) {
        if (a.isV4()) {
            long m = length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
            return IpAddress.v4(a.lo() & m);
        }
        long mh = length == 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
        long ml = length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
        return IpAddress.v6(a.hi() & mh, a.lo() & ml);
    }

    @Override
    public String toString() {
        return network + "/" + length;
    }
}
