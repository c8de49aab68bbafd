package io.ftpalg.engine.config;

/** How the gateway forwards between its two ports. */
public enum Mode {
    /** An IP router: decrements the TTL / hop limit and rewrites Ethernet addresses to the next hop. */
    ROUTER,
    /** A transparent bridge: frames leave as they came, TTL untouched (NAT and ALG rewrites still apply). */
    BRIDGE;

    /** The keyword used in the configuration file. */
    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
