package io.ftpalg.engine.config;

import java.util.List;

/**
 * Destination NAT (port forwarding, or a load balancer's virtual address) for flows arriving on the outside port:
 * {@code externalAddress} port {@code externalPortLo..externalPortHi} is mapped 1:1 onto a member of {@code pool}
 * port {@code internalPortLo..}.
 *
 * <p>With one pool member this is plain port forwarding. With several, {@code externalAddress} is a virtual
 * address in front of identical servers and {@code select} picks the member for each new flow:
 *
 * <pre>
 *   dnat to 203.0.113.1 port 21 -> 192.0.2.20 192.0.2.21 192.0.2.22 select client-hash
 * </pre>
 *
 * Only new flows are balanced: an FTP data connection is admitted by its expectation and goes to the server of its
 * control connection (what IPVS's ip_vs_ftp does), never to a fresh selection.
 *
 * @param proto IP protocol number, {@link #TCP} or {@link #UDP}
 * @param pool the inside addresses, at least one, all of the external address's family, no duplicates
 * @param select how a pool member is chosen for a new flow (irrelevant with one member)
 */
public record DnatRule(
        int proto,
        IpAddress externalAddress,
        int externalPortLo,
        int externalPortHi,
        List<IpAddress> pool,
        int internalPortLo,
        Select select) {
    public static final int TCP = 6;
    public static final int UDP = 17;
    /** Most members of one pool (selection is a scan-free array index; the limit only bounds a config). */
    public static final int MAX_POOL = 64;

    /** Pool member selection for a new flow. */
    public enum Select {
        /**
         * A hash of the client's (source) address: one client always lands on the same member, whatever its source
         * port, so all of its control connections (and so all of its data connections) meet one server.
         */
        CLIENT_HASH("client-hash"),
        /** Each new flow to the next member in turn (per pipeline worker): even spread, no stickiness. */
        ROUND_ROBIN("round-robin");

        public final String keyword;

        Select(String keyword) {
            this.keyword = keyword;
        }
    }

    /** Plain port forwarding onto one inside address. */
    public DnatRule(
            int proto,
            IpAddress externalAddress,
            int externalPortLo,
            int externalPortHi,
            IpAddress internalAddress,
            int internalPortLo) {
        this(
                proto,
                externalAddress,
                externalPortLo,
                externalPortHi,
                List.of(internalAddress),
                internalPortLo,
                Select.CLIENT_HASH);
    }

    public DnatRule {
        pool = List.copyOf(pool);
        if (proto != TCP && proto != UDP) {
            throw new IllegalArgumentException("dnat protocol must be tcp (6) or udp (17), not " + proto);
        }
        if (pool.isEmpty()) {
            throw new IllegalArgumentException("dnat needs at least one inside address");
        }
        if (pool.size() > MAX_POOL) {
            throw new IllegalArgumentException(
                    "dnat pool of " + pool.size() + " addresses; at most " + MAX_POOL + " are allowed");
        }
        for (int i = 0; i < pool.size(); i++) {
            IpAddress in = pool.get(i);
            if (externalAddress.version() != in.version()) {
                throw new IllegalArgumentException("dnat maps IPv" + externalAddress.version() + " " + externalAddress
                        + " onto IPv" + in.version() + " " + in);
            }
            if (pool.indexOf(in) != i) {
                throw new IllegalArgumentException("dnat pool lists " + in + " twice");
            }
        }
        if (select == null) {
            throw new IllegalArgumentException("dnat needs a selection policy");
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

    /** The first (with one member, the only) inside address. */
    public IpAddress internalAddress() {
        return pool.get(0);
    }

    /** True when this rule balances over more than one inside address. */
    public boolean balanced() {
        return pool.size() > 1;
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
        StringBuilder sb = new StringBuilder("dnat proto ")
                .append(protoName(proto))
                .append(" to ")
                .append(externalAddress)
                .append(" port ")
                .append(range(externalPortLo, externalPortHi))
                .append(" ->");
        for (IpAddress a : pool) {
            sb.append(' ').append(a);
        }
        sb.append(" port ").append(range(internalPortLo, internalPortHi()));
        if (balanced()) {
            sb.append(" select ").append(select.keyword);
        }
        return sb.toString();
    }

    private static String range(int lo, int hi) {
        return lo == hi ? Integer.toString(lo) : lo + "-" + hi;
    }
}
