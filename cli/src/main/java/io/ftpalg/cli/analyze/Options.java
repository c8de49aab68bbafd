package io.ftpalg.cli.analyze;

import io.ftpalg.engine.config.IpAddress;
import io.ftpalg.engine.config.IpPrefix;
import java.util.List;

/**
 * What {@code analyze} may be told; none of it is needed. {@code inside}: networks behind the device (their
 * addresses are private to the other side, whatever their range); {@code outside}: networks in front of it.
 * {@code idleNanos}: how long a silent control connection during a transfer counts as idle.
 */
record Options(List<IpPrefix> inside, List<IpPrefix> outside, long idleNanos) {
    static final long DEFAULT_IDLE_NANOS = 10_000_000_000L;

    static Options defaults() {
        return new Options(List.of(), List.of(), DEFAULT_IDLE_NANOS);
    }

    /** Behind the device: named by {@code inside}, or (when not named {@code outside}) an RFC 1918 / ULA range. */
    boolean isPrivate(IpAddress a) {
        for (IpPrefix p : inside) {
            if (p.contains(a)) {
                return true;
            }
        }
        for (IpPrefix p : outside) {
            if (p.contains(a)) {
                return false;
            }
        }
        return wellKnownPrivate(a);
    }

    /** RFC 1918, RFC 6598 (carrier-grade NAT), link-local; fc00::/7 (RFC 4193), fe80::/10. */
    static boolean wellKnownPrivate(IpAddress a) {
        if (a.isV4()) {
            long v = a.lo();
            return (v >>> 24) == 10
                    || (v >>> 20) == (172 << 4 | 1)
                    || (v >>> 16) == (192 << 8 | 168)
                    || (v >>> 22) == (100 << 2 | 1)
                    || (v >>> 16) == (169 << 8 | 254);
        }
        long top = a.hi() >>> 48;
        return (top & 0xFE00) == 0xFC00 || (top & 0xFFC0) == 0xFE80;
    }
}
