package io.ftpalg.engine.config;

/**
 * 1:1 NAT in both directions, all ports: {@code inside} appears outside as {@code outside}, and everything sent to
 * {@code outside} is forwarded to {@code inside}. With IPv6 addresses this expresses NPTv6-style one-to-one
 * translation host by host. A static mapping takes precedence over any {@code snat} rule whose prefix covers
 * {@code inside}.
 */
public record StaticNat(IpAddress inside, IpAddress outside) {
    public StaticNat {
        if (inside.version() != outside.version()) {
            throw new IllegalArgumentException("static maps IPv" + inside.version() + " " + inside + " onto IPv"
                    + outside.version() + " " + outside);
        }
    }

    public String describe() {
        return "static " + inside + " <-> " + outside;
    }
}
