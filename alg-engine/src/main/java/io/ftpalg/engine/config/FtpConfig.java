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
 * @param detect server ports on which FTP is recognised from its first exchange ({@code ftp detect}), off by default
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
        FtpDetect detect) {

    public FtpConfig {
        ports = List.copyOf(ports);
        denyCommands = List.copyOf(denyCommands);
        if (detect == null) {
            detect = FtpDetect.OFF;
        }
    }

    /** The settings without FTP detection on other ports ({@code ftp detect off}). */
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
                FtpDetect.OFF);
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
