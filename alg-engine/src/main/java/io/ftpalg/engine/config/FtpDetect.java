package io.ftpalg.engine.config;

import java.util.List;

/**
 * The {@code ftp detect} setting: on which server ports, besides {@code ftp ports}, a TCP connection is inspected
 * to recognise FTP from its first exchange (the server's {@code 220} greeting, then the client's first command).
 *
 * <pre>
 * ftp detect off                       # default: only the ftp ports are FTP
 * ftp detect any                       # any server port
 * ftp detect ports 2000-2999 40021     # only these server ports (single ports or lo-hi ranges)
 * </pre>
 *
 * @param ranges inclusive {@code [lo, hi]} server port ranges, in the order written; empty when detection is off
 */
public record FtpDetect(List<Range> ranges) {
    /** An inclusive port range, {@code 1024-65535}, or one port ({@code lo == hi}). */
    public record Range(int lo, int hi) {
        public Range {
            if (lo < 1 || hi > 65535 || lo > hi) {
                throw new IllegalArgumentException("bad port range " + lo + "-" + hi);
            }
        }

        @Override
        public String toString() {
            return lo == hi ? Integer.toString(lo) : lo + "-" + hi;
        }
    }

    public static final FtpDetect OFF = new FtpDetect(List.of());
    public static final FtpDetect ANY = new FtpDetect(List.of(new Range(1, 65535)));

    public FtpDetect {
        ranges = List.copyOf(ranges);
    }

    public boolean enabled() {
        return !ranges.isEmpty();
    }

    /** True when {@code port} (a server port) is in one of the ranges. */
    public boolean covers(int port) {
        for (int i = 0, n = ranges.size(); i < n; i++) {
            Range r = ranges.get(i);
            if (port >= r.lo && port <= r.hi) {
                return true;
            }
        }
        return false;
    }

    /** The setting as written in a configuration file, {@code off}, {@code any} or {@code ports 2222 40000-40100}. */
    public String describe() {
        if (!enabled()) {
            return "off";
        }
        if (equals(ANY)) {
            return "any";
        }
        StringBuilder sb = new StringBuilder("ports");
        for (Range r : ranges) {
            sb.append(' ').append(r);
        }
        return sb.toString();
    }
}
