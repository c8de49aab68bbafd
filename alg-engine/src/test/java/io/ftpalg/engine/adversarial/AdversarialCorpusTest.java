package io.ftpalg.engine.adversarial;

import static io.ftpalg.engine.stats.Counter.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.pipeline.Engine;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.Frames;
import io.ftpalg.engine.testing.FtpDriver;
import io.ftpalg.engine.testing.PacketBuilder;
import io.ftpalg.engine.testing.SimNet;
import io.ftpalg.engine.testing.SimNet.Conn;
import io.ftpalg.engine.testing.SimNet.Host;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The adversarial corpus: one row per attack on the ALG (REFERENCE.md "Attacks to defend against", RFC 2577,
 * the CVEs named there, PROBLEM.md's attack-surface paragraph). Every row gives the configuration, a script over
 * {@link SimNet}/{@link FtpDriver} or raw frames, and the exact outcome: the verdict where a raw frame is fed,
 * the exact values of the counters that matter, and the exact expectation table afterwards (what a data
 * connection would be admitted by). Endpoint-detected inconsistencies ({@link SimNet#errors}) must stay empty.
 *
 * <p>Unless a row says otherwise: an inside client 192.0.2.10 logged in to an outside server 198.51.100.20
 * through source NAT to 203.0.113.1, defaults for everything else ({@code ftp min-data-port 1024},
 * {@code max-expect-per-session 4}, {@code max-line 512}, lenient parsing, syntax check on).
 */
class AdversarialCorpusTest {
    static final String C = "192.0.2.10";
    static final String S = "198.51.100.20";
    static final String PUB = "203.0.113.1";
    /** What the one correct expectation of "PORT 192,0,2,10,195,80" (port 50000) looks like. */
    static final String ACTIVE_50000 = "tcp 198.51.100.20 -> 203.0.113.1:50000";
    /** What the one correct expectation of "227 (198,51,100,20,117,48)" (port 30000) looks like. */
    static final String PASSIVE_30000 = "tcp 192.0.2.10 -> 198.51.100.20:30000";

    static final String SNAT = """
            mode router
            port inside mac 02:00:00:00:00:01
            port outside mac 02:00:00:00:00:02
            snat from 192.0.2.0/24 to 203.0.113.1
            snat from 2001:db8:1::/64 to 2001:db8:ff::1
            """;

    static final String DNAT = """
            mode router
            port inside mac 02:00:00:00:00:01
            port outside mac 02:00:00:00:00:02
            dnat to 203.0.113.1 port 21 -> 192.0.2.20
            """;

    // ============================================================================================================
    // The rows
    // ============================================================================================================

    static Stream<Case> corpus() {
        List<Case> rows = new ArrayList<>();

        // ---- FTP bounce (CVE-1999-0017, RFC 2577 section 3) ----------------------------------------------------
        rows.add(row(
                        "bounce-port-third-host",
                        "PORT naming another inside host (CVE-1999-0017 / RFC 2577 bounce): left unchanged, no pinhole",
                        SNAT,
                        x -> {
                            x.login();
                            x.eq("PORT 192,0,2,99,195,80\r\n", x.cmd("PORT 192,0,2,99,195,80\r\n"), "server got");
                        })
                .n(FTP_PORT, 1)
                .n(FTP_BOUNCE_REFUSED, 1)
                .n(EXPECT_CREATED, 0)
                .n(FTP_REWRITES, 0)
                .live());
        rows.add(row(
                        "bounce-eprt-af1-third-host",
                        "EPRT |1| naming another host (RFC 2577 bounce, RFC 2428 form): no pinhole",
                        SNAT,
                        x -> {
                            x.login();
                            x.eq(
                                    "EPRT |1|198.51.100.99|50000|\r\n",
                                    x.cmd("EPRT |1|198.51.100.99|50000|\r\n"),
                                    "server got");
                        })
                .n(FTP_EPRT, 1)
                .n(FTP_BOUNCE_REFUSED, 1)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "bounce-eprt-af2-third-host",
                        "EPRT |2| on IPv6 naming another IPv6 host (RFC 2577 bounce): no pinhole",
                        SNAT,
                        x -> {
                            x.login6();
                            x.eq(
                                    "EPRT |2|2001:db8:1::99|50000|\r\n",
                                    x.cmd("EPRT |2|2001:db8:1::99|50000|\r\n"),
                                    "server got");
                        })
                .n(FTP_EPRT, 1)
                .n(FTP_BOUNCE_REFUSED, 1)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "bounce-227-other-host",
                        "a server's 227 naming a host other than itself (reverse bounce, RFC 2577): no pinhole",
                        SNAT,
                        x -> {
                            x.login();
                            x.cmd("PASV\r\n");
                            x.rep("227 Entering Passive Mode (198,51,100,99,117,48).\r\n");
                        })
                .n(FTP_PASV, 1)
                .n(FTP_227, 1)
                .n(FTP_BOUNCE_REFUSED, 1)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "227-public-self-behind-dnat-accepted",
                        "control: a DNATed server advertising the public address it is reached at means itself"
                                + " (REFERENCE.md: Linux fails this); one pinhole, nothing rewritten",
                        DNAT,
                        x -> {
                            x.loginDnat();
                            x.cmd("PASV\r\n");
                            x.eq(
                                    "227 Entering Passive Mode (203,0,113,1,117,48).\r\n",
                                    x.rep("227 Entering Passive Mode (203,0,113,1,117,48).\r\n"),
                                    "client got");
                        })
                .n(FTP_BOUNCE_REFUSED, 0)
                .n(EXPECT_CREATED, 1)
                .n(FTP_REWRITES, 0)
                .live("tcp 198.51.100.10 -> 203.0.113.1:30000"));
        rows.add(row(
                        "loose-port-third-host-opens-it",
                        "documents 'ftp loose yes': PORT naming a third host DOES open a pinhole to that host"
                                + " (the RFC 2577 risk the option accepts); no rewrite",
                        SNAT + "ftp loose yes\n",
                        x -> {
                            x.login();
                            x.eq("PORT 192,0,2,99,195,80\r\n", x.cmd("PORT 192,0,2,99,195,80\r\n"), "server got");
                        })
                .n(FTP_BOUNCE_REFUSED, 0)
                .n(EXPECT_CREATED, 1)
                .n(FTP_REWRITES, 0)
                .live("tcp 198.51.100.20 -> 192.0.2.99:50000"));

        // ---- Privileged ports (RFC 2577 section 3: bounce to port 25 etc.) -------------------------------------
        rows.add(lowPort(
                        "low-port-port",
                        "PORT 192,0,2,10,0,25 (SMTP via bounce)",
                        x -> x.cmd("PORT 192,0,2,10,0,25\r\n"))
                .n(FTP_PORT, 1));
        rows.add(lowPort("low-port-eprt", "EPRT |1|...|1023|", x -> x.cmd("EPRT |1|192.0.2.10|1023|\r\n"))
                .n(FTP_EPRT, 1));
        rows.add(lowPort("low-port-227", "227 naming port 3*256+255 = 1023", x -> {
                    x.cmd("PASV\r\n");
                    x.rep("227 Entering Passive Mode (198,51,100,20,3,255).\r\n");
                })
                .n(FTP_227, 1));
        rows.add(lowPort("low-port-229", "229 naming port 22", x -> {
                    x.cmd("EPSV\r\n");
                    x.rep("229 Entering Extended Passive Mode (|||22|)\r\n");
                })
                .n(FTP_229, 1));
        rows.add(row(
                        "port-1024-boundary-accepted",
                        "control for the low-port rows: port 4*256+0 = 1024 is the first admitted (min-data-port)",
                        SNAT,
                        x -> {
                            x.login();
                            x.eq("PORT 203,0,113,1,4,0\r\n", x.cmd("PORT 192,0,2,10,4,0\r\n"), "server got");
                        })
                .n(FTP_LOW_PORT_REFUSED, 0)
                .n(EXPECT_CREATED, 1)
                .live("tcp 198.51.100.20 -> 203.0.113.1:1024"));

        // ---- Numbers out of range, overflow, wrap (REFERENCE.md: Linux accepted these until 2026) --------------
        rows.add(parseError("octet-over-255", "PORT octet 256", "PORT 192,0,2,256,195,80\r\n", FTP_PORT));
        rows.add(parseError(
                "octet-266-wraps-to-own-address",
                "PORT 192,0,2,266: 266 mod 256 = 10 would be the client's own address if the octet wrapped",
                "PORT 192,0,2,266,195,80\r\n",
                FTP_PORT));
        rows.add(parseError("p1-over-255", "PORT p1 = 256", "PORT 192,0,2,10,256,80\r\n", FTP_PORT));
        rows.add(parseError(
                "p2-over-255-wraps",
                "PORT p2 = 336 (80 + 256, an 8-bit wrap)",
                "PORT 192,0,2,10,195,336\r\n",
                FTP_PORT));
        rows.add(parseError(
                "port-zero", "PORT port 0 (no connection can be made to it)", "PORT 192,0,2,10,0,0\r\n", FTP_PORT));
        rows.add(parseError("eprt-port-zero", "EPRT port 0", "EPRT |1|192.0.2.10|0|\r\n", FTP_EPRT));
        rows.add(parseError("eprt-port-over-65535", "EPRT port 65536", "EPRT |1|192.0.2.10|65536|\r\n", FTP_EPRT));
        rows.add(parseError(
                "eprt-port-wrap-115536",
                "EPRT port 115536 = 50000 + 65536: a 16-bit wrap would give the client's own port 50000",
                "EPRT |1|192.0.2.10|115536|\r\n",
                FTP_EPRT));
        rows.add(parseError(
                "port-digit-overflow",
                "PORT p1 \"99999999999\" (overflows int and long arithmetic)",
                "PORT 192,0,2,10,99999999999,80\r\n",
                FTP_PORT));
        rows.add(parseError(
                "eprt-digit-overflow", "EPRT port \"99999999999\"", "EPRT |1|192.0.2.10|99999999999|\r\n", FTP_EPRT));
        rows.add(row(
                        "229-port-over-65535",
                        "229 naming port 65536 after EPSV: unparsable, forwarded unchanged, no pinhole",
                        SNAT,
                        x -> {
                            x.login();
                            x.cmd("EPSV\r\n");
                            x.eq(
                                    "229 Entering Extended Passive Mode (|||65536|)\r\n",
                                    x.rep("229 Entering Extended Passive Mode (|||65536|)\r\n"),
                                    "client got");
                        })
                .n(FTP_229, 1)
                .n(FTP_PARSE_ERRORS, 1)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(
                row("227-digit-overflow", "227 with p1 \"99999999999\" after PASV: unparsable, no pinhole", SNAT, x -> {
                            x.login();
                            x.cmd("PASV\r\n");
                            x.rep("227 Entering Passive Mode (198,51,100,20,99999999999,48).\r\n");
                        })
                        .n(FTP_227, 1)
                        .n(FTP_PARSE_ERRORS, 1)
                        .n(EXPECT_CREATED, 0)
                        .live());

        // ---- Length fields: 8-bit wraps (OVS CVE-2026-34956), 16-bit, over-long lines -------------------------
        for (int len : new int[] {255, 256}) {
            String line = pad("PORT 192,0,2,10,195,80", len);
            rows.add(row(
                            "line-of-" + len + "-bytes",
                            "a " + len + "-byte PORT line (trailing blanks): an 8-bit length would wrap at 256;"
                                    + " parsed and rewritten in full",
                            SNAT,
                            x -> {
                                x.login();
                                x.eq(
                                        pad("PORT 203,0,113,1,195,80", len + 1) + "\r\n",
                                        x.cmd(line + "\r\n"),
                                        "server got");
                            })
                    .n(FTP_PORT, 1)
                    .n(FTP_LINE_TOO_LONG, 0)
                    .n(FTP_REWRITES, 1)
                    .n(EXPECT_CREATED, 1)
                    .live(ACTIVE_50000));
        }
        rows.add(row(
                        "line-over-max-line-complete",
                        "a complete 513-byte PORT line (> ftp max-line 512) in one segment: not parsed, forwarded"
                                + " unchanged",
                        SNAT,
                        x -> {
                            x.login();
                            String line = pad("PORT 192,0,2,10,195,80", 513) + "\r\n";
                            x.eq(line, x.cmd(line), "server got");
                        })
                .n(FTP_PORT, 0)
                .n(FTP_LINE_TOO_LONG, 1)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "held-line-grows-past-max-line",
                        "a held PORT line (322 bytes, held) completed by a segment that takes it to 622 bytes"
                                + " (> max-line): not parsed, all bytes delivered",
                        SNAT,
                        x -> {
                            x.login();
                            String a = pad("PORT 192,0,2,10,195,80", 322);
                            String b = " ".repeat(300) + "\r\n";
                            x.f.c.sendPieces(a, b);
                            x.eq(a + b, x.f.s.take(), "server got");
                        })
                .n(FTP_LINES_HELD, 1)
                .n(FTP_LINE_TOO_LONG, 1)
                .n(FTP_PORT, 0)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "line-of-70000-bytes",
                        "a 70000-byte PORT line (past any 16-bit length) over 48 segments: flagged once, never held"
                                + " beyond max-line, delivered byte for byte",
                        SNAT,
                        x -> {
                            x.login();
                            String line = pad("PORT 192,0,2,10,195,80", 70_000) + "\r\n";
                            x.eq(line, x.cmd(line), "server got");
                            x.eq("NOOP\r\n", x.cmd("NOOP\r\n"), "stream goes on");
                        })
                .n(FTP_LINE_TOO_LONG, 1)
                .n(FTP_LINES_HELD, 0)
                .n(FTP_PORT, 0)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(eprtBurst(
                "rewrite-growth-past-slot-capacity",
                "one 1800-byte segment (MSS 1900) of 60 EPRT lines that each grow by 25 bytes (long NAT"
                        + " address): the output would overrun the 2048-byte slot; only the 6 rewrites that"
                        + " surely fit are made, the rest left unrewritten with no pinhole, counted (it used to"
                        + " write past the output buffer)",
                1900,
                60,
                6));
        rows.add(eprtBurst(
                "seventeen-rewrites-in-one-segment",
                "one segment of 48 growing EPRT lines: more than SeqAdjust.HISTORY (16) rewrites in one"
                        + " segment would merge boundaries inside it and shift its own seq (the server saw a gap of"
                        + " 100 bytes); the first 16 are rewritten, the rest left with no pinhole, counted",
                1460,
                48,
                16));

        // ---- NAT slipstreaming / injected commands (CERT 1998, NAT Slipstreaming 2020-21, CVE-2022-2663) ------
        rows.add(slip(
                        "http-post-port-at-line-start",
                        "browser POST to port 21 whose body has \"PORT <client's own address>\" at a line start:"
                                + " the header lines are not FTP, so the connection is never interpreted",
                        SNAT,
                        false)
                .n(FTP_NOT_FTP, 1)
                .n(FTP_PORT, 0)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(slip(
                        "http-post-port-at-segment-start",
                        "the same POST padded so that the PORT line starts a TCP segment (MSS-tuned, NAT"
                                + " slipstreaming): still never interpreted",
                        SNAT,
                        true)
                .n(FTP_NOT_FTP, 1)
                .n(FTP_PORT, 0)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(slip(
                        "http-post-syntax-check-off-opens-pinhole",
                        "documents 'ftp syntax-check no': the POST body's line-start PORT naming the client's own"
                                + " address IS parsed and opens a pinhole (the NAT-slipstreaming hole the check"
                                + " closes); do not turn the check off on untrusted clients",
                        SNAT + "ftp syntax-check no\n",
                        true)
                .n(FTP_NOT_FTP, 0)
                .n(FTP_PORT, 1)
                .n(EXPECT_CREATED, 1)
                .live(ACTIVE_50000));
        rows.add(row(
                        "port-at-segment-start-mid-line-syntax-check-off",
                        "Linux-style injection: PORT at the start of a segment but in the middle of a line (the"
                                + " previous segment did not end in LF); only line starts count, even with the"
                                + " syntax check off",
                        SNAT + "ftp syntax-check no\n",
                        x -> {
                            x.login();
                            x.f.c.sendPieces("NOOP padding-padding ", "PORT 192,0,2,10,195,80\r\n");
                            x.eq("NOOP padding-padding PORT 192,0,2,10,195,80\r\n", x.f.s.take(), "server got");
                        })
                .n(FTP_PORT, 0)
                .n(EXPECT_CREATED, 0)
                .live());

        // ---- Lines split across segments ---------------------------------------------------------------------
        rows.add(row(
                        "port-split-at-every-byte",
                        "\"PORT 192,0,2,10,195,80\\r\\n\" split into two segments at each of its 23 inner positions"
                                + " (REFERENCE.md: Linux stalls): each rewritten whole, exactly one pinhole",
                        SNAT,
                        x -> {
                            String line = "PORT 192,0,2,10,195,80\r\n";
                            for (int cut = 1; cut < line.length(); cut++) {
                                x.fresh();
                                x.login();
                                x.f.c.sendPieces(line.substring(0, cut), line.substring(cut));
                                x.eq("PORT 203,0,113,1,195,80\r\n", x.f.s.take(), "cut " + cut);
                                x.eq(List.of(ACTIVE_50000), x.live(), "table, cut " + cut);
                                x.eq(1L, x.count(EXPECT_CREATED), "expect-created, cut " + cut);
                                x.eq(List.of(), x.net.errors, "errors, cut " + cut);
                                x.eq(true, x.f.c.allAcked(), "acked, cut " + cut);
                            }
                        })
                .n(FTP_PORT, 1)
                .n(FTP_REWRITES, 1)
                .n(EXPECT_CREATED, 1)
                .live(ACTIVE_50000));
        rows.add(row(
                        "port-one-byte-per-segment",
                        "the PORT line sent as 24 one-byte segments: held across all, rewritten once",
                        SNAT,
                        x -> {
                            x.login();
                            String line = "PORT 192,0,2,10,195,80\r\n";
                            String[] pieces = new String[line.length()];
                            for (int i = 0; i < pieces.length; i++) {
                                pieces[i] = line.substring(i, i + 1);
                            }
                            x.f.c.sendPieces(pieces);
                            x.eq("PORT 203,0,113,1,195,80\r\n", x.f.s.take(), "server got");
                            x.eq(true, x.f.c.allAcked(), "acked");
                        })
                .n(FTP_PORT, 1)
                .n(FTP_REWRITES, 1)
                .n(FTP_LINES_HELD, 23)
                .n(EXPECT_CREATED, 1)
                .live(ACTIVE_50000));
        rows.add(row(
                        "227-split-at-every-byte",
                        "a DNATed server's 227 split at each inner position: each rewritten to the public address,"
                                + " exactly one pinhole",
                        DNAT,
                        x -> {
                            String line = "227 Entering Passive Mode (192,0,2,20,117,48).\r\n";
                            for (int cut = 1; cut < line.length(); cut++) {
                                x.fresh();
                                x.loginDnat();
                                x.cmd("PASV\r\n");
                                x.f.s.sendPieces(line.substring(0, cut), line.substring(cut));
                                x.eq("227 Entering Passive Mode (203,0,113,1,117,48).\r\n", x.f.c.take(), "cut " + cut);
                                x.eq(List.of("tcp 198.51.100.10 -> 203.0.113.1:30000"), x.live(), "table, cut " + cut);
                                x.eq(1L, x.count(EXPECT_CREATED), "expect-created, cut " + cut);
                                x.eq(List.of(), x.net.errors, "errors, cut " + cut);
                                x.eq(true, x.f.s.allAcked(), "acked, cut " + cut);
                            }
                        })
                .n(FTP_227, 1)
                .n(FTP_REWRITES, 1)
                .n(EXPECT_CREATED, 1)
                .live("tcp 198.51.100.10 -> 203.0.113.1:30000"));

        // ---- Retransmissions with different bytes -------------------------------------------------------------
        rows.add(row(
                        "retransmit-changes-port",
                        "a retransmission of the rewritten PORT (same seq) with another port: dropped and counted;"
                                + " the table keeps only the original pinhole",
                        SNAT,
                        x -> {
                            x.login();
                            long seq = x.f.c.sndNxt();
                            x.cmd("PORT 192,0,2,10,195,80\r\n");
                            int out = x.net.outputs.size();
                            x.f.c.retransmit(seq, "PORT 192,0,2,10,195,99\r\n");
                            x.eq(out, x.net.outputs.size(), "nothing forwarded");
                            x.eq(DROP_FTP_RETRANSMIT_CHANGED, x.net.engine.lastDrop(), "drop reason");
                        })
                .n(DROP_FTP_RETRANSMIT_CHANGED, 1)
                .n(EXPECT_CREATED, 1)
                .n(FTP_PORT, 1)
                .live(ACTIVE_50000));
        rows.add(row(
                        "retransmit-changes-address-to-third-host",
                        "a retransmission (same seq) that swaps the address for a third host's: dropped, no bounce"
                                + " check even reached, table unchanged",
                        SNAT,
                        x -> {
                            x.login();
                            long seq = x.f.c.sndNxt();
                            x.cmd("PORT 192,0,2,10,195,80\r\n");
                            x.f.c.retransmit(seq, "PORT 192,0,2,99,195,80\r\n");
                            x.eq(DROP_FTP_RETRANSMIT_CHANGED, x.net.engine.lastDrop(), "drop reason");
                        })
                .n(DROP_FTP_RETRANSMIT_CHANGED, 1)
                .n(FTP_BOUNCE_REFUSED, 0)
                .n(EXPECT_CREATED, 1)
                .live(ACTIVE_50000));
        rows.add(row(
                        "retransmit-splits-rewritten-span",
                        "a retransmission starting inside the rewritten numbers: cannot be shifted consistently,"
                                + " dropped and counted",
                        SNAT,
                        x -> {
                            x.login();
                            long seq = x.f.c.sndNxt();
                            x.cmd("PORT 192,0,2,10,195,80\r\n");
                            x.f.c.retransmit(seq + 8, "0,2,10,195,80\r\n");
                            x.eq(DROP_FTP_RETRANSMIT_SPLITS_REWRITE, x.net.engine.lastDrop(), "drop reason");
                        })
                .n(DROP_FTP_RETRANSMIT_SPLITS_REWRITE, 1)
                .n(EXPECT_CREATED, 1)
                .live(ACTIVE_50000));
        rows.add(row(
                        "retransmit-same-bytes-identical-rewrite",
                        "a faithful retransmission of a rewritten PORT: the same rewritten bytes at the same"
                                + " shifted seq, no new negotiation",
                        SNAT,
                        x -> {
                            x.login();
                            long seq = x.f.c.sndNxt();
                            x.cmd("PORT 192,0,2,10,195,80\r\n");
                            byte[] first = tcpPayloadAndSeq(x.net.outputs.get(x.net.outputs.size() - 2));
                            x.f.c.retransmit(seq, "PORT 192,0,2,10,195,80\r\n");
                            byte[] again = tcpPayloadAndSeq(x.net.outputs.get(x.net.outputs.size() - 2));
                            x.eq(Arrays.toString(first), Arrays.toString(again), "identical seq and payload");
                        })
                .n(FTP_RETRANSMIT_REWRITTEN, 1)
                .n(FTP_PORT, 1)
                .n(FTP_REWRITES, 1)
                .n(EXPECT_CREATED, 1)
                .live(ACTIVE_50000));
        rows.add(row(
                        "retransmit-changes-held-line",
                        "while a partial PORT is held, a retransmission of it with a third host's address: dropped;"
                                + " the line completes with the original bytes",
                        SNAT,
                        x -> {
                            x.login();
                            long seq = x.f.c.sndNxt();
                            x.f.c.sendPieces("PORT 192,0,2,10,19");
                            x.f.c.retransmit(seq, "PORT 192,0,2,99,19");
                            x.eq(DROP_FTP_HELD_RETRANSMIT, x.net.engine.lastDrop(), "drop reason");
                            x.f.c.sendPieces("5,80\r\n");
                            x.eq("PORT 203,0,113,1,195,80\r\n", x.f.s.take(), "server got");
                        })
                .n(DROP_FTP_HELD_RETRANSMIT, 1)
                .n(FTP_BOUNCE_REFUSED, 0)
                .n(EXPECT_CREATED, 1)
                .live(ACTIVE_50000));
        rows.add(row(
                        "retransmit-overlapping-held-line-first-copy-wins",
                        "a retransmission overlapping a held partial PORT with different bytes plus the line's"
                                + " end: the held (first) bytes are used, the new bytes only extend them",
                        SNAT,
                        x -> {
                            x.login();
                            long seq = x.f.c.sndNxt();
                            x.f.c.sendPieces("PORT 192,0,2,10,19");
                            x.net.loseNext();
                            x.f.c.sendPieces("5,80\r\n");
                            x.f.c.retransmit(seq, "PORT 192,0,2,99,195,80\r\n");
                            x.eq("PORT 203,0,113,1,195,80\r\n", x.f.s.take(), "server got");
                        })
                .n(FTP_BOUNCE_REFUSED, 0)
                .n(EXPECT_CREATED, 1)
                .live(ACTIVE_50000));

        // ---- Strict mode (Cisco ASA inspect ftp strict) vs lenient (Linux) ------------------------------------
        rows.add(row(
                        "strict-227-without-pasv",
                        "strict: a 227 that answers no PASV is ignored (ASA / OpenBSD ftp-proxy)",
                        SNAT + "ftp strict yes\n",
                        x -> {
                            x.login();
                            x.rep("227 Entering Passive Mode (198,51,100,20,117,48).\r\n");
                        })
                .n(FTP_227, 1)
                .n(FTP_UNSOLICITED_REPLY, 1)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "lenient-227-without-pasv-accepted",
                        "documents lenient mode (Linux behaviour): a 227 without PASV naming the server itself IS"
                                + " accepted and opens a pinhole from the client to the server",
                        SNAT,
                        x -> {
                            x.login();
                            x.rep("227 Entering Passive Mode (198,51,100,20,117,48).\r\n");
                        })
                .n(FTP_227, 1)
                .n(FTP_UNSOLICITED_REPLY, 0)
                .n(EXPECT_CREATED, 1)
                .live(PASSIVE_30000));
        rows.add(row(
                        "strict-229-without-epsv",
                        "strict: a 229 that answers no EPSV is ignored",
                        SNAT + "ftp strict yes\n",
                        x -> {
                            x.login();
                            x.rep("229 Entering Extended Passive Mode (|||30000|)\r\n");
                        })
                .n(FTP_229, 1)
                .n(FTP_UNSOLICITED_REPLY, 1)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "strict-bare-lf-not-parsed",
                        "strict: a PORT ended by a bare LF (smuggling, Netty LineBasedFrameDecoder warning) is not"
                                + " parsed",
                        SNAT + "ftp strict yes\n",
                        x -> {
                            x.login();
                            x.eq("PORT 192,0,2,10,195,80\n", x.cmd("PORT 192,0,2,10,195,80\n"), "server got");
                        })
                .n(FTP_BARE_LF, 1)
                .n(FTP_PORT, 0)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "lenient-bare-lf-parsed",
                        "documents lenient mode: a bare-LF PORT is parsed (as Linux and most servers do)",
                        SNAT,
                        x -> {
                            x.login();
                            x.eq("PORT 203,0,113,1,195,80\n", x.cmd("PORT 192,0,2,10,195,80\n"), "server got");
                        })
                .n(FTP_BARE_LF, 0)
                .n(FTP_PORT, 1)
                .n(EXPECT_CREATED, 1)
                .live(ACTIVE_50000));
        rows.add(row(
                        "strict-port-trailing-junk",
                        "strict: PORT with junk after p2 (ASA: no trailing junk) is not parsed",
                        SNAT + "ftp strict yes\n",
                        x -> {
                            x.login();
                            x.cmd("PORT 192,0,2,10,195,80 x\r\n");
                        })
                .n(FTP_PORT, 1)
                .n(FTP_PARSE_ERRORS, 1)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "strict-port-trailing-blank",
                        "strict: even a trailing blank after p2 is refused (lenient trims it)",
                        SNAT + "ftp strict yes\n",
                        x -> {
                            x.login();
                            x.cmd("PORT 192,0,2,10,195,80 \r\n");
                        })
                .n(FTP_PARSE_ERRORS, 1)
                .n(EXPECT_CREATED, 0)
                .live());

        // ---- Floods (REFERENCE.md: floods of PORT/PASV to exhaust the expectation table) -----------------------
        rows.add(row(
                        "port-flood-per-session-cap",
                        "10 PORTs on one control connection: exactly max-expect-per-session (4) live, the oldest"
                                + " replaced each time",
                        SNAT,
                        x -> {
                            x.login();
                            for (int i = 0; i < 10; i++) {
                                int port = 50_000 + i;
                                x.cmd("PORT 192,0,2,10," + (port >> 8) + "," + (port & 255) + "\r\n");
                            }
                        })
                .n(FTP_PORT, 10)
                .n(EXPECT_CREATED, 10)
                .n(EXPECT_REPLACED, 6)
                .n(EXPECT_REFUSED_TABLE_FULL, 0)
                .live(
                        "tcp 198.51.100.20 -> 203.0.113.1:50006",
                        "tcp 198.51.100.20 -> 203.0.113.1:50007",
                        "tcp 198.51.100.20 -> 203.0.113.1:50008",
                        "tcp 198.51.100.20 -> 203.0.113.1:50009"));
        rows.add(row(
                        "pasv-flood-across-sessions-max-expect",
                        "5 control connections each negotiating PASV with 'ftp max-expect 3': 3 pinholes, the"
                                + " other 2 refused and counted (the table never grows past the cap)",
                        SNAT + "ftp max-expect 3\nftp max-expect-per-session 1\n",
                        x -> {
                            Host client = x.net.host("client", C, PacketSlot.PORT_INSIDE);
                            Host server = x.net.host("server", S, PacketSlot.PORT_OUTSIDE);
                            for (int i = 0; i < 5; i++) {
                                FtpDriver f = new FtpDriver(x.net, client, server).login(40_000 + i, S, 21);
                                f.command("PASV\r\n");
                                f.reply("227 Entering Passive Mode (198,51,100,20,117," + (48 + i) + ").\r\n");
                            }
                        })
                .n(FTP_CONTROL_FLOWS, 5)
                .n(FTP_227, 5)
                .n(EXPECT_CREATED, 3)
                .n(EXPECT_REFUSED_TABLE_FULL, 2)
                .live(
                        "tcp 192.0.2.10 -> 198.51.100.20:30000",
                        "tcp 192.0.2.10 -> 198.51.100.20:30001",
                        "tcp 192.0.2.10 -> 198.51.100.20:30002"));
        rows.add(row(
                        "syn-flood-per-source-budget",
                        "100 SYNs in the same millisecond from one source (flows per-source-burst 20): 20 flows,"
                                + " 80 dropped and counted; another source is unaffected; no expectation",
                        SNAT + "flows per-source-rate 10\nflows per-source-burst 20\n",
                        x -> {
                            long t = x.net.clock();
                            for (int i = 0; i < 100; i++) {
                                x.raw(
                                        PacketBuilder.ethernet("02:00:00:00:01:99", SimNet.GW_INSIDE_MAC)
                                                .ipv4(C, S)
                                                .tcp(10_000 + i, 21, 1000, 0, TcpHeader.SYN)
                                                .build(),
                                        PacketSlot.PORT_INSIDE,
                                        t);
                            }
                            x.eq(Engine.DROP, x.verdict, "last SYN of the flood");
                            x.raw(
                                    PacketBuilder.ethernet("02:00:00:00:01:98", SimNet.GW_INSIDE_MAC)
                                            .ipv4("192.0.2.11", S)
                                            .tcp(10_000, 21, 1000, 0, TcpHeader.SYN)
                                            .build(),
                                    PacketSlot.PORT_INSIDE,
                                    t);
                        })
                .verdict(Engine.FORWARD)
                .n(FLOW_CREATED, 21)
                .n(DROP_SOURCE_BUDGET, 80)
                .n(FTP_CONTROL_FLOWS, 21)
                .n(EXPECT_CREATED, 0)
                .live());

        // ---- FTPS (RFC 4217; Juniper CVE-2015-5361 opened everything instead) ---------------------------------
        rows.add(row(
                        "ftps-cleartext-port-after-234",
                        "after AUTH TLS + 234 a cleartext-looking PORT (not a TLS record, no alert before it) is"
                                + " not read: the lane stays opaque (desync counted)",
                        SNAT,
                        x -> {
                            x.login();
                            x.cmd("AUTH TLS\r\n");
                            x.rep("234 Proceed with negotiation.\r\n");
                            x.eq("PORT 192,0,2,10,195,80\r\n", x.cmd("PORT 192,0,2,10,195,80\r\n"), "server got");
                        })
                .n(FTP_AUTH, 1)
                .n(FTP_TLS_OPAQUE, 1)
                .n(FTP_TLS_DESYNC, 1)
                .n(FTP_PORT, 0)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "ftps-port-bytes-inside-tls-records",
                        "TLS application-data records whose plaintext-looking bodies hold PORT lines, one at a"
                                + " segment start (record header in the previous segment): nothing read",
                        SNAT,
                        x -> {
                            x.login();
                            x.cmd("AUTH TLS\r\n");
                            x.rep("234 Proceed with negotiation.\r\n");
                            x.f.c.send(tls(22, new byte[200]));
                            x.f.s.send(tls(22, new byte[300]));
                            x.f.c.send(tls(23, ascii("\r\nPORT 192,0,2,10,195,80\r\n")));
                            byte[] rec = tls(23, ascii("PORT 192,0,2,10,195,81\r\n"));
                            x.f.c.sendPieces(
                                    latin(Arrays.copyOf(rec, 5)), latin(Arrays.copyOfRange(rec, 5, rec.length)));
                            x.f.s.take();
                            x.f.c.take();
                        })
                .n(FTP_TLS_OPAQUE, 1)
                .n(FTP_TLS_DESYNC, 0)
                .n(FTP_TLS_CLEARTEXT_RESUMED, 0)
                .n(FTP_PORT, 0)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "ftps-ccc-return-to-cleartext",
                        "AUTH TLS, records, CCC inside TLS, then each side's close_notify alert record followed by"
                                + " clear text (RFC 4217 section 12.3): lines are read again, the PORT opens its one"
                                + " pinhole",
                        SNAT,
                        x -> {
                            x.login();
                            x.cmd("AUTH TLS\r\n");
                            x.rep("234 Proceed with negotiation.\r\n");
                            x.f.c.send(tls(22, new byte[200]));
                            x.f.s.send(tls(22, new byte[300]));
                            x.f.c.send(tls(23, ascii("CCC\r\n")));
                            x.f.s.send(tls(23, ascii("200 CCC ok\r\n")));
                            x.f.s.take();
                            x.f.c.take();
                            byte[] alert = tls(21, new byte[] {1, 0});
                            x.f.c.send(concat(alert, ascii("PORT 192,0,2,10,195,80\r\n")));
                            x.eq(latin(alert) + "PORT 203,0,113,1,195,80\r\n", x.f.s.take(), "server got");
                            x.f.s.send(concat(alert, ascii("200 PORT command successful.\r\n")));
                            x.eq(latin(alert) + "200 PORT command successful.\r\n", x.f.c.take(), "client got");
                            x.eq("NOOP\r\n", x.cmd("NOOP\r\n"), "clear text goes on");
                        })
                .n(FTP_TLS_OPAQUE, 1)
                .n(FTP_TLS_CLEARTEXT_RESUMED, 2)
                .n(FTP_TLS_DESYNC, 0)
                .n(FTP_PORT, 1)
                .n(FTP_REWRITES, 1)
                .n(EXPECT_CREATED, 1)
                .live(ACTIVE_50000));
        for (String refusal : new String[] {"534 Request denied for policy reason.", "504 Unknown AUTH type."}) {
            String code = refusal.substring(0, 3);
            rows.add(row(
                            "ftps-auth-refused-" + code,
                            "AUTH TLS answered " + code + " (refused): the connection stays clear, PORT works",
                            SNAT,
                            x -> {
                                x.login();
                                x.cmd("AUTH TLS\r\n");
                                x.rep(refusal + "\r\n");
                                x.eq("PORT 203,0,113,1,195,80\r\n", x.cmd("PORT 192,0,2,10,195,80\r\n"), "server got");
                            })
                    .n(FTP_AUTH, 1)
                    .n(FTP_TLS_OPAQUE, 0)
                    .n(EXPECT_CREATED, 1)
                    .live(ACTIVE_50000));
        }
        rows.add(row(
                        "unsolicited-234-does-not-blind",
                        "a 234 that answers no AUTH TLS (server trying to blind the ALG): ignored, PORT works",
                        SNAT,
                        x -> {
                            x.login();
                            x.rep("234 Proceed with negotiation.\r\n");
                            x.eq("PORT 203,0,113,1,195,80\r\n", x.cmd("PORT 192,0,2,10,195,80\r\n"), "server got");
                        })
                .n(FTP_TLS_OPAQUE, 0)
                .n(EXPECT_CREATED, 1)
                .live(ACTIVE_50000));

        // ---- Policy: deny-command, mask-syst (Cisco ASA request-command deny, mask-syst-reply) -----------------
        rows.add(row(
                        "deny-command-site",
                        "'ftp deny-command SITE': SITE EXEC and site chmod arrive as XXXX (same length), counted",
                        SNAT + "ftp deny-command SITE\n",
                        x -> {
                            x.login();
                            x.eq("XXXX EXEC /bin/sh\r\n", x.cmd("SITE EXEC /bin/sh\r\n"), "server got");
                            x.eq("XXXX chmod 777 x\r\n", x.cmd("site chmod 777 x\r\n"), "server got");
                            x.eq(
                                    "PORT 203,0,113,1,195,80\r\n",
                                    x.cmd("PORT 192,0,2,10,195,80\r\n"),
                                    "PORT still works");
                        })
                .n(FTP_COMMAND_DENIED, 2)
                .n(EXPECT_CREATED, 1)
                .live(ACTIVE_50000));
        rows.add(row(
                        "mask-syst",
                        "'ftp mask-syst yes': the server's 215 text arrives as X's (same length)",
                        SNAT + "ftp mask-syst yes\n",
                        x -> {
                            x.login();
                            x.cmd("SYST\r\n");
                            x.eq("215 XXXXXXXXXXXXX\r\n", x.rep("215 UNIX Type: L8\r\n"), "client got");
                        })
                .n(FTP_SYST_MASKED, 1)
                .live());

        // ---- Direction, port and family ------------------------------------------------------------------------
        rows.add(row(
                        "port-on-non-ftp-port",
                        "PORT on a connection to port 2121 when only 21 is configured: no ALG attached, nothing"
                                + " read or opened",
                        SNAT,
                        x -> {
                            x.login(C, S, 2121);
                            x.eq("PORT 192,0,2,10,195,80\r\n", x.cmd("PORT 192,0,2,10,195,80\r\n"), "server got");
                        })
                .n(FTP_CONTROL_FLOWS, 0)
                .n(FTP_PORT, 0)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "port-from-server-direction",
                        "a server sending \"PORT ...\" to the client: not a reply line, so the server's lines are"
                                + " not FTP and the connection is no longer interpreted; nothing opened",
                        SNAT,
                        x -> {
                            x.login();
                            x.eq("PORT 198,51,100,20,195,80\r\n", x.rep("PORT 198,51,100,20,195,80\r\n"), "client got");
                        })
                .n(FTP_NOT_FTP, 1)
                .n(FTP_PORT, 0)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "227-from-client-direction",
                        "a client sending a 227 line: not a command, the connection is no longer interpreted",
                        SNAT,
                        x -> {
                            x.login();
                            x.cmd("227 Entering Passive Mode (192,0,2,10,195,80).\r\n");
                        })
                .n(FTP_NOT_FTP, 1)
                .n(FTP_227, 0)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "227-from-client-direction-syntax-check-off",
                        "without the syntax check a client's 227 line is simply not a command: ignored",
                        SNAT + "ftp syntax-check no\n",
                        x -> {
                            x.login();
                            x.cmd("227 Entering Passive Mode (192,0,2,10,195,80).\r\n");
                        })
                .n(FTP_NOT_FTP, 0)
                .n(FTP_227, 0)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "eprt-af2-on-ipv4",
                        "EPRT |2| on an IPv4 control connection (REFERENCE.md: Linux takes |2| only on IPv6):"
                                + " family mismatch, nothing opened",
                        SNAT,
                        x -> {
                            x.login();
                            x.cmd("EPRT |2|2001:db8:1::10|50000|\r\n");
                        })
                .n(FTP_EPRT, 1)
                .n(FTP_FAMILY_MISMATCH, 1)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "eprt-af1-on-ipv6",
                        "EPRT |1| on an IPv6 control connection: family mismatch, nothing opened",
                        SNAT,
                        x -> {
                            x.login6();
                            x.cmd("EPRT |1|192.0.2.10|50000|\r\n");
                        })
                .n(FTP_EPRT, 1)
                .n(FTP_FAMILY_MISMATCH, 1)
                .n(EXPECT_CREATED, 0)
                .live());

        // ---- NUL and 8-bit bytes (C-string truncation, 7-bit stripping) ----------------------------------------
        rows.add(parseError(
                "port-with-nul-inside",
                "a NUL inside the numbers (a C parser would stop at it)",
                "PORT 192,0,2,10\0,195,80\r\n",
                FTP_PORT));
        rows.add(parseError(
                "port-with-nul-after",
                "a NUL and junk after p2 (a C parser would see a clean line)",
                "PORT 192,0,2,10,195,80\0junk\r\n",
                FTP_PORT));
        rows.add(parseError(
                "port-with-high-bit-digits",
                "p2 written as 0xB8 0xB0 ('8' '0' with the high bit set; 7-bit stripping would read 80)",
                "PORT 192,0,2,10,195,\u00b8\u00b0\r\n",
                FTP_PORT));
        rows.add(row(
                        "telnet-iac-before-abor",
                        "IAC IP, IAC DM before ABOR (RFC 959 section 4.1.3, as clients send it, split over three"
                                + " segments and in one): must not be flagged as not-FTP; PORT works after",
                        SNAT,
                        x -> {
                            x.login();
                            x.f.c.sendPieces("\u00ff\u00f4\u00ff", "\u00f2", "ABOR\r\n");
                            x.f.s.take();
                            x.rep("226 Abort successful\r\n");
                            x.cmd("\u00ff\u00f4\u00ff\u00f2ABOR\r\n");
                            x.rep("226 Abort successful\r\n");
                            x.eq("PORT 203,0,113,1,195,80\r\n", x.cmd("PORT 192,0,2,10,195,80\r\n"), "server got");
                        })
                .n(FTP_NOT_FTP, 0)
                .n(EXPECT_CREATED, 1)
                .live(ACTIVE_50000));

        // ---- Malformed frames (decoder drop counters) ----------------------------------------------------------
        byte[] port4 = Frames.tcp4(40_000, 21, 1000, 1, TcpHeader.ACK | TcpHeader.PSH)
                .payload("PORT 192,0,2,10,195,80\r\n")
                .build();
        rows.add(malformed(
                "malformed-truncated-tcp-header",
                "a TCP header of 19 bytes",
                PacketBuilder.ethernet()
                        .ipv4(C, S)
                        .rawL4(6)
                        .payload(new byte[19])
                        .build(),
                DROP_TCP_TRUNCATED));
        rows.add(malformed(
                "malformed-ipv4-ihl-4",
                "IPv4 IHL 4 (shorter than the fixed header)",
                patch(port4, 14, 0x44),
                DROP_IPV4_BAD_HEADER_LENGTH));
        rows.add(malformed(
                "malformed-ipv4-total-length-lies-long",
                "IPv4 total length beyond the frame",
                Frames.tcp4(40_000, 21, 1000, 1, TcpHeader.ACK)
                        .payload("PORT 1")
                        .ipLength(1500)
                        .build(),
                DROP_IPV4_TRUNCATED));
        rows.add(malformed(
                "malformed-ipv4-total-length-below-header",
                "IPv4 total length 19, below the header",
                Frames.tcp4(40_000, 21, 1000, 1, TcpHeader.ACK).ipLength(19).build(),
                DROP_IPV4_BAD_TOTAL_LENGTH));
        rows.add(malformed(
                "malformed-tcp-data-offset-4",
                "TCP data offset 4 words (below 20 bytes)",
                Frames.tcp4(40_000, 21, 1000, 1, TcpHeader.ACK).dataOffset(4).build(),
                DROP_TCP_BAD_HEADER_LENGTH));
        rows.add(malformed(
                "malformed-tcp-data-offset-past-end",
                "TCP data offset 15 words over a short segment",
                Frames.tcp4(40_000, 21, 1000, 1, TcpHeader.ACK)
                        .dataOffset(15)
                        .payload("PORT")
                        .build(),
                DROP_TCP_TRUNCATED));
        PacketBuilder v6 = PacketBuilder.ethernet().ipv6("2001:db8:1::10", "2001:db8:2::20");
        for (int i = 0; i < 9; i++) {
            v6.destOptions();
        }
        rows.add(malformed(
                "malformed-ipv6-extension-chain-too-long",
                "nine destination-options headers (chain walk bounded at 8)",
                v6.tcp(40_000, 21, 1000, 0, TcpHeader.SYN).build(),
                DROP_IPV6_BAD_EXTENSION_CHAIN));
        rows.add(malformed(
                "malformed-ipv6-hop-by-hop-loop",
                "hop-by-hop repeated after another header (a chain that comes back to its start)",
                PacketBuilder.ethernet()
                        .ipv6("2001:db8:1::10", "2001:db8:2::20")
                        .hopByHop()
                        .destOptions()
                        .hopByHop()
                        .tcp(40_000, 21, 1000, 0, TcpHeader.SYN)
                        .build(),
                DROP_IPV6_BAD_EXTENSION_CHAIN));
        rows.add(malformed(
                "malformed-ipv6-extension-longer-than-packet",
                "an extension header whose length runs past the payload",
                PacketBuilder.ethernet()
                        .ipv6("2001:db8:1::10", "2001:db8:2::20")
                        .extensionHeader(60, new byte[] {5, 0, 0, 0, 0, 0, 0})
                        .tcp(40_000, 21, 1000, 0, TcpHeader.SYN)
                        .build(),
                DROP_IPV6_BAD_EXTENSION_CHAIN));
        rows.add(malformed(
                "malformed-ipv4-fragment-carrying-port",
                "a first IPv4 fragment whose TCP payload is a PORT line (not reassembled, dropped)",
                PacketBuilder.ethernet()
                        .ipv4(C, S)
                        .fragment(0, true)
                        .tcp(40_000, 21, 1000, 1, TcpHeader.ACK | TcpHeader.PSH)
                        .payload("PORT 192,0,2,10,195,80\r\n")
                        .build(),
                DROP_FRAGMENT));
        rows.add(malformed(
                "malformed-ipv6-fragment",
                "an IPv6 first fragment of a SYN",
                PacketBuilder.ethernet()
                        .ipv6("2001:db8:1::10", "2001:db8:2::20")
                        .fragment(0, true)
                        .tcp(40_000, 21, 1000, 0, TcpHeader.SYN)
                        .build(),
                DROP_FRAGMENT));
        securityClassRows(rows);
        return rows.stream();
    }

    /** What the one correct expectation of an inside server's "227 (192,0,2,20,117,48)" through DNAT looks like. */
    static final String DNAT_PASSIVE_30000 = "tcp 198.51.100.10 -> 203.0.113.1:30000";

    /** A 227 that, acted on, would open port 30000 of the inside server 192.0.2.20 to the outside client. */
    static final String INSIDE_227 = "227 Entering Passive Mode (192,0,2,20,117,48)";

    /** A firewall without any NAT: nothing to translate, so control text must pass byte for byte. */
    static final String FIREWALL = """
            mode router
            port inside mac 02:00:00:00:00:01
            port outside mac 02:00:00:00:00:02
            """;

    /**
     * Issue "Security": one family of rows per class of wrong pinhole found by the independent attack corpus. Each
     * row failed before its fix (the expectation table was not empty, or the stream wedged).
     */
    static void securityClassRows(List<Case> rows) {
        // ---- 1. replies inside multi-line replies (RFC 959 section 4.2) ------------------------------------------
        rows.add(multiLine(
                        "ml-227-in-211-stat",
                        "STAT echo: a 227 line inside a 211- block",
                        DNAT,
                        "STAT\r\n",
                        "211-FTP server status:\r\n" + INSIDE_227 + "\r\n211 End of status\r\n")
                .n(FTP_227, 0)
                .n(FTP_REPLY_TEXT_IN_MULTILINE, 1));
        rows.add(multiLine(
                        "ml-227-in-211-after-pasv",
                        "a 211- block while a PASV is pending",
                        DNAT,
                        "PASV\r\n",
                        "211-Status\r\n" + INSIDE_227 + ".\r\n211 End\r\n")
                .n(FTP_227, 0));
        rows.add(multiLine(
                "ml-227-in-211-strict",
                "strict mode: PASV pending, 227 inside 211-",
                DNAT + "ftp strict yes\n",
                "PASV\r\n",
                "211-Status\r\n" + INSIDE_227 + ".\r\n211 End\r\n"));
        rows.add(multiLine(
                "ml-227-in-211-no-syntax-check",
                "ftp syntax-check no: the framing still holds",
                DNAT + "ftp syntax-check no\n",
                "STAT\r\n",
                "211-Status\r\n" + INSIDE_227 + "\r\n211 End\r\n"));
        rows.add(multiLine(
                "ml-227-in-550-filename",
                "a file name echoed in a 550- reply",
                DNAT,
                "RETR x\r\n",
                "550-No such file:\r\n" + INSIDE_227 + "\r\n550 Failed.\r\n"));
        rows.add(multiLine(
                "ml-227-in-257-mkd",
                "a directory name echoed in a 257- reply",
                DNAT,
                "MKD x\r\n",
                "257-\"/x\r\n" + INSIDE_227 + "\" created\r\n257 Done.\r\n"));
        rows.add(multiLine(
                "ml-227-in-214-help",
                "HELP text",
                DNAT,
                "HELP\r\n",
                "214-The following commands are recognized:\r\n" + INSIDE_227 + "\r\n214 Help OK.\r\n"));
        rows.add(multiLine(
                "ml-other-code-closes-nothing",
                "a '212 ' line inside a 211- block is text, so is the 227" + " after it",
                DNAT,
                "STAT\r\n",
                "211-a\r\n212-b\r\n212 c\r\n" + INSIDE_227 + "\r\n211 End\r\n"));
        rows.add(row(
                        "ml-227-split-across-segments",
                        "multi-line reply and the 227 inside it split across segments (the 227 is held, then"
                                + " completed): still text",
                        DNAT,
                        x -> {
                            x.loginDnat();
                            x.cmd("STAT\r\n");
                            String all = "211-Status\r\n" + INSIDE_227 + "\r\n211 End\r\n";
                            x.f.s.sendPieces("211-Status\r\n227 Entering Pa", all.substring(27));
                            x.eq(all, x.f.c.take(), "client got");
                        })
                .n(FTP_REWRITES, 0)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "ml-start-split-after-code",
                        "the block's first line split right after its code (\"211\" | \"-...\"), syntax check off",
                        DNAT + "ftp syntax-check no\n",
                        x -> {
                            x.loginDnat();
                            x.cmd("STAT\r\n");
                            String rest = "-Status\r\n" + INSIDE_227 + "\r\n211 End\r\n";
                            x.f.s.sendPieces("211", rest);
                            x.eq("211" + rest, x.f.c.take(), "client got");
                        })
                .n(FTP_REWRITES, 0)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "ml-229-in-250-snat",
                        "a 229 line inside a 250- block from an outside server (client behind SNAT)",
                        SNAT,
                        x -> {
                            x.login();
                            x.cmd("EPSV\r\n");
                            String r = "250-Listing\r\n229 Entering Extended Passive Mode (|||30000|)\r\n250 End\r\n";
                            x.eq(r, x.rep(r), "client got");
                        })
                .n(FTP_229, 0)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "ml-234-in-211",
                        "a 234 line inside a 211- block after AUTH TLS: the lane stays clear text; a later PASV works",
                        SNAT,
                        x -> {
                            x.login();
                            x.cmd("AUTH TLS\r\n");
                            x.rep("211-x\r\n234 AUTH TLS OK\r\n211 end\r\n");
                            x.cmd("PASV\r\n");
                            x.rep("227 Entering Passive Mode (198,51,100,20,117,48).\r\n");
                        })
                .n(FTP_TLS_OPAQUE, 0)
                .n(EXPECT_CREATED, 1)
                .live(PASSIVE_30000));
        rows.add(row(
                        "ml-first-line-227-block",
                        "a 227- block: only its last line is the reply (\"227 OK\" has no numbers): nothing opened",
                        DNAT,
                        x -> {
                            x.loginDnat();
                            x.cmd("PASV\r\n");
                            x.rep("227-" + INSIDE_227.substring(4) + "\r\n227 OK\r\n");
                        })
                .n(FTP_PARSE_ERRORS, 1)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "ml-block-then-real-227",
                        "control: after a 211- block ends, the server's real 227 opens its one pinhole",
                        DNAT,
                        x -> {
                            x.loginDnat();
                            x.cmd("STAT\r\n");
                            x.rep("211-Status\r\n" + INSIDE_227 + "\r\n211 End\r\n");
                            x.cmd("PASV\r\n");
                            x.eq(
                                    "227 Entering Passive Mode (203,0,113,1,117,48).\r\n",
                                    x.rep(INSIDE_227 + ".\r\n"),
                                    "client got");
                        })
                .n(FTP_227, 1)
                .n(EXPECT_CREATED, 1)
                .live(DNAT_PASSIVE_30000));

        rows.add(row(
                        "ml-227-in-211-ftp-detect",
                        "FTP found by 'ftp detect' on port 2121: a 227 inside a 211- block opens nothing, the real"
                                + " 227 after it does",
                        SNAT + "ftp detect any\n",
                        x -> {
                            x.login(C, S, 2121);
                            x.cmd("STAT\r\n");
                            String r = "211-Status\r\n227 Entering Passive Mode (198,51,100,20,117,48)\r\n211 End\r\n";
                            x.eq(r, x.rep(r), "client got");
                            x.cmd("PASV\r\n");
                            x.rep("227 Entering Passive Mode (198,51,100,20,117,48).\r\n");
                        })
                .n(FTP_DETECT_ATTACHED, 1)
                .n(FTP_REPLY_TEXT_IN_MULTILINE, 1)
                .n(EXPECT_CREATED, 1)
                .live(PASSIVE_30000));

        // ---- 2. bytes the receiving TCP discards (RFC 9293 3.10.7.4) ----------------------------------------------
        rows.add(row(
                        "rst-data-port",
                        "a PORT carried as data on a RST segment (the receiver discards it): not parsed",
                        SNAT,
                        x -> {
                            x.login();
                            Conn c = x.f.c;
                            c.sendRaw(
                                    TcpHeader.RST | TcpHeader.ACK,
                                    c.sndNxt(),
                                    c.rcvNxt(),
                                    "PORT 192,0,2,10,195,80\r\n");
                        })
                .n(FTP_UNDELIVERED_NOT_PARSED, 1)
                .n(FTP_PORT, 0)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "rst-data-227-dnat",
                        "an inside server's 227 as data on its RST: not parsed, nothing opened inside",
                        DNAT,
                        x -> {
                            x.loginDnat();
                            x.cmd("PASV\r\n");
                            Conn s = x.f.s;
                            s.sendRaw(TcpHeader.RST | TcpHeader.ACK, s.sndNxt(), s.rcvNxt(), INSIDE_227 + "\r\n");
                        })
                .n(FTP_UNDELIVERED_NOT_PARSED, 1)
                .n(FTP_227, 0)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "no-ack-data-port",
                        "a PORT on a segment without ACK on an established connection (dropped by the receiver):"
                                + " dropped, not parsed; the real PORT at the same sequence then works",
                        SNAT,
                        x -> {
                            x.login();
                            Conn c = x.f.c;
                            c.sendRaw(TcpHeader.PSH, c.sndNxt(), 0, "PORT 192,0,2,10,195,80\r\n");
                            x.eq("", x.f.s.take(), "server got nothing");
                            x.eq("PORT 203,0,113,1,195,80\r\n", x.cmd("PORT 192,0,2,10,195,80\r\n"), "server got");
                        })
                .n(DROP_FTP_NO_ACK, 1)
                .n(FTP_PORT, 1)
                .n(EXPECT_CREATED, 1)
                .live(ACTIVE_50000));
        rows.add(row(
                        "data-after-accepted-rst",
                        "the client resets the control connection (RST at its next sequence: accepted), then sends a"
                                + " PORT: not parsed",
                        SNAT,
                        x -> {
                            x.login();
                            Conn c = x.f.c;
                            c.reset();
                            c.sendRaw(
                                    TcpHeader.PSH | TcpHeader.ACK,
                                    c.sndNxt(),
                                    c.rcvNxt(),
                                    "PORT 192,0,2,10,195,80\r\n");
                        })
                .n(FTP_UNDELIVERED_NOT_PARSED, 1)
                .n(FTP_PORT, 0)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "reply-after-client-rst",
                        "after the client's accepted RST, the server's 227 (the client will never read it): not parsed",
                        DNAT,
                        x -> {
                            x.loginDnat();
                            x.cmd("PASV\r\n");
                            x.f.c.reset();
                            Conn s = x.f.s;
                            s.sendRaw(TcpHeader.PSH | TcpHeader.ACK, s.sndNxt(), s.rcvNxt(), INSIDE_227 + "\r\n");
                        })
                .n(FTP_UNDELIVERED_NOT_PARSED, 1)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "data-after-fin-and-rst",
                        "found by SessionsFuzzTest: the server closes (FIN) then resets; the RST, one past its last byte"
                                + " because of the FIN, is accepted, so the PORTs its peer sends afterwards are not read",
                        SNAT,
                        x -> {
                            x.login();
                            x.f.s.close();
                            x.f.s.reset();
                            Conn c = x.f.c;
                            c.sendRaw(
                                    TcpHeader.PSH | TcpHeader.ACK,
                                    c.sndNxt(),
                                    c.rcvNxt(),
                                    "PORT 192,0,2,10,195,80\r\n");
                        })
                .n(FTP_UNDELIVERED_NOT_PARSED, 1)
                .n(FTP_PORT, 0)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "rst-after-held-line",
                        "found by SessionsFuzzTest: the server resets while a 227 prefix of its is held; the RST goes to"
                                + " the client at the held line's start (where the client accepts it), the held bytes"
                                + " are dropped, nothing is read after",
                        SNAT,
                        x -> {
                            x.login();
                            x.cmd("PASV\r\n");
                            x.f.s.send("227 Entering Pa");
                            x.eq("", x.f.c.take(), "held");
                            x.f.s.reset();
                            x.eq(true, x.f.c.resetReceived, "the client accepted the RST");
                        })
                .n(FTP_LINES_HELD, 1)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "blind-rst-out-of-window",
                        "a RST whose sequence is not the next expected byte (RFC 5961 3.2: not accepted) does not stop"
                                + " the ALG: the next PORT is rewritten",
                        SNAT,
                        x -> {
                            x.login();
                            Conn c = x.f.c;
                            c.sendRaw(TcpHeader.RST, (c.sndNxt() + 100_000) & 0xFFFF_FFFFL, 0, "");
                            x.eq("PORT 203,0,113,1,195,80\r\n", x.cmd("PORT 192,0,2,10,195,80\r\n"), "server got");
                        })
                .n(FTP_UNDELIVERED_NOT_PARSED, 0)
                .n(EXPECT_CREATED, 1)
                .live(ACTIVE_50000));
        rows.add(row(
                        "late-syn-retransmit",
                        "the client's SYN arrives again after the login (lossy, reordering path): the stream does not"
                                + " move back, the next PORT is rewritten (used to wedge the session for good)",
                        SNAT,
                        x -> {
                            x.login();
                            x.f.c.retransmitSyn(false);
                            x.eq("PORT 203,0,113,1,195,80\r\n", x.cmd("PORT 192,0,2,10,195,80\r\n"), "server got");
                            x.eq(
                                    "200 PORT command successful.\r\n",
                                    x.rep("200 PORT command successful.\r\n"),
                                    "client got");
                        })
                .n(FTP_LATE_SYN_IGNORED, 1)
                .n(DROP_FTP_OUT_OF_ORDER, 0)
                .n(EXPECT_CREATED, 1)
                .live(ACTIVE_50000));
        rows.add(row(
                        "late-synack-retransmit",
                        "the server's SYN-ACK arrives again after the login: the next 227 is still read",
                        DNAT,
                        x -> {
                            x.loginDnat();
                            x.f.s.retransmitSyn(true);
                            x.cmd("PASV\r\n");
                            x.eq(
                                    "227 Entering Passive Mode (203,0,113,1,117,48).\r\n",
                                    x.rep(INSIDE_227 + ".\r\n"),
                                    "client got");
                        })
                .n(FTP_LATE_SYN_IGNORED, 1)
                .n(DROP_FTP_OUT_OF_ORDER, 0)
                .n(EXPECT_CREATED, 1)
                .live(DNAT_PASSIVE_30000));
        rows.add(row(
                        "injected-syn-other-isn",
                        "a SYN with another ISN injected into an established control connection: the stream stays",
                        SNAT,
                        x -> {
                            x.login();
                            x.f.c.sendRaw(TcpHeader.SYN, 12_345, 0, "");
                            x.eq("PORT 203,0,113,1,195,80\r\n", x.cmd("PORT 192,0,2,10,195,80\r\n"), "server got");
                        })
                .n(DROP_FTP_OUT_OF_ORDER, 0)
                .n(EXPECT_CREATED, 1)
                .live(ACTIVE_50000));

        rows.add(row(
                        "blind-rst-then-late-syn",
                        "found by SessionsFuzzTest: a RST far outside the window, then the client's SYN again; the RST"
                                + " is not accepted (RFC 5961 3.2), so it does not close the flow, and the SYN does not"
                                + " start a new one that would drop the session's sequence offsets (the client used to"
                                + " get acks beyond what it sent after a rewrite)",
                        SNAT,
                        x -> {
                            x.login();
                            x.eq(
                                    "EPRT |1|203.0.113.1|50000|\r\n",
                                    x.cmd("EPRT |1|192.0.2.10|50000|\r\n"),
                                    "server got");
                            Conn s = x.f.s;
                            s.sendRaw(TcpHeader.RST, (s.sndNxt() + 250_000) & 0xFFFF_FFFFL, 0, "");
                            x.f.c.retransmitSyn(false);
                            x.eq(
                                    "200 EPRT command successful.\r\n",
                                    x.rep("200 EPRT command successful.\r\n"),
                                    "client got");
                            x.eq(true, x.f.c.allAcked(), "the client's data all acknowledged, in its own numbers");
                        })
                .n(TCP_RESET_NOT_ACCEPTED, 1)
                .n(FLOW_REOPENED, 0)
                .n(EXPECT_CREATED, 1)
                .live(ACTIVE_50000));
        rows.add(row(
                        "expectation-removed-on-reset",
                        "found by SessionsFuzzTest: the server resets its control connection and the RST is lost;"
                                + " the client's PORT then passes and opens a pinhole, the server's closed stack answers"
                                + " it with a RST at exactly the client's next byte (RFC 9293 3.10.7.1), which is"
                                + " accepted, and the pinhole, for a PORT no server will act on, goes with it",
                        SNAT,
                        x -> {
                            x.login();
                            x.net.loseNext();
                            x.f.s.reset(); // lost on its way; the server's stack is closed
                            x.f.c.send("PORT 192,0,2,10,195,80\r\n");
                            x.eq(true, x.f.c.resetReceived, "the client accepted the closed stack's RST");
                        })
                .n(EXPECT_CREATED, 1)
                .n(EXPECT_REMOVED_ON_RESET, 1)
                .live());

        rows.add(row(
                        "hold-release-on-old-retransmit",
                        "found by ControlStreamFuzzTest: a PORT prefix held past the hold timeout, then a retransmission"
                                + " of a much older byte: the held bytes are released only in a segment that reaches"
                                + " them (they used to go out at the old segment's sequence numbers: a hole for good)",
                        SNAT,
                        x -> {
                            x.login();
                            Conn c = x.f.c;
                            long old = c.sndNxt();
                            x.cmd("NOOP\r\n");
                            c.send("PORT 192,0,2,10,");
                            x.eq("", x.f.s.take(), "held");
                            x.net.advanceMillis(12_000);
                            c.retransmit(old, "N");
                            c.send("195,80\r\n");
                            x.eq("PORT 203,0,113,1,195,80\r\n", x.f.s.take(), "server got the whole line, in order");
                            x.eq("NOOP\r\n", x.cmd("NOOP\r\n"), "stream goes on");
                        })
                .n(DROP_FTP_OUT_OF_ORDER, 0)
                .live(ACTIVE_50000));

        // ---- 3. lenient syntax still has a shape ------------------------------------------------------------------
        rows.add(shape("shape-229-junk-before-paren", "EPSV\r\n", "229 Entering Extended Passive Mode (|||30000|x)"));
        rows.add(shape("shape-229-junk-after", "EPSV\r\n", "229 Entering Extended Passive Mode (|||30000|)junk"));
        rows.add(shape("shape-229-unclosed", "EPSV\r\n", "229 Entering Extended Passive Mode (|||30000|"));
        rows.add(shape("shape-227-junk-after", "PASV\r\n", "227 Entering Passive Mode (198,51,100,20,117,48)junk"));
        rows.add(shape("shape-227-unbalanced", "PASV\r\n", "227 Entering Passive Mode (198,51,100,20,117,48"));

        // ---- 7. shield the ends from hostile peers: ftp max-reply-line / max-command-line / max-reply ------------
        rows.add(row(
                        "limit-reply-line-strict",
                        "strict mode: a 3000-byte reply line (a client with a fixed reply buffer overflows, LabF nfsAxe"
                                + " 3.7): both ends reset once 2048 bytes passed, the client never gets the rest",
                        SNAT + "ftp strict yes\n",
                        x -> {
                            x.login();
                            x.cmd("STAT\r\n");
                            x.f.s.send("211 " + "A".repeat(3000) + "\r\n");
                            x.eq(true, x.f.c.take().length() <= 2048, "client got at most the bound");
                            x.eq(true, x.f.c.resetReceived, "client reset");
                            x.eq(true, x.f.s.resetReceived, "server reset");
                        })
                .n(FTP_LINE_LIMIT_RESET, 1)
                .n(EXPECT_CREATED, 0)
                .live());
        rows.add(row(
                        "limit-command-line",
                        "ftp max-command-line 1024: a 5000-byte SITE line from the client; the server gets at most"
                                + " 1024 bytes of it, both ends reset",
                        SNAT + "ftp max-command-line 1024\n",
                        x -> {
                            x.login();
                            x.f.c.send("SITE " + "B".repeat(5000) + "\r\n");
                            x.eq(true, x.f.s.take().length() <= 1024, "server got at most the bound");
                            x.eq(true, x.f.c.resetReceived && x.f.s.resetReceived, "both reset");
                        })
                .n(FTP_LINE_LIMIT_RESET, 1)
                .live());
        rows.add(row(
                        "limit-multiline-reply",
                        "ftp max-reply 4096: a multi-line reply of 100 short lines (each within any line bound) is"
                                + " cut once the whole reply passes 4096 bytes",
                        SNAT + "ftp max-reply 4096\n",
                        x -> {
                            x.login();
                            x.cmd("HELP\r\n");
                            StringBuilder r = new StringBuilder("214-Commands:\r\n");
                            for (int i = 0; i < 100; i++) {
                                r.append(" line ")
                                        .append(i)
                                        .append(" ")
                                        .append("x".repeat(40))
                                        .append("\r\n");
                            }
                            r.append("214 End\r\n");
                            x.f.s.send(r.toString());
                            x.eq(true, x.f.c.take().length() <= 4096, "client got at most the bound");
                            x.eq(true, x.f.c.resetReceived && x.f.s.resetReceived, "both reset");
                        })
                .n(FTP_LINE_LIMIT_RESET, 1)
                .live());
        rows.add(row(
                        "limit-replies-within-bound",
                        "control: with the bounds on, ordinary replies and a FEAT block pass and a PASV still works",
                        SNAT + "ftp strict yes\nftp max-reply 512\n",
                        x -> {
                            x.login();
                            x.cmd("FEAT\r\n");
                            String feat = "211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n REST STREAM\r\n"
                                    + " SIZE\r\n TVFS\r\n UTF8\r\n211 End\r\n";
                            for (int i = 0; i < 10; i++) {
                                x.eq(feat, x.rep(feat), "client got FEAT " + i);
                            }
                            x.cmd("PASV\r\n");
                            x.rep("227 Entering Passive Mode (198,51,100,20,117,48).\r\n");
                        })
                .n(FTP_LINE_LIMIT_RESET, 0)
                .n(EXPECT_CREATED, 1)
                .live(PASSIVE_30000));
        rows.add(row(
                        "limit-off-by-default",
                        "lenient mode without bounds (the default): a 3000-byte reply line passes whole",
                        SNAT,
                        x -> {
                            x.login();
                            String l = "211 " + "A".repeat(3000) + "\r\n";
                            x.eq(l, x.rep(l), "client got it");
                        })
                .n(FTP_LINE_LIMIT_RESET, 0)
                .live());

        // ---- 4. minimal rewrites: nothing to translate, nothing changed -------------------------------------------
        rows.add(row(
                        "minimal-eprt-uncompressed-v6",
                        "IPv6 without NAT66: an uncompressed EPRT address passes byte for byte (no rewrite, no seq delta)",
                        FIREWALL,
                        x -> {
                            x.login6();
                            String l = "EPRT |2|2001:0db8:0001:0000:0000:0000:0000:0010|50000|\r\n";
                            x.eq(l, x.cmd(l), "server got");
                            x.eq("NOOP\r\n", x.cmd("NOOP\r\n"), "stream goes on");
                        })
                .n(FTP_REWRITES, 0)
                .n(EXPECT_CREATED, 1)
                .live("tcp 2001:db8:2::20 -> [2001:db8:1::10]:50000"));
        rows.add(row(
                        "minimal-port-leading-zeros",
                        "no NAT: a PORT with leading zeros passes byte for byte",
                        FIREWALL,
                        x -> {
                            x.login();
                            String l = "PORT 192,000,002,010,195,080\r\n";
                            x.eq(l, x.cmd(l), "server got");
                        })
                .n(FTP_REWRITES, 0)
                .n(EXPECT_CREATED, 1)
                .live("tcp 198.51.100.20 -> 192.0.2.10:50000"));
        rows.add(row(
                        "minimal-227-leading-zeros",
                        "no NAT: a 227 with leading zeros passes byte for byte",
                        FIREWALL,
                        x -> {
                            x.login();
                            x.cmd("PASV\r\n");
                            String l = "227 Entering Passive Mode (198,051,100,020,117,048).\r\n";
                            x.eq(l, x.rep(l), "client got");
                        })
                .n(FTP_REWRITES, 0)
                .n(EXPECT_CREATED, 1)
                .live(PASSIVE_30000));
    }

    /** A multi-line reply (through DNAT unless said) carrying a negotiation line inside: nothing opened. */
    private static Case multiLine(String name, String what, String config, String command, String reply) {
        return row(name, what + " (RFC 959 section 4.2: free text inside a multi-line reply)", config, x -> {
                    if (config.startsWith(DNAT)) {
                        x.loginDnat();
                    } else {
                        x.login();
                    }
                    x.cmd(command);
                    x.eq(reply, x.rep(reply), "client got");
                })
                .n(FTP_REWRITES, 0)
                .n(EXPECT_CREATED, 0)
                .live();
    }

    /** A 227/229 from the outside server in a shape no server sends: refused, forwarded unchanged, nothing opened. */
    private static Case shape(String name, String command, String reply) {
        return row(name, "lenient mode: a reply outside the table of shapes servers send (SECURITY.md)", SNAT, x -> {
                    x.login();
                    x.cmd(command);
                    x.eq(reply + "\r\n", x.rep(reply + "\r\n"), "client got");
                })
                .n(FTP_PARSE_ERRORS, 1)
                .n(FTP_REWRITES, 0)
                .n(EXPECT_CREATED, 0)
                .live();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void attack(Case c) throws Exception {
        try (X x = new X(c)) {
            c.script.run(x);
            if (c.verdict != null) {
                assertEquals(c.verdict, x.verdict, c.name + ": verdict");
            }
            if (c.lastDrop != null) {
                assertEquals(c.lastDrop, x.net.engine.lastDrop(), c.name + ": drop reason");
            }
            for (Map.Entry<Counter, Long> e : c.counters.entrySet()) {
                assertEquals(e.getValue(), x.count(e.getKey()), c.name + ": counter " + e.getKey().label);
            }
            assertEquals(c.live, x.live(), c.name + ": expectation table");
            assertEquals(List.of(), x.net.errors, c.name + ": endpoint-detected inconsistencies");
        }
    }

    @Test
    void corpusHasAtLeastFortyNamedRows() {
        List<String> names = corpus().map(c -> c.name).toList();
        assertTrue(names.size() >= 40, "rows: " + names.size());
        assertEquals(names.size(), names.stream().distinct().count(), "names are unique");
    }

    // ============================================================================================================
    // Row families
    // ============================================================================================================

    private static Case lowPort(String name, String what, Script s) {
        return row(name, what + " (RFC 2577 section 3; ASA and libalias refuse ports < 1024): no pinhole", SNAT, x -> {
                    x.login();
                    s.run(x);
                })
                .n(FTP_LOW_PORT_REFUSED, 1)
                .n(FTP_BOUNCE_REFUSED, 0)
                .n(EXPECT_CREATED, 0)
                .n(FTP_REWRITES, 0)
                .live();
    }

    private static Case parseError(String name, String what, String line, Counter kind) {
        return row(
                        name,
                        what + ": rejected, never repaired; forwarded unchanged, no pinhole (REFERENCE.md: numbers"
                                + " out of range)",
                        SNAT,
                        x -> {
                            x.login();
                            x.eq(line, x.cmd(line), "server got");
                        })
                .n(kind, 1)
                .n(FTP_PARSE_ERRORS, 1)
                .n(FTP_REWRITES, 0)
                .n(EXPECT_CREATED, 0)
                .live();
    }

    /** A browser-style POST to port 21 whose body carries the client's own PORT line. */
    private static Case slip(String name, String what, String config, boolean atSegmentStart) {
        return row(name, what + " (NAT Slipstreaming 2020-21, CVE-2022-2663, REFERENCE.md)", config, x -> {
            Host browser = x.net.host("browser", C, PacketSlot.PORT_INSIDE);
            Host evil = x.net.host("evil", S, PacketSlot.PORT_OUTSIDE);
            evil.listen(21);
            Conn c = browser.connect(40_000, S, 21);
            Conn s = evil.lastAccepted(21);
            String body = "a=" + "x".repeat(40) + "\r\nPORT 192,0,2,10,195,80\r\n";
            String head = "POST /submit HTTP/1.1\r\nHost: 198.51.100.20:21\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n";
            String all = head + body;
            int at = all.indexOf("PORT ");
            if (atSegmentStart) {
                c.sendPieces(all.substring(0, at), all.substring(at));
            } else {
                c.send(all);
            }
            String got = s.take();
            boolean open = !x.live().isEmpty();
            x.eq(open ? all.replace("PORT 192,0,2,10", "PORT 203,0,113,1") : all, got, "server got");
        });
    }

    /** {@code lines} growing EPRT lines from an IPv6 client in one segment of at most {@code mss} bytes. */
    private static Case eprtBurst(String name, String what, int mss, int lines, int rewritten) {
        String[] live = new String[rewritten];
        for (int i = 0; i < rewritten; i++) {
            live[i] = "tcp 2001:db8:2::20 -> [2001:db8:ffff:ffff:ffff:ffff:ffff:fffe]:" + (10_000 + i);
        }
        return row(
                        name,
                        what + " (REFERENCE.md: a segment growing past its limits; Linux refuses to grow past 65535)",
                        """
                        mode router
                        port inside mac 02:00:00:00:00:01
                        port outside mac 02:00:00:00:00:02
                        snat from 2001:db8:1::/64 to 2001:db8:ffff:ffff:ffff:ffff:ffff:fffe
                        ftp sessions 16
                        ftp max-expect-per-session 64
                        """,
                        x -> {
                            x.login("2001:db8:1::a", "2001:db8:2::20");
                            x.f.c.mss(mss);
                            StringBuilder sb = new StringBuilder();
                            for (int i = 0; i < lines; i++) {
                                sb.append("EPRT |2|2001:db8:1::a|")
                                        .append(10_000 + i)
                                        .append("|\r\n");
                            }
                            x.eq(true, sb.length() <= mss, "one segment");
                            String[] got = x.cmd(sb.toString()).split("\r\n", -1);
                            x.eq(lines + 1, got.length, "all lines delivered");
                            for (int i = 0; i < lines; i++) {
                                String ip = i < rewritten ? "2001:db8:ffff:ffff:ffff:ffff:ffff:fffe" : "2001:db8:1::a";
                                x.eq("EPRT |2|" + ip + "|" + (10_000 + i) + "|", got[i], "line " + i);
                            }
                            x.eq("NOOP\r\n", x.cmd("NOOP\r\n"), "stream goes on");
                            x.eq(true, x.f.c.allAcked(), "all acknowledged");
                        })
                .n(FTP_EPRT, lines)
                .n(FTP_REWRITES, rewritten)
                .n(EXPECT_CREATED, rewritten)
                .n(FTP_REWRITE_NO_ROOM, lines - rewritten)
                .n(DROP_FTP_REWRITE_TOO_LARGE, 0)
                .n(SEQADJ_HISTORY_MERGED, 0)
                .live(live);
    }

    private static Case malformed(String name, String what, byte[] frame, Counter drop) {
        return row(
                        name,
                        "malformed frame: " + what + " (REFERENCE.md length fields; VPP-style drop reason)",
                        SNAT,
                        x -> x.raw(frame, PacketSlot.PORT_INSIDE, x.net.clock()))
                .verdict(Engine.DROP)
                .drop(drop)
                .n(drop, 1)
                .n(FLOW_CREATED, 0)
                .n(EXPECT_CREATED, 0)
                .live();
    }

    // ============================================================================================================
    // Known defects (see the class comment of each; they assert the correct behaviour)
    // ============================================================================================================

    /**
     * Issue "Security" 5, no checksum laundering: with {@code ftp verify-checksum no}, a PORT segment corrupted on
     * the way (bad TCP checksum) is forwarded with its checksum still wrong, so the server's TCP drops it, and it
     * opens nothing; the sender's retransmission, intact, is then rewritten and opens the one pinhole. Before the
     * fix the corrupted segment was parsed, rewritten and given a freshly computed, valid checksum: the server
     * accepted bytes the client never sent, and the pinhole was made from them.
     */
    @ParameterizedTest(name = "verify-checksum {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"no", "yes"})
    void corruptedSegmentIsNeitherLaunderedNorParsed(String verify) throws Exception {
        Case c = row("checksum", "bad checksum", SNAT + "ftp verify-checksum " + verify + "\n", x -> {});
        try (X x = new X(c)) {
            x.login();
            long seq = x.f.c.sndNxt();
            x.f.c.sendCorrupted("PORT 192,0,2,10,195,80\r\n");
            assertEquals("", x.f.s.take(), "the server's TCP dropped the corrupted segment");
            assertEquals(0, x.count(EXPECT_CREATED), "nothing opened by the corrupted segment");
            assertEquals(0, x.count(FTP_PORT), "not parsed");
            if (verify.equals("no")) {
                assertEquals(1, x.count(FTP_BAD_CHECKSUM_NOT_PARSED));
                assertEquals(1, x.net.errors.size(), "delivered with its checksum still wrong: " + x.net.errors);
                assertTrue(x.net.errors.get(0).startsWith("bad TCP checksum delivered"), x.net.errors.get(0));
            } else {
                assertEquals(1, x.count(DROP_TCP_BAD_CHECKSUM));
                assertEquals(List.of(), x.net.errors);
            }
            x.net.errors.clear();
            x.f.c.retransmit(seq, "PORT 192,0,2,10,195,80\r\n");
            assertEquals("PORT 203,0,113,1,195,80\r\n", x.f.s.take(), "the intact retransmission is rewritten");
            assertEquals(List.of(ACTIVE_50000), x.live());
            assertEquals(List.of(), x.net.errors);
        }
    }

    /**
     * NAT slipstreaming with a small MSS (the attacker's server advertises it): the browser's POST goes out in
     * segments that each end in the middle of a line, so no non-FTP line is ever complete inside one segment. An
     * incomplete line that is not a candidate prefix is forwarded and its rest skipped (LINE_SKIP) without the
     * RFC 959 syntax check, so "Host: ..." is never judged; the body's PORT line, starting mid-segment, is held,
     * completed and parsed, and opens a pinhole to the browser's own port. The correct outcome (asserted):
     * ftp-not-ftp 1, nothing opened. Not a local fix: the syntax check must follow lines across segments
     * (per-lane verb/reply-code state carried through LINE_SKIP).
     */
    @Test
    void syntaxCheckHoldsForLinesSplitAcrossSegments() throws Exception {
        Case c = row("split-lines-slipstream", "small-MSS slipstreaming", SNAT, x -> {});
        try (X x = new X(c)) {
            Host browser = x.net.host("browser", C, PacketSlot.PORT_INSIDE);
            Host evil = x.net.host("evil", S, PacketSlot.PORT_OUTSIDE);
            evil.listen(21);
            Conn conn = browser.connect(40_000, S, 21);
            Conn s = evil.lastAccepted(21);
            String body = "PORT 192,0,2,10,195,80\r\n";
            String all = "POST /submit HTTP/1.1\r\nHost: 198.51.100.20:21\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body;
            conn.mss(7);
            conn.send(all);
            assertEquals(all, s.take());
            assertEquals(1, x.count(FTP_NOT_FTP), "the POST is not FTP");
            assertEquals(0, x.count(EXPECT_CREATED), "nothing opened");
            assertEquals(List.of(), x.live());
        }
    }

    /**
     * A multi-line reply whose first line is split right after its code ("230" | "-Welcome ...") is skipped
     * unchecked, so the multi-line state is never entered; the next banner line, free text, is then judged as a
     * reply line and the whole connection is marked not-FTP: a legitimate server loses its ALG (the later PASV
     * opens nothing). Correct outcome (asserted): no not-ftp flag, the 227 opens its pinhole. Same root cause as
     * {@link #syntaxCheckHoldsForLinesSplitAcrossSegments}.
     */
    @Test
    void multiLineReplyStartSplitAcrossSegmentsIsStillFtp() throws Exception {
        Case c = row("split-multiline", "multi-line start split", SNAT, x -> {});
        try (X x = new X(c)) {
            x.login();
            x.f.s.sendPieces("230", "-Welcome to the archive\r\nNo warranty of any kind.\r\n230 Done.\r\n");
            x.f.c.take();
            x.cmd("PASV\r\n");
            x.rep("227 Entering Passive Mode (198,51,100,20,117,48).\r\n");
            assertEquals(0, x.count(FTP_NOT_FTP));
            assertEquals(List.of(PASSIVE_30000), x.live());
        }
    }

    // ============================================================================================================
    // Fixtures
    // ============================================================================================================

    @FunctionalInterface
    interface Script {
        void run(X x) throws Exception;
    }

    static Case row(String name, String attack, String config, Script script) {
        return new Case(name, attack, config, script);
    }

    /** One row of the corpus. */
    static final class Case {
        final String name;
        final String attack;
        final String config;
        final Script script;
        Integer verdict;
        Counter lastDrop;
        final Map<Counter, Long> counters = new LinkedHashMap<>();
        List<String> live;

        Case(String name, String attack, String config, Script script) {
            this.name = name;
            this.attack = attack;
            this.config = config;
            this.script = script;
        }

        Case verdict(int v) {
            verdict = v;
            return this;
        }

        Case drop(Counter c) {
            lastDrop = c;
            return this;
        }

        Case n(Counter c, long value) {
            counters.put(c, value);
            return this;
        }

        Case live(String... entries) {
            live = List.of(entries);
            return this;
        }

        @Override
        public String toString() {
            return name + " — " + attack;
        }
    }

    /** The world a row's script acts on. */
    static final class X implements AutoCloseable {
        final Case c;
        SimNet net;
        FtpDriver f;
        Integer verdict;

        X(Case c) throws Exception {
            this.c = c;
            this.net = new SimNet(ConfigParser.parse(c.config, c.name));
        }

        /** Starts over with a fresh network and engine (for rows that loop). */
        void fresh() throws Exception {
            net.close();
            net = new SimNet(ConfigParser.parse(c.config, c.name));
            f = null;
        }

        FtpDriver login() {
            return login(C, S, 21);
        }

        FtpDriver login6() {
            return login("2001:db8:1::10", "2001:db8:2::20", 21);
        }

        FtpDriver login(String client, String server) {
            return login(client, server, 21);
        }

        FtpDriver login(String client, String server, int port) {
            f = new FtpDriver(
                    net,
                    net.host("client", client, PacketSlot.PORT_INSIDE),
                    net.host("server", server, PacketSlot.PORT_OUTSIDE));
            return f.login(40_000, server, port);
        }

        /** A client outside reaching a server inside through DNAT at 203.0.113.1. */
        FtpDriver loginDnat() {
            f = new FtpDriver(
                    net,
                    net.host("client", "198.51.100.10", PacketSlot.PORT_OUTSIDE),
                    net.host("server", "192.0.2.20", PacketSlot.PORT_INSIDE));
            return f.login(40_001, PUB, 21);
        }

        String cmd(String line) {
            return f.command(line);
        }

        String rep(String line) {
            return f.reply(line);
        }

        long count(Counter k) {
            return net.engine.counters().get(k);
        }

        List<String> live() {
            return net.engine.expectations().describeLive();
        }

        int raw(byte[] frame, int ingress, long timeNanos) {
            PacketSlot s = Frames.slot(frame);
            s.ingressPort = ingress;
            s.timestampNanos = timeNanos;
            verdict = net.engine.process(s);
            return verdict;
        }

        void eq(Object expected, Object actual, String what) {
            assertEquals(expected, actual, c.name + ": " + what);
        }

        @Override
        public void close() {
            net.close();
        }
    }

    // ---- helpers ----

    static String pad(String s, int len) {
        return s + " ".repeat(len - s.length());
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String latin(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(a);
        o.writeBytes(b);
        return o.toByteArray();
    }

    /** A TLS record (RFC 8446 section 5.1): type, legacy version 3.3, 16-bit length, body. */
    static byte[] tls(int type, byte[] body) {
        byte[] r = new byte[5 + body.length];
        r[0] = (byte) type;
        r[1] = 3;
        r[2] = 3;
        r[3] = (byte) (body.length >>> 8);
        r[4] = (byte) body.length;
        System.arraycopy(body, 0, r, 5, body.length);
        return r;
    }

    static byte[] patch(byte[] frame, int at, int value) {
        byte[] b = frame.clone();
        b[at] = (byte) value;
        return b;
    }

    /** TCP sequence number and payload of an IPv4 frame (ack and checksum legitimately differ on a retransmission). */
    static byte[] tcpPayloadAndSeq(SimNet.Frame f) {
        byte[] b = f.bytes();
        int tcp = 14 + 20;
        int off = tcp + ((b[tcp + 12] & 0xF0) >>> 2);
        byte[] out = new byte[4 + b.length - off];
        System.arraycopy(b, tcp + 4, out, 0, 4);
        System.arraycopy(b, off, out, 4, b.length - off);
        return out;
    }
}
