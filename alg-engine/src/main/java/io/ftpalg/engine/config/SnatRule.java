package io.ftpalg.engine.config;

import java.util.List;

/**
 * Source NAT for flows initiated from inside to outside: a source in {@code from} is rewritten to one of {@code
 * to}. The original source port is kept when it is free on the chosen address (as Linux does), otherwise one is
 * allocated from {@code portLo..portHi}.
 */
public record SnatRule(IpPrefix from, List<IpAddress> to, int portLo, int portHi) {
    public static final int DEFAULT_PORT_LO = 1024;
    public static final int DEFAULT_PORT_HI = 65535;

    public SnatRule {
        to = List.copyOf(to);
        if (to.isEmpty()) {
            throw new IllegalArgumentException("snat needs at least one 'to' address");
        }
        for (IpAddress a : to) {
            if (a.version() != from.network().version()) {
                throw new IllegalArgumentException("snat from " + from + " is IPv"
                        + from.network().version() + " but 'to' address " + a + " is IPv" + a.version());
            }
        }
        if (portLo < 1 || portHi > 65535 || portLo > portHi) {
            throw new IllegalArgumentException("snat port range " + portLo + "-" + portHi + " is not within 1-65535");
        }
    }

    public String describe() {
        StringBuilder sb = new StringBuilder("snat from ").append(from).append(" to ");
        for (int i = 0; i < to.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(to.get(i));
        }
        return sb.append(" ports ").append(portLo).append('-').append(portHi).toString();
    }
}
