package io.ftpalg.engine.config;

/** {@code route <prefix> via <address>}: destinations in the prefix are reached through that router. */
public record Route(IpPrefix destination, IpAddress via) {
    public String describe() {
        return "route " + destination.network() + "/" + destination.length() + " via " + via;
    }
}
