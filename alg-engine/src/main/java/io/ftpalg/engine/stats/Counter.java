package io.ftpalg.engine.stats;

/**
 * Every event the engine counts, with a stable id and a label used in reports (the Aeron counter model).
 *
 * <p>Drops carry the {@code drop-} prefix in their label so that a report can list drop reasons on their own.
 * Append new counters at the end of their group with a fresh id; never reuse or renumber an id.
 */
public enum Counter {
    // ---- receive and decode (1..99) ----
    RX_FRAMES(1, "rx-frames"),
    PASS_NON_IP(2, "pass-non-ip"),
    DROP_TRUNCATED_ETHERNET(3, "drop-truncated-ethernet"),
    DROP_TRUNCATED_VLAN(4, "drop-truncated-vlan"),
    DROP_TOO_MANY_VLAN_TAGS(5, "drop-too-many-vlan-tags"),
    DROP_IPV4_TRUNCATED(6, "drop-ipv4-truncated"),
    DROP_IPV4_BAD_VERSION(7, "drop-ipv4-bad-version"),
    DROP_IPV4_BAD_HEADER_LENGTH(8, "drop-ipv4-bad-header-length"),
    DROP_IPV4_BAD_TOTAL_LENGTH(9, "drop-ipv4-bad-total-length"),
    DROP_IPV4_BAD_CHECKSUM(10, "drop-ipv4-bad-checksum"),
    DROP_IPV4_BAD_OPTIONS(11, "drop-ipv4-bad-options"),
    DROP_IPV6_TRUNCATED(12, "drop-ipv6-truncated"),
    DROP_IPV6_BAD_PAYLOAD_LENGTH(13, "drop-ipv6-bad-payload-length"),
    DROP_IPV6_BAD_EXTENSION_CHAIN(14, "drop-ipv6-bad-extension-chain"),
    DROP_FRAGMENT(15, "drop-fragment"),
    DROP_TCP_TRUNCATED(16, "drop-tcp-truncated"),
    DROP_TCP_BAD_HEADER_LENGTH(17, "drop-tcp-bad-header-length"),
    DROP_TCP_BAD_OPTIONS(18, "drop-tcp-bad-options"),
    DROP_UDP_TRUNCATED(19, "drop-udp-truncated"),
    DROP_UDP_BAD_LENGTH(20, "drop-udp-bad-length"),
    DROP_ICMP_TRUNCATED(21, "drop-icmp-truncated"),
    DROP_TCP_BAD_CHECKSUM(22, "drop-tcp-bad-checksum"),
    DROP_FRAME_TOO_LARGE(23, "drop-frame-too-large"),
    DROP_UNKNOWN_INGRESS(24, "drop-unknown-ingress"),
    PASS_IP_OTHER_PROTOCOL(25, "pass-ip-other-protocol"),
    DROP_IPV6_BAD_VERSION(26, "drop-ipv6-bad-version"),
    DROP_NON_IP_ROUTED(27, "drop-non-ip-routed"),

    // ---- flows and TCP state (100..199) ----
    FLOW_CREATED(100, "flow-created"),
    FLOW_EXPIRED(101, "flow-expired"),
    FLOW_EVICTED(102, "flow-evicted"),
    DROP_FLOW_TABLE_FULL(103, "drop-flow-table-full"),
    DROP_TCP_NO_FLOW(104, "drop-tcp-no-flow"),
    DROP_TCP_INVALID(105, "drop-tcp-invalid"),
    DROP_INBOUND_UNSOLICITED(106, "drop-inbound-unsolicited"),
    TCP_RESET_SEEN(107, "tcp-reset-seen"),
    /**
     * A RST on an FTP control connection at a sequence number its receiver does not accept (RFC 5961 section 3.2):
     * forwarded, but the connection's state stays as it was.
     */
    TCP_RESET_NOT_ACCEPTED(124, "tcp-reset-not-accepted"),
    FLOW_CLOSED(108, "flow-closed"),
    DROP_TTL_EXCEEDED(109, "drop-ttl-exceeded"),
    DROP_NO_ROUTE(110, "drop-no-route"),
    DROP_OUTBOUND_DENIED(111, "drop-outbound-denied"),
    DROP_WRONG_PORT(112, "drop-wrong-port"),
    PASS_ICMP_OTHER(113, "pass-icmp-other"),
    DROP_SOURCE_BUDGET(114, "drop-source-budget"),
    /**
     * A TCP segment (no SYN, no RST) of a flow the gateway does not know (expired or evicted) was answered with a
     * RST to its sender ({@code flows reset-expired}); the segment itself is counted as {@code drop-tcp-no-flow}.
     */
    TCP_RESET_SENT(120, "tcp-reset-sent"),
    /** Such a RST was not sent: the {@code flows reset-rate} token bucket was empty. */
    TCP_RESET_RATE_LIMITED(121, "tcp-reset-rate-limited"),
    /** Such a RST was not sent: the segment matches an expected FTP data connection. */
    TCP_RESET_SKIPPED_EXPECTED(122, "tcp-reset-skipped-expected"),
    /**
     * A SYN from the initiator opened a new connection on the tuple of a flow in TIME_WAIT or CLOSE: the old flow
     * was removed and a new one made (as Linux does), so no FTP or NAT state of the old connection carries over.
     */
    FLOW_REOPENED(123, "flow-reopened"),
    /** A flow removed by an operator ({@code ftp-alg conntrack -D}), through the same path as an expiry. */
    FLOW_DELETED(130, "flow-deleted"),
    /** A flow the rules of a reloaded config no longer admit (or translate otherwise), removed at the reload. */
    FLOW_RELOAD_DROPPED(131, "flow-reload-dropped"),
    /** A config reload applied (SIGHUP or {@code ftp-alg reload}); one per worker. */
    CONFIG_RELOADED(132, "config-reloaded"),

    // ---- NAT (200..299) ----
    NAT_SOURCE_MAPPED(200, "nat-source-mapped"),
    NAT_DESTINATION_MAPPED(201, "nat-destination-mapped"),
    NAT_PORT_REMAPPED(202, "nat-port-remapped"),
    DROP_NAT_PORTS_EXHAUSTED(203, "drop-nat-ports-exhausted"),
    NAT_ICMP_ERROR_TRANSLATED(204, "nat-icmp-error-translated"),
    DROP_ICMP_ERROR_NO_FLOW(205, "drop-icmp-error-no-flow"),
    DROP_ICMP_ERROR_MALFORMED(206, "drop-icmp-error-malformed"),
    /** A new flow to a load-balanced virtual address (a dnat with a pool) was given a pool member. */
    NAT_BALANCED(210, "nat-balanced"),
    /** An active-mode data connection from port 20 or control port - 1 kept that convention through NAT. */
    NAT_DATA_SOURCE_PORT_KEPT(211, "nat-data-source-port-kept"),
    /**
     * An active-mode data connection from port 20 or control port - 1 could not keep it (another connection of the
     * same outside address already used it towards the same client address and port): remapped, never mis-mapped.
     */
    NAT_DATA_SOURCE_PORT_REMAPPED(212, "nat-data-source-port-remapped"),
    /** {@code ftp data-source-port strict}: an active-mode data connection from another port matched no pinhole. */
    FTP_DATA_SOURCE_PORT_REFUSED(213, "ftp-data-source-port-refused"),
    /**
     * A passive port was advertised shifted because another session already expected the same client on it (two
     * pool members offering one client the same passive port): the 227/229 names the next free port.
     */
    NAT_EXPECT_PORT_SHIFTED(214, "nat-expect-port-shifted"),

    // ---- FTP control connections (300..399) ----
    FTP_CONTROL_FLOWS(300, "ftp-control-flows"),
    FTP_PORT(301, "ftp-port"),
    FTP_EPRT(302, "ftp-eprt"),
    FTP_227(303, "ftp-227"),
    FTP_229(304, "ftp-229"),
    FTP_PASV(305, "ftp-pasv"),
    FTP_EPSV(306, "ftp-epsv"),
    FTP_REWRITES(307, "ftp-rewrites"),
    FTP_PARSE_ERRORS(308, "ftp-parse-errors"),
    FTP_BOUNCE_REFUSED(309, "ftp-bounce-refused"),
    FTP_LINES_HELD(310, "ftp-lines-held"),
    FTP_LINE_TOO_LONG(311, "ftp-line-too-long"),
    FTP_TLS_OPAQUE(312, "ftp-tls-opaque"),
    FTP_AUTH(313, "ftp-auth"),
    DROP_FTP_OUT_OF_ORDER(314, "drop-ftp-out-of-order"),
    DROP_FTP_RETRANSMIT_CHANGED(315, "drop-ftp-retransmit-changed"),
    DROP_FTP_RETRANSMIT_SPLITS_REWRITE(316, "drop-ftp-retransmit-splits-rewrite"),
    FTP_RETRANSMIT_REWRITTEN(317, "ftp-retransmit-rewritten"),
    DROP_FTP_HELD_RETRANSMIT(318, "drop-ftp-held-retransmit"),
    FTP_HOLD_RELEASED_UNPARSED(319, "ftp-hold-released-unparsed"),
    FTP_FAMILY_MISMATCH(320, "ftp-family-mismatch"),
    FTP_SESSIONS_EXHAUSTED(321, "ftp-sessions-exhausted"),
    DROP_FTP_REWRITE_TOO_LARGE(322, "drop-ftp-rewrite-too-large"),
    SEQADJ_HISTORY_MERGED(323, "seqadj-history-merged"),
    FTP_LOW_PORT_REFUSED(324, "ftp-low-port-refused"),
    FTP_NOT_FTP(325, "ftp-not-ftp"),
    FTP_BARE_LF(326, "ftp-bare-lf"),
    FTP_UNSOLICITED_REPLY(327, "ftp-unsolicited-reply"),
    FTP_COMMAND_DENIED(328, "ftp-command-denied"),
    FTP_SYST_MASKED(329, "ftp-syst-masked"),
    FTP_TLS_CLEARTEXT_RESUMED(330, "ftp-tls-cleartext-resumed"),
    FTP_TLS_DESYNC(331, "ftp-tls-desync"),
    /**
     * A PORT/EPRT/227/229 left unrewritten (no expectation) because its segment had no room to grow, or already
     * holds {@code SeqAdjust.HISTORY} rewrites (more would merge sequence boundaries inside the segment itself).
     */
    FTP_REWRITE_NO_ROOM(332, "ftp-rewrite-no-room"),
    /**
     * A control connection reached its idle timeout while one of its data connections was still tracked: its
     * deadline was extended instead of expiring it (scenario 5). Counted once per extension.
     */
    FTP_CONTROL_KEPT_ALIVE(340, "ftp-control-kept-alive"),
    /** TCP keepalive probes the gateway sent on idle control connections ({@code ftp keepalive}), both ends. */
    FTP_KEEPALIVE_PROBES(341, "ftp-keepalive-probes"),
    /**
     * A server line inside a multi-line reply ("211-" ... "211 ") that starts like a 227, 229 or 234: free text by
     * RFC 959 section 4.2 (a STAT, HELP or SITE echo, a file name), never acted on.
     */
    FTP_REPLY_TEXT_IN_MULTILINE(342, "ftp-reply-text-in-multiline"),
    /**
     * A control segment whose bytes the receiving TCP discards (RFC 9293 3.10.7.4): data on a RST, or any segment
     * after an accepted RST. Forwarded with its sequence numbers translated, never parsed.
     */
    FTP_UNDELIVERED_NOT_PARSED(343, "ftp-undelivered-not-parsed"),
    /** A control segment without ACK on a synchronized connection (RFC 9293 3.10.7.4: the receiver drops it). */
    DROP_FTP_NO_ACK(344, "drop-ftp-no-ack"),
    /** A SYN or SYN-ACK again after the connection carried data (a late retransmission): the stream is unmoved. */
    FTP_LATE_SYN_IGNORED(345, "ftp-late-syn-ignored"),
    /**
     * {@code ftp verify-checksum no}: a control segment with a bad TCP checksum forwarded as it came, unparsed
     * (the receiver drops it; nothing in it may open a pinhole).
     */
    FTP_BAD_CHECKSUM_NOT_PARSED(346, "ftp-bad-checksum-not-parsed"),
    /**
     * {@code ftp max-command-line} / {@code max-reply-line} / {@code max-reply-lines}: a peer sent a longer line or
     * multi-line reply; the control connection was reset towards both ends before the line reached the other.
     */
    FTP_LINE_LIMIT_RESET(347, "ftp-line-limit-reset"),

    // ---- FTP recognised on any port, 'ftp detect' (350..359) ----
    /** New TCP connections to a detect port whose first exchange is inspected. */
    FTP_DETECT_INSPECTED(350, "ftp-detect-inspected"),
    /** Connections recognised as FTP (220 greeting, then a known first command) and attached as control flows. */
    FTP_DETECT_ATTACHED(351, "ftp-detect-attached"),
    /** Not FTP: the server's first bytes are not a well-formed 220 greeting, or it spoke again before the client. */
    FTP_DETECT_NOT_FTP_GREETING(352, "ftp-detect-not-ftp-greeting"),
    /** Not FTP: the client sent bytes before the server's greeting was complete (HTTP, TLS, SSH clients...). */
    FTP_DETECT_NOT_FTP_CLIENT_FIRST(353, "ftp-detect-not-ftp-client-first"),
    /** Not FTP: the client's first line is not one of the first commands FTP clients send (EHLO, GET, ...). */
    FTP_DETECT_NOT_FTP_COMMAND(354, "ftp-detect-not-ftp-command"),
    /**
     * Not inspected to the end: the first bytes of a direction could not be seen in order (a gap, data on a SYN),
     * or the connection closed first. Treated as not FTP.
     */
    FTP_DETECT_UNDECIDED(355, "ftp-detect-undecided"),

    // ---- expectations (400..499) ----
    EXPECT_CREATED(400, "expect-created"),
    EXPECT_USED(401, "expect-used"),
    EXPECT_EXPIRED(402, "expect-expired"),
    EXPECT_REPLACED(403, "expect-replaced"),
    EXPECT_REFUSED_TABLE_FULL(404, "expect-refused-table-full"),
    EXPECT_REFUSED_NO_MAPPING(405, "expect-refused-no-mapping"),
    EXPECT_REMOVED_WITH_CONTROL(406, "expect-removed-with-control"),
    /**
     * An unused expectation removed when its control connection was reset (an accepted RST, or ftp-alg's own reset
     * past a line limit): the negotiation it came from may never have reached the application it was for.
     */
    EXPECT_REMOVED_ON_RESET(407, "expect-removed-on-reset"),
    /** An expectation removed by an operator ({@code ftp-alg conntrack -F expect}). */
    EXPECT_FLUSHED(420, "expect-flushed"),

    // ---- router mode (600..699) ----
    ROUTER_ARP_REPLIES(600, "router-arp-replies"),
    ROUTER_NDP_ADVERTISEMENTS(601, "router-ndp-advertisements"),
    ROUTER_NEIGHBOR_REQUESTS(602, "router-neighbor-requests"),
    ROUTER_NEIGHBOR_WAIT(603, "router-neighbor-wait"),
    ROUTER_PENDING_SENT(604, "router-pending-sent"),
    ROUTER_TIME_EXCEEDED_SENT(605, "router-time-exceeded-sent"),
    DROP_ARP_MALFORMED(606, "drop-arp-malformed"),
    DROP_NDP_MALFORMED(607, "drop-ndp-malformed"),
    ROUTER_ECHO_REPLIES(608, "router-echo-replies"),
    DROP_TO_GATEWAY(609, "drop-to-gateway"),
    ROUTER_LINK_SCOPE(610, "router-link-scope-not-routed"),

    // ---- transmit (500..599) ----
    TX_FORWARDED(500, "tx-forwarded"),
    TX_DROPPED(501, "tx-dropped");

    /** Stable numeric id (reports, external tools). */
    public final int id;
    /** Stable text label, kebab-case. */
    public final String label;

    Counter(int id, String label) {
        this.id = id;
        this.label = label;
    }

    public boolean isDrop() {
        return label.startsWith("drop-");
    }

    private static final Counter[] VALUES = values();

    public static Counter byIndex(int ordinal) {
        return VALUES[ordinal];
    }
}
