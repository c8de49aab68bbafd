package io.ftpalg.engine.config;

import java.util.List;

/**
 * The FTP helper's settings ({@code ftp ...} lines).
 *
 * @param ports control ports the ALG attaches to (either end of a TCP connection), default {@code [21]}
 * @param loose accept PORT/EPRT naming an address other than the sender's (FTP bounce risk, RFC 2577)
 * @param minDataPort PORT/EPRT/227/229 naming a lower port make no expectation
 * @param expectTimeoutMs how long an unused expectation (pinhole) lives
 * @param maxExpectPerSession expectations per control connection; the oldest is replaced
 * @param maxExpect expectations in all
 * @param maxLine longest line held while waiting for its end, in bytes
 * @param holdTimeoutMs how long a partial line is held
 * @param verifyChecksum drop control segments with a bad TCP checksum before parsing them
 * @param sessions concurrent FTP control connections tracked
 * @param strictDataSourcePort an active-mode data connection (from the server) must come from port 20 or from the
 *     server's control port minus one ({@code ftp data-source-port strict}); by default any source port is accepted,
 *     as Linux's expectations wildcard it (pure-ftpd, for one, connects from port 2 over IPv6)
 * @param keepaliveMs {@code ftp keepalive <duration>}: after this long without a segment on an established control
 *     connection the gateway sends a TCP keepalive probe to both ends (RFC 9293 3.8.4), so that other stateful
 *     devices on the path keep their state; 0 (the default, {@code off}) sends none
 */
public record FtpConfig(
        List<Integer> ports,
        boolean loose,
        int minDataPort,
        long expectTimeoutMs,
        int maxExpectPerSession,
        int maxExpect,
        int maxLine,
        long holdTimeoutMs,
        boolean verifyChecksum,
        int sessions,
        boolean strict,
        boolean syntaxCheck,
        boolean maskSyst,
        List<String> denyCommands,
        boolean strictDataSourcePort,
        long keepaliveMs) {

    /** The settings without {@code ftp data-source-port} (any source port accepted) and without keepalive probes. */
    public FtpConfig(
            List<Integer> ports,
            boolean loose,
            int minDataPort,
            long expectTimeoutMs,
            int maxExpectPerSession,
            int maxExpect,
            int maxLine,
            long holdTimeoutMs,
            boolean verifyChecksum,
            int sessions,
            boolean strict,
            boolean syntaxCheck,
            boolean maskSyst,
            List<String> denyCommands) {
        this(
                ports,
                loose,
                minDataPort,
                expectTimeoutMs,
                maxExpectPerSession,
                maxExpect,
                maxLine,
                holdTimeoutMs,
                verifyChecksum,
                sessions,
                strict,
                syntaxCheck,
                maskSyst,
                denyCommands,
                false,
                0);
    }

    public FtpConfig {
        ports = List.copyOf(ports);
        denyCommands = List.copyOf(denyCommands);
        if (keepaliveMs < 0) {
            throw new IllegalArgumentException("ftp keepalive must not be negative, not " + keepaliveMs);
        }
    }

    public static FtpConfig defaults() {
        return new FtpConfig(
                List.of(21), false, 1024, 300_000, 4, 65536, 512, 10_000, true, 16384, false, true, false, List.of());
    }

    /** True when {@code port} is one of the configured control ports. No allocation. */
    public boolean isControlPort(int port) {
        for (int i = 0, n = ports.size(); i < n; i++) {
            if (ports.get(i) == port) {
                return true;
            }
        }
        return false;
    }
}
