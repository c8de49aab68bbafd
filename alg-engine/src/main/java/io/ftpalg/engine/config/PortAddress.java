package io.ftpalg.engine.config;

/**
 * An address of the gateway on one of its ports, with its network's prefix length ({@code address
 * 192.0.2.1/24}): the gateway answers ARP/neighbour solicitation for it, and the network is connected (reached
 * without a router).
 */
public record PortAddress(IpAddress address, int prefixLength) {
    public PortAddress {
        int max = address.version() == 4 ? 32 : 128;
        if (prefixLength < 1 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length must be 1.." + max + ", not " + prefixLength);
        }
    }

    /** Parses {@code 192.0.2.1/24} or {@code 2001:db8:1::1/64} (host bits are expected here). */
    public static PortAddress parse(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + s + "' needs a prefix length, e.g. 192.0.2.1/24");
        }
        int len;
        try {
            len = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s.substring(slash + 1) + "' is not a prefix length");
        }
        return new PortAddress(IpAddress.parse(s.substring(0, slash)), len);
    }

    /** True if the address is on this address's network. */
    public boolean onLink(int version, long hi, long lo) {
        if (version != address.version()) {
            return false;
        }
        if (version == 4) {
            long mask = (0xFFFF_FFFFL << (32 - prefixLength)) & 0xFFFF_FFFFL;
            return (lo & mask) == (address.lo() & mask);
        }
        if (prefixLength <= 64) {
            long mask = prefixLength == 64 ? -1L : ~(-1L >>> prefixLength);
            return (hi & mask) == (address.hi() & mask);
        }
        long mask = ~(-1L >>> (prefixLength - 64));
        return hi == address.hi() && (lo & mask) == (address.lo() & mask);
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
