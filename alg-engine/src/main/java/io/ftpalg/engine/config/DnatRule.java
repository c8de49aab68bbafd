package io.ftpalg.engine.config;

/**
 * Destination NAT (port forwarding) for flows arriving on the outside port: {@code externalAddress} port {@code
 * externalPortLo..externalPortHi} is mapped 1:1 onto {@code internalAddress} port {@code internalPortLo..}.
 *
 * @param proto IP protocol number, {@link #TCP} or {@link #UDP}
 */
public record DnatRule(
        int proto,
        IpAddress externalAddress,
        int externalPortLo,
        int externalPortHi,
        IpAddress internalAddress,
        int internalPortLo) {
    public static final int TCP = 6;
    public static final int UDP = 17;

    public DnatRule {
        if (proto != TCP && proto != UDP) {
            throw new IllegalArgumentException("dnat protocol must be tcp (6) or udp (17), not " + proto);
        }
        if (externalAddress.version() != internalAddress.version()) {
            throw new IllegalArgumentException("dnat maps IPv" + externalAddress.version() + " " + externalAddress
                    + " onto IPv" + internalAddress.version() + " " + internalAddress);
        }
        if (externalPortLo < 1 || externalPortHi > 65535 || externalPortLo > externalPortHi) {
            throw new IllegalArgumentException(
                    "dnat port range " + externalPortLo + "-" + externalPortHi + " is not within 1-65535");
        }
        if (internalPortLo < 1 || internalPortLo + (externalPortHi - externalPortLo) > 65535) {
            throw new IllegalArgumentException("dnat target ports " + internalPortLo + "-"
                    + (internalPortLo + (externalPortHi - externalPortLo)) + " are not within 1-65535");
        }
    }

    public int internalPortHi() {
        return internalPortLo + (externalPortHi - externalPortLo);
    }

    /** True when this rule forwards {@code port} (on its external address and protocol). */
    public boolean coversPort(int port) {
        return port >= externalPortLo && port <= externalPortHi;
    }

    /** The inside port an external port in range maps to. */
    public int mapPort(int externalPort) {
        return internalPortLo + (externalPort - externalPortLo);
    }

    public static String protoName(int proto) {
        return proto == TCP ? "tcp" : proto == UDP ? "udp" : Integer.toString(proto);
    }

    public String describe() {
        return "dnat proto " + protoName(proto) + " to " + externalAddress + " port "
                + range(externalPortLo, externalPortHi) + " -> " + internalAddress + " port "
                + range(internalPortLo, internalPortHi());
    }

    private static String range(int lo, int hi) {
        return lo == hi ? Integer.toString(lo) : lo + "-" + hi;
    }
}
