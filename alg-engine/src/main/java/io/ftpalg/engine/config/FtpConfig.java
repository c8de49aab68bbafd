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
 * @param detect server ports on which FTP is recognised from its first exchange ({@code ftp detect}), off by default
 * @param lineLimits {@code ftp max-command-line}, {@code max-reply-line}, {@code max-reply}: a peer that sends a longer
 *     line or reply has its control connection reset at both ends before the rest reaches the other end (on in
 *     strict mode)
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
        long keepaliveMs,
        FtpDetect detect,
        LineLimits lineLimits) {

    /**
     * Bounds that shield the ends from a hostile peer (an over-long reply overflows some clients' stacks: PROBLEM.md,
     * LabF nfsAxe 3.7), in bytes without the line end; 0 is no bound.
     *
     * @param command longest client command line
     * @param replyLine longest server reply line
     * @param reply longest whole reply, all lines of a multi-line reply with their line ends
     */
    public record LineLimits(int command, int replyLine, int reply) {
        /** No bound (the default outside strict mode). */
        public static final LineLimits OFF = new LineLimits(0, 0, 0);

        /**
         * Strict mode's defaults: 4096-byte commands (vsftpd's own VSFTP_MAX_COMMAND_LINE, longer than any path a
         * command names on Linux, PATH_MAX 4096 with the verb), 2048-byte reply lines and 64 KiB replies (banners,
         * FEAT and HELP lists, STAT of a directory are far below; SECURITY.md has the measurements).
         */
        public static final LineLimits STRICT = new LineLimits(4096, 2048, 65536);

        public LineLimits {
            if (command < 0 || replyLine < 0 || reply < 0) {
                throw new IllegalArgumentException("line limits must not be negative");
            }
        }

        /** True if any bound is set. */
        public boolean on() {
            return command > 0 || replyLine > 0 || reply > 0;
        }
    }

    /** The settings without line limits. */
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
            List<String> denyCommands,
            boolean strictDataSourcePort,
            long keepaliveMs,
            FtpDetect detect) {
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
                strictDataSourcePort,
                keepaliveMs,
                detect,
                LineLimits.OFF);
    }

    /** The settings without {@code ftp data-source-port} (any source port accepted) without keepalive probes and without FTP detection on other ports. */
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
                0,
                FtpDetect.OFF,
                LineLimits.OFF);
    }

    public FtpConfig {
        ports = List.copyOf(ports);
        denyCommands = List.copyOf(denyCommands);
        if (keepaliveMs < 0) {
            throw new IllegalArgumentException("ftp keepalive must not be negative, not " + keepaliveMs);
        }
        if (detect == null) {
            detect = FtpDetect.OFF;
        }
        if (lineLimits == null) {
            lineLimits = LineLimits.OFF;
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
