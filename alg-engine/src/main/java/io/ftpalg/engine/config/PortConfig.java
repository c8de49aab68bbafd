package io.ftpalg.engine.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One of the gateway's two ports.
 *
 * @param name {@code "inside"} or {@code "outside"}
 * @param mac the gateway's own MAC on this port, or {@code null}; in a capture, frames <em>from</em> it are a
 *     reference device's output, not input
 * @param matches how offline replay recognises frames arriving on this port (possibly empty)
 */
public record PortConfig(
        String name, MacAddress mac, List<PortMatch> matches, String interfaceName, List<PortAddress> addresses) {
    public static final String INSIDE = "inside";
    public static final String OUTSIDE = "outside";

    public PortConfig {
        if (!INSIDE.equals(name) && !OUTSIDE.equals(name)) {
            throw new IllegalArgumentException("port name must be 'inside' or 'outside', not '" + name + "'");
        }
        matches = List.copyOf(matches);
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }

    public PortConfig(String name, MacAddress mac, List<PortMatch> matches) {
        this(name, mac, matches, null, List.of());
    }

    /** A port with no MAC and no match rules (live mode, where the interface says which port it is). */
    public static PortConfig bare(String name) {
        return new PortConfig(name, null, List.of());
    }

    public boolean isInside() {
        return INSIDE.equals(name);
    }

    /** The line as it would be written in a configuration file. */
    public String describe() {
        StringBuilder sb = new StringBuilder("port ").append(name);
        if (interfaceName != null) {
            sb.append(" interface ").append(interfaceName);
        }
        for (PortAddress a : addresses) {
            sb.append(" address ").append(a);
        }
        if (mac != null) {
            sb.append(" mac ").append(mac);
        }
        if (!matches.isEmpty()) {
            sb.append(' ')
                    .append(matches.stream().map(m -> "match " + m.describe()).collect(Collectors.joining(" ")));
        }
        return sb.toString();
    }
}
