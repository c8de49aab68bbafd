package io.ftpalg.cli.analyze;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The analysis as text for a terminal and as a JSON-ready tree (maps and lists for {@code replay}'s
 * {@link io.ftpalg.cli.replay.Json} writer): the same content in both. Times are seconds from the capture's
 * first frame; frame numbers are the capture's own (as Wireshark numbers them).
 */
final class Report {
    private Report() {}

    // ------------------------------------------------------------------------------------------- JSON

    static Map<String, Object> json(Analysis a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("capture", a.file);
        m.put(
                "start",
                a.frames.isEmpty()
                        ? null
                        : Instant.ofEpochSecond(0, a.startNanos()).toString());
        m.put("tcpAndIcmpFrames", a.frames.size());
        m.put("tcpConnections", a.connections.all.size());
        List<Object> sessions = new ArrayList<>();
        for (Session s : a.sessions) {
            sessions.add(session(a, s));
        }
        m.put("sessions", sessions);
        List<Object> findings = new ArrayList<>();
        for (Finding f : a.findings) {
            findings.add(finding(f));
        }
        m.put("findings", findings);
        m.put("result", a.findings.isEmpty() ? "no failure mode found" : a.findings.size() + " finding(s)");
        return m;
    }

    static Map<String, Object> sessionRef(Session s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("number", s.number);
        m.put("interface", s.control.iface);
        m.put("client", s.control.client.toString());
        m.put("server", s.control.server.toString());
        return m;
    }

    private static Map<String, Object> session(Analysis a, Session s) {
        Map<String, Object> m = sessionRef(s);
        TcpConn c = s.control;
        m.put("detectedBy", c.ftpReason);
        m.put("capturedNear", c.capturedNear());
        m.put("start", seconds(a, c.first()));
        m.put("ending", c.ending());
        m.put("bytesToServer", c.bytesToServer());
        m.put("bytesToClient", c.bytesToClient());
        if (c.merged()) {
            m.put("serverSideView", c.clientAtServer + " -> " + c.serverAtServer);
        }
        if (s.peer != null) {
            m.put("otherSide", sessionRef(s.peer));
            m.put("side", s.clientSide ? "client" : "server");
        }
        if (s.tlsFrom != null) {
            m.put("encryptedAfterFrame", s.tlsFrom.last().number);
            m.put("encryptedBytes", s.encryptedBytes);
        }
        List<Object> dialogue = new ArrayList<>();
        for (FtpLine l : s.lines) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("frame", l.last().number);
            d.put("time", seconds(a, l.last()));
            d.put("from", l.fromClient ? "client" : "server");
            d.put("text", l.text);
            if (l.meaning != null) {
                d.put("meaning", l.meaning);
            }
            if (l.frames.size() > 1) {
                d.put("segments", l.frames.stream().map(f -> f.number).toList());
            }
            if (!l.retransmissions.isEmpty()) {
                d.put(
                        "retransmissions",
                        l.retransmissions.stream().map(f -> f.number).toList());
            }
            if (!l.complete) {
                d.put("complete", false);
            }
            if (!l.acknowledged) {
                d.put("acknowledged", false);
            }
            if (l.otherSide != null) {
                d.put("device", l.otherSide);
            }
            dialogue.add(d);
        }
        m.put("dialogue", dialogue);
        List<Object> data = new ArrayList<>();
        for (Negotiation n : s.negotiations) {
            data.add(negotiation(a, n));
        }
        m.put("dataConnections", data);
        return m;
    }

    private static Map<String, Object> negotiation(Analysis a, Negotiation n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", n.active ? "active" : "passive");
        m.put("command", n.command.text);
        m.put("commandFrame", n.command.last().number);
        if (n.announcement != null && n.announcement != n.command) {
            m.put("reply", n.announcement.text);
            m.put("replyFrame", n.announcement.last().number);
        } else if (n.reply != null) {
            m.put("reply", n.reply.text);
            m.put("replyFrame", n.reply.last().number);
        }
        m.put("target", n.target == null ? null : n.target.toString());
        m.put("transfer", n.transfer == null ? null : n.transfer.text);
        FtpLine fin = n.finalTransferReply();
        m.put("finalReply", fin == null ? null : fin.text);
        m.put("outcome", Diagnosis.outcome(n).name().toLowerCase().replace('_', '-'));
        List<Object> conns = new ArrayList<>();
        for (TcpConn d : n.data) {
            conns.add(conn(a, d));
        }
        m.put("connections", conns);
        if (n.addressDiffers) {
            m.put("addressDiffers", true);
        }
        return m;
    }

    private static Map<String, Object> conn(Analysis a, TcpConn d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", d.client.toString());
        m.put("to", d.server.toString());
        if (d.merged()) {
            m.put("serverSideView", d.clientAtServer + " -> " + d.serverAtServer);
        }
        m.put("start", seconds(a, d.first()));
        m.put("firstFrame", d.first().number);
        m.put("syns", d.syns.size());
        m.put("synAck", d.synAcks.isEmpty() ? null : d.synAcks.get(0).number);
        m.put("ending", d.ending());
        m.put("end", seconds(a, d.last()));
        m.put("bytesToServer", d.bytesToServer());
        m.put("bytesToClient", d.bytesToClient());
        int re = d.toServer.retransmissions.size() + d.toClient.retransmissions.size();
        if (re > 0) {
            m.put("retransmissions", re);
        }
        if (!d.icmpErrors.isEmpty()) {
            m.put("icmpErrors", d.icmpErrors.stream().map(f -> f.number).toList());
        }
        return m;
    }

    private static Map<String, Object> finding(Finding f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", f.mode.id);
        m.put("title", f.mode.title);
        m.put("session", sessionRef(f.session));
        m.put("evidence", f.evidence);
        m.put("frames", new ArrayList<>(f.frames));
        m.put("fix", f.mode.fix);
        return m;
    }

    static double seconds(Analysis a, Frame f) {
        return Math.round((f.timeNanos - a.startNanos()) / 1e3) / 1e6;
    }

    // ------------------------------------------------------------------------------------------- text

    /** ANSI colours, or none. */
    record Style(boolean on) {
        String c(String code, String s) {
            return on ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
        }

        String client(String s) {
            return c("36", s);
        }

        String server(String s) {
            return c("35", s);
        }

        String dim(String s) {
            return c("2", s);
        }

        String bad(String s) {
            return c("1;31", s);
        }

        String good(String s) {
            return c("32", s);
        }

        String bold(String s) {
            return c("1", s);
        }
    }

    static String text(Analysis a, boolean colour) {
        Style st = new Style(colour);
        StringBuilder sb = new StringBuilder();
        sb.append(st.bold("ftp-alg analyze: " + a.file)).append('\n');
        sb.append(String.format(
                "%d TCP/ICMP frames, %d TCP connections, %d FTP control connection(s)%s%n",
                a.frames.size(),
                a.connections.all.size(),
                a.sessions.size(),
                a.frames.isEmpty() ? "" : ", first frame " + Instant.ofEpochSecond(0, a.startNanos())));
        for (Session s : a.sessions) {
            sb.append('\n')
                    .append(st.bold("Session " + s.number))
                    .append(": client ")
                    .append(s.control.client)
                    .append(" -> server ")
                    .append(s.control.server);
            if (!s.control.iface.equals("0")) {
                sb.append(" (interface ").append(s.control.iface).append(')');
            }
            sb.append('\n');
            TcpConn c = s.control;
            sb.append(st.dim(String.format(
                    "  control connection: recognised by %s; %s; %d bytes to the server, %d to the client%s%n",
                    c.ftpReason,
                    c.ending(),
                    c.bytesToServer(),
                    c.bytesToClient(),
                    c.capturedNear() == null ? "" : "; captured at the " + c.capturedNear() + "'s end (TTLs)")));
            if (c.merged()) {
                sb.append(st.dim("  the client's half and the server's half on two interfaces: the server's side sees "
                        + c.clientAtServer + " -> " + c.serverAtServer + "\n"));
            }
            if (s.peer != null) {
                sb.append(st.dim("  the same session on the " + (s.clientSide ? "server" : "client")
                        + " side of the device: session " + s.peer.number + " (" + s.peer.control.client + " -> "
                        + s.peer.control.server + ")\n"));
            }
            for (FtpLine l : s.lines) {
                String who = l.fromClient ? st.client("Client:") : st.server("Server:");
                sb.append(
                        String.format("  %9.3f s  #%-5d %s %s%n", seconds(a, l.last()), l.last().number, who, l.text));
                String pad = "                            ";
                if (l.meaning != null) {
                    sb.append(pad).append(st.dim(l.meaning)).append('\n');
                }
                if (l.frames.size() > 1) {
                    sb.append(pad)
                            .append(st.dim("in " + l.frames.size() + " segments: frames "
                                    + l.frames.stream()
                                            .map(f -> Integer.toString(f.number))
                                            .toList()))
                            .append('\n');
                }
                if (!l.retransmissions.isEmpty()) {
                    sb.append(pad)
                            .append(st.dim("retransmitted in frames "
                                    + l.retransmissions.stream()
                                            .map(f -> Integer.toString(f.number))
                                            .toList()))
                            .append('\n');
                }
                if (!l.complete) {
                    sb.append(pad).append(st.bad("the line end never came")).append('\n');
                }
                if (l.otherSide != null) {
                    sb.append(pad).append(st.dim(l.otherSide)).append('\n');
                }
            }
            if (s.tlsFrom != null) {
                sb.append("                            ")
                        .append(st.dim("... " + s.encryptedBytes + " bytes of TLS"))
                        .append('\n');
            }
            if (!s.negotiations.isEmpty()) {
                sb.append("  Data connections:\n");
            }
            for (Negotiation n : s.negotiations) {
                sb.append("    ").append(n.command.text);
                if (n.announcement != null && n.announcement != n.command) {
                    sb.append(" -> ").append(n.announcement.text);
                }
                if (n.transfer != null) {
                    sb.append(", then ").append(n.transfer.text);
                }
                sb.append(":\n");
                if (n.data.isEmpty()) {
                    sb.append("      ")
                            .append(
                                    n.target == null
                                            ? st.dim("nothing to connect to")
                                            : st.bad("never happened: no data connection" + " to " + n.target
                                                    + " in the capture"))
                            .append('\n');
                }
                for (TcpConn d : n.data) {
                    String how = d.synAcks.isEmpty()
                            ? st.bad(d.syns.size() + " SYN, no SYN-ACK")
                            : st.good("connected") + " (SYN-ACK frame " + d.synAcks.get(0).number + ")";
                    sb.append(String.format(
                            "      %s -> %s at %.3f s (frame %d): %s; %s; bytes: %d to %s, %d to %s%n",
                            d.client,
                            d.server,
                            seconds(a, d.first()),
                            d.first().number,
                            how,
                            d.ending(),
                            d.bytesToServer(),
                            d.server.address(),
                            d.bytesToClient(),
                            d.client.address()));
                    if (!d.icmpErrors.isEmpty()) {
                        sb.append("      ICMP errors in frames ")
                                .append(d.icmpErrors.stream()
                                        .map(f -> Integer.toString(f.number))
                                        .toList())
                                .append('\n');
                    }
                }
                FtpLine fin = n.finalTransferReply();
                if (fin != null) {
                    sb.append("      final reply: ").append(fin.text).append('\n');
                }
            }
        }
        sb.append('\n');
        if (a.findings.isEmpty()) {
            sb.append(st.good("No failure mode found.")).append('\n');
        } else {
            sb.append(st.bold("Findings (" + a.findings.size() + "):")).append('\n');
            for (Finding f : a.findings) {
                sb.append("  ")
                        .append(st.bad("[" + f.mode.id + "]"))
                        .append(' ')
                        .append(f.mode.title)
                        .append('\n');
                sb.append("    ").append(f.session.label()).append('\n');
                sb.append("    ").append(f.evidence).append('\n');
                sb.append("    frames: ").append(new ArrayList<>(f.frames)).append('\n');
                sb.append("    fix: ").append(f.mode.fix).append('\n');
            }
        }
        return sb.toString();
    }
}
