package io.ftpalg.engine.config;

import java.util.List;
import java.util.Objects;

/**
 * The whole gateway configuration, read once at start by {@link ConfigParser}. Immutable.
 *
 * @param inboundAllow {@code firewall inbound allow}: unsolicited outside-to-inside flows pass; default deny, when
 *     only dnat/static mappings and FTP expectations let them in
 * @param outboundAllow {@code firewall outbound allow} (the default): inside-to-outside flows pass
 * @param inboundPorts {@code firewall inbound ports 21 ...}: with inbound denied, new TCP flows to these ports
 *     still pass (a firewall that opens only the FTP control port; data then passes only through expectations)
 * @param outboundPorts likewise for {@code firewall outbound ports ...}
 */
public record Config(
        Mode mode,
        PortConfig inside,
        PortConfig outside,
        List<SnatRule> snat,
        List<DnatRule> dnat,
        List<StaticNat> statics,
        boolean inboundAllow,
        boolean outboundAllow,
        FtpConfig ftp,
        Timeouts timeouts,
        Limits limits,
        PipelineConfig pipeline,
        java.util.List<Route> routes,
        java.util.List<Integer> inboundPorts,
        java.util.List<Integer> outboundPorts) {

    public Config {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(inside, "inside");
        Objects.requireNonNull(outside, "outside");
        Objects.requireNonNull(ftp, "ftp");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(limits, "limits");
        if (!inside.isInside() || outside.isInside()) {
            throw new IllegalArgumentException("inside and outside ports swapped");
        }
        snat = List.copyOf(snat);
        dnat = List.copyOf(dnat);
        statics = List.copyOf(statics);
    }

    /**
     * A transparent bridge with a stateful firewall and the FTP ALG on port 21, no NAT: inbound denied unless
     * expected, outbound allowed, every other setting at its default.
     */
    public static Config defaults() {
        return new Config(
                Mode.BRIDGE,
                PortConfig.bare(PortConfig.INSIDE),
                PortConfig.bare(PortConfig.OUTSIDE),
                List.of(),
                List.of(),
                List.of(),
                false,
                true,
                FtpConfig.defaults(),
                Timeouts.defaults(),
                Limits.defaults(),
                PipelineConfig.defaults(),
                java.util.List.of(),
                java.util.List.of(),
                java.util.List.of());
    }

    /** True when any address translation is configured. */
    public boolean hasNat() {
        return !snat.isEmpty() || !dnat.isEmpty() || !statics.isEmpty();
    }

    /** A multi-line human summary, printed by the CLI at start. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("mode ")
                .append(mode.keyword())
                .append(mode == Mode.ROUTER ? " (routes, decrements TTL)" : " (transparent bridge, TTL untouched)")
                .append('\n');
        sb.append("  ").append(inside.describe()).append('\n');
        sb.append("  ").append(outside.describe()).append('\n');
        if (!hasNat()) {
            sb.append("nat: none\n");
        }
        for (StaticNat s : statics) {
            sb.append("  ").append(s.describe()).append('\n');
        }
        for (SnatRule s : snat) {
            sb.append("  ").append(s.describe()).append('\n');
        }
        for (DnatRule d : dnat) {
            sb.append("  ").append(d.describe()).append('\n');
        }
        sb.append("firewall: inbound ")
                .append(
                        inboundAllow
                                ? "allow"
                                : (inboundPorts.isEmpty() ? "deny" : "only tcp ports " + inboundPorts)
                                        + " (and dnat/static mappings and FTP expectations)")
                .append(", outbound ")
                .append(outboundAllow ? "allow" : outboundPorts.isEmpty() ? "deny" : "only tcp ports " + outboundPorts)
                .append('\n');
        sb.append("ftp: control ports ").append(ftp.ports());
        sb.append(", loose ").append(ftp.loose() ? "yes" : "no");
        sb.append(", min-data-port ").append(ftp.minDataPort());
        sb.append(", verify-checksum ")
                .append(ftp.verifyChecksum() ? "yes" : "no")
                .append('\n');
        sb.append("  expectations: ")
                .append(ftp.maxExpectPerSession())
                .append(" per session, ")
                .append(ftp.maxExpect())
                .append(" in all, timeout ")
                .append(formatDuration(ftp.expectTimeoutMs()))
                .append(", active data from ")
                .append(ftp.strictDataSourcePort() ? "port 20 or control port - 1 only" : "any source port")
                .append('\n');
        sb.append("  lines: max ")
                .append(ftp.maxLine())
                .append(" bytes, hold ")
                .append(formatDuration(ftp.holdTimeoutMs()))
                .append("; sessions ")
                .append(ftp.sessions())
                .append('\n');
        sb.append("  keepalive probes: ")
                .append(ftp.keepaliveMs() > 0 ? "every " + formatDuration(ftp.keepaliveMs()) + " idle" : "off")
                .append('\n');
        int r = limits.resetExpired();
        sb.append("flows: max ")
                .append(limits.maxFlows())
                .append("; RST for unknown flows: ")
                .append(
                        r == 0
                                ? "off"
                                : (r == (Limits.RESET_INSIDE | Limits.RESET_OUTSIDE)
                                                ? "both sides"
                                                : r == Limits.RESET_INSIDE ? "inside" : "outside")
                                        + " (" + limits.resetRate() + "/s, burst " + limits.resetBurst() + ")")
                .append('\n');
        sb.append("timeouts:");
        long[] t = timeouts.toArray();
        for (int i = 0; i < t.length; i++) {
            sb.append(' ').append(Timeouts.NAMES.get(i)).append('=').append(formatDuration(t[i]));
        }
        return sb.append('\n').toString();
    }

    /** Writes milliseconds in the largest exact unit: {@code 300s}, {@code 5d}, {@code 1500ms}. */
    public static String formatDuration(long ms) {
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s != 0 && s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s != 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s != 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
