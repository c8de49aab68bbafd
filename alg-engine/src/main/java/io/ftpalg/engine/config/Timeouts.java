package io.ftpalg.engine.config;

import java.util.List;

/**
 * Idle timeouts of flow states, in milliseconds ({@code timeout <name> <duration>} lines). Defaults are those of
 * Linux conntrack ({@code nf_conntrack_tcp_timeout_*} and friends).
 */
public record Timeouts(
        long tcpSynSentMs,
        long tcpSynRecvMs,
        long tcpEstablishedMs,
        long tcpFinWaitMs,
        long tcpCloseWaitMs,
        long tcpLastAckMs,
        long tcpTimeWaitMs,
        long tcpCloseMs,
        long tcpUnacknowledgedMs,
        long udpMs,
        long udpStreamMs,
        long icmpMs,
        long otherMs) {

    /** The names used in {@code timeout <name> <duration>}, in field order. */
    public static final List<String> NAMES = List.of(
            "tcp-syn-sent",
            "tcp-syn-recv",
            "tcp-established",
            "tcp-fin-wait",
            "tcp-close-wait",
            "tcp-last-ack",
            "tcp-time-wait",
            "tcp-close",
            "tcp-unacknowledged",
            "udp",
            "udp-stream",
            "icmp",
            "other");

    public Timeouts {
        long[] all = {
            tcpSynSentMs,
            tcpSynRecvMs,
            tcpEstablishedMs,
            tcpFinWaitMs,
            tcpCloseWaitMs,
            tcpLastAckMs,
            tcpTimeWaitMs,
            tcpCloseMs,
            tcpUnacknowledgedMs,
            udpMs,
            udpStreamMs,
            icmpMs,
            otherMs
        };
        for (int i = 0; i < all.length; i++) {
            if (all[i] <= 0) {
                throw new IllegalArgumentException("timeout " + NAMES.get(i) + " must be positive, not " + all[i]);
            }
        }
    }

    public static Timeouts defaults() {
        return new Timeouts(
                120_000,
                60_000,
                432_000_000,
                120_000,
                60_000,
                30_000,
                120_000,
                10_000,
                300_000,
                30_000,
                120_000,
                30_000,
                600_000);
    }

    /** The values in {@link #NAMES} order. */
    public long[] toArray() {
        return new long[] {
            tcpSynSentMs,
            tcpSynRecvMs,
            tcpEstablishedMs,
            tcpFinWaitMs,
            tcpCloseWaitMs,
            tcpLastAckMs,
            tcpTimeWaitMs,
            tcpCloseMs,
            tcpUnacknowledgedMs,
            udpMs,
            udpStreamMs,
            icmpMs,
            otherMs
        };
    }

    static Timeouts fromArray(long[] v) {
        return new Timeouts(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12]);
    }

    /** The timeout called {@code name} (one of {@link #NAMES}). */
    public long get(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("unknown timeout '" + name + "'");
        }
        return toArray()[i];
    }

    /** A copy with the timeout called {@code name} set to {@code ms}. */
    public Timeouts with(String name, long ms) {
        int i = NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("unknown timeout '" + name + "'");
        }
        long[] v = toArray();
        v[i] = ms;
        return fromArray(v);
    }
}
