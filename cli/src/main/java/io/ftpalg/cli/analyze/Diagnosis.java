package io.ftpalg.cli.analyze;

import io.ftpalg.engine.ftp.FtpCommands;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules: which of the problem statement's failure modes a session shows. Each rule reads only the session
 * model (dialogue, negotiations, data connections) and names the frames that show it. Rules for the address
 * (not rewritten, private 227) take the data connection's failure as their consequence; the firewall rules
 * (unanswered, reset, ICMP) fire only where the address was right, so each failure gets the fix that applies.
 */
final class Diagnosis {
    private Diagnosis() {}

    static List<Finding> run(List<Session> sessions, Options o) {
        // Two-sided first: it marks the lines a device changed, which the address rules then leave to it.
        List<Finding> twoSided = TwoSided.compare(sessions);
        List<Finding> out = new ArrayList<>();
        for (Session s : sessions) {
            out.addAll(session(s, sessions, o));
        }
        out.addAll(twoSided);
        return out;
    }

    /** Outcome of a data connection. */
    enum Outcome {
        OK,
        UNANSWERED,
        REFUSED,
        ICMP,
        RESET_DURING,
        NONE
    }

    static Outcome outcome(Negotiation n) {
        if (n.data.isEmpty()) {
            return Outcome.NONE;
        }
        TcpConn d = n.data.get(n.data.size() - 1);
        if (d.synAcks.isEmpty() && d.sawSyn) {
            if (!d.icmpErrors.isEmpty()) {
                return Outcome.ICMP;
            }
            if (d.firstRst != null) {
                return Outcome.REFUSED;
            }
            return Outcome.UNANSWERED;
        }
        FtpLine fin = n.finalTransferReply();
        if (d.firstRst != null && (fin == null || fin.code >= 400)) {
            return Outcome.RESET_DURING;
        }
        return Outcome.OK;
    }

    static boolean failed(Negotiation n) {
        Outcome x = outcome(n);
        if (x == Outcome.OK) {
            return false;
        }
        if (x == Outcome.NONE) {
            FtpLine fin = n.finalTransferReply();
            return n.transfer != null && (fin == null || fin.code >= 400)
                    || n.reply != null && n.reply.code >= 500
                    || n.abandoned;
        }
        return true;
    }

    private static List<Frame> frames(FtpLine... lines) {
        List<Frame> out = new ArrayList<>();
        for (FtpLine l : lines) {
            if (l != null) {
                out.addAll(l.frames);
            }
        }
        return out;
    }

    private static List<Frame> dataFrames(Negotiation n) {
        List<Frame> out = new ArrayList<>();
        for (TcpConn d : n.data) {
            out.addAll(d.syns);
            out.addAll(d.synAcks);
            if (d.firstRst != null) {
                out.add(d.firstRst);
            }
            out.addAll(d.icmpErrors);
        }
        FtpLine fin = n.finalTransferReply();
        if (fin != null) {
            out.addAll(fin.frames);
        }
        return out;
    }

    /** Where the capture was taken, when the TTLs tell (see {@link TcpConn#capturedNear}). */
    private static String where(TcpConn c) {
        String near = c.capturedNear();
        return near == null ? "" : " (By the TTLs, this capture was taken at the " + near + "'s end.)";
    }

    private static String finalReply(Negotiation n) {
        FtpLine fin = n.finalTransferReply();
        return fin != null ? "; the server then said \"" + fin.text + "\"" : "";
    }

    private static String consequence(Negotiation n) {
        Outcome x = outcome(n);
        TcpConn d = n.data.isEmpty() ? null : n.data.get(n.data.size() - 1);
        FtpLine fin = n.finalTransferReply();
        String tail = fin != null ? "; the server then said \"" + fin.text + "\"" : "";
        return switch (x) {
            case OK -> "";
            case NONE -> n.transfer == null ? "" : " No data connection for it appears in the capture" + tail + ".";
            case UNANSWERED ->
                " The data connection " + d.client + " -> " + d.server + " got no answer (" + d.syns.size() + " SYN)"
                        + tail + ".";
            case REFUSED ->
                " The data connection " + d.client + " -> " + d.server + " was refused with a reset" + tail + ".";
            case ICMP -> " The data connection " + d.client + " -> " + d.server + " got an ICMP error" + tail + ".";
            case RESET_DURING -> " The data connection was reset during the transfer" + tail + ".";
        };
    }

    static List<Finding> session(Session s, List<Session> all, Options o) {
        List<Finding> out = new ArrayList<>();
        TcpConn c = s.control;
        boolean addressFault = false;
        boolean anyDataFailure = false;
        for (Negotiation n : s.negotiations) {
            boolean explained = false;
            FtpLine a = n.announcement;
            if (n.active && a != null && a.parsed != null) {
                Endpoint t = SessionBuilder.endpoint(a.parsed, c.client.address());
                boolean refused = n.reply != null && (n.reply.code == 500 || n.reply.code == 501);
                String ev = null;
                if (a.otherSide != null) {
                    ev = null; // changed by the device between the two captured sides: TwoSided judges it
                } else if (!t.address().equals(c.client.address())) {
                    ev = "\"" + a.text + "\" names " + t.address() + ", but here the client is " + c.client.address()
                            + ": a NAT between the client and this capture point changed the address and not the"
                            + " text.";
                } else if (refused) {
                    ev = "\"" + a.text + "\" was refused by the server (\"" + n.reply.text + "\"): servers such as"
                            + " vsftpd refuse a PORT/EPRT naming another address than the one they see the client"
                            + " at, so a NAT after this capture point did not rewrite it.";
                } else if (o.isPrivate(t.address()) && !o.isPrivate(c.server.address()) && failed(n)) {
                    ev = "\"" + a.text + "\" names the private address " + t.address() + " to the server "
                            + c.server.address() + ", and no data connection worked.";
                }
                if (ev != null) {
                    out.add(new Finding(
                            Mode.PORT_ADDRESS_NOT_REWRITTEN,
                            s,
                            ev + consequence(n),
                            concat(frames(a, n.reply), dataFrames(n))));
                    explained = true;
                }
            }
            if (!n.active && a != null && a.parsed != null && a.code == 227) {
                Endpoint t = SessionBuilder.endpoint(a.parsed, c.server.address());
                String ev = null;
                if (a.otherSide != null) {
                    ev = null; // changed by the device between the two captured sides: TwoSided judges it
                } else if (!t.address().equals(c.serverAtServer.address())
                        && !"server".equals(c.capturedNear())
                        && !c.merged()) {
                    // At the server (TTLs say so, or the server's half of a connection joined from two
                    // interfaces), a 227 naming another address is the server advertising its public one (vsftpd
                    // pasv_address), not a fault; at the client it is the server's own one.
                    ev = "\"" + a.text + "\" names " + t.address() + ", but here the server is "
                            + c.serverAtServer.address()
                            + ": the server's own (inside) address, which no device rewrote.";
                } else if (o.isPrivate(t.address()) && !o.isPrivate(c.client.address()) && failed(n)) {
                    ev = "\"" + a.text + "\" names the private address " + t.address() + " to the client "
                            + c.client.address() + ", and no data connection worked.";
                }
                if (ev != null) {
                    if (n.addressDiffers && outcome(n) == Outcome.OK) {
                        ev += " The client connected to the control connection's address instead, which worked.";
                    }
                    out.add(new Finding(
                            Mode.PASV_ADDRESS_PRIVATE, s, ev + consequence(n), concat(frames(a), dataFrames(n))));
                    explained = true;
                }
            }
            if (!explained && loadBalancer(s, n, out)) {
                anyDataFailure |= failed(n);
                continue;
            }
            if (explained) {
                addressFault = true;
                anyDataFailure |= failed(n);
                continue;
            }
            Outcome x = outcome(n);
            TcpConn d = n.data.isEmpty() ? null : n.data.get(n.data.size() - 1);
            String who = n.active
                    ? "The server's connection back to the client (active mode, " + n.kind() + ")"
                    : "The client's connection to the server (passive mode, " + n.kind() + ")";
            switch (x) {
                case UNANSWERED ->
                    out.add(new Finding(
                            Mode.DATA_CONNECTION_UNANSWERED,
                            s,
                            who + ", " + d.client + " -> " + d.server + ", sent " + d.syns.size() + " SYN and got no"
                                    + " answer in this capture: dropped between here and " + d.server.address()
                                    + " (a firewall on the " + (n.active ? "client" : "server") + "'s side)"
                                    + finalReply(n) + "." + where(c),
                            concat(frames(a, n.transfer), dataFrames(n))));
                case REFUSED ->
                    out.add(new Finding(
                            Mode.DATA_CONNECTION_RESET,
                            s,
                            who + ", " + d.client + " -> " + d.server + ", was answered with a reset from "
                                    + (d.rstFromClient ? d.client.address() : d.server.address()) + " (frame "
                                    + d.firstRst.number + "): nothing listens there, or a device refuses it.",
                            concat(frames(a), dataFrames(n))));
                case RESET_DURING ->
                    out.add(new Finding(
                            Mode.DATA_CONNECTION_RESET,
                            s,
                            who + ", " + d.client + " -> " + d.server + ", was reset during the transfer (frame "
                                    + d.firstRst.number + ")" + finalReply(n) + ".",
                            concat(frames(a), dataFrames(n))));
                case ICMP -> {
                    Frame e = d.icmpErrors.get(0);
                    out.add(new Finding(
                            Mode.DATA_CONNECTION_ICMP_ERROR,
                            s,
                            who + ", " + d.client + " -> " + d.server + ", was refused by " + e.src + " with ICMP"
                                    + (e.proto == 58 ? "v6" : "") + " type " + e.icmpType + " code " + e.icmpCode + " ("
                                    + icmpName(e) + ").",
                            concat(frames(a), dataFrames(n))));
                }
                case NONE -> {
                    if (n.abandoned) {
                        out.add(new Finding(
                                Mode.DATA_CONNECTION_NEVER_SEEN,
                                s,
                                "After \"" + n.announcement.text + "\", no data connection to " + n.target
                                        + " appears in the capture, and the session went no further ("
                                        + c.ending() + ").",
                                concat(frames(n.command, n.announcement), List.of(c.last()))));
                    } else if (failed(n) && n.transfer != null) {
                        out.add(new Finding(
                                Mode.DATA_CONNECTION_NEVER_SEEN,
                                s,
                                "After \"" + n.command.text + "\" and \"" + n.transfer.text + "\", no data connection"
                                        + (n.target != null ? " to " + n.target : "") + " appears in the capture"
                                        + finalReply(n) + ".",
                                concat(frames(a, n.transfer), dataFrames(n))));
                    }
                }
                default -> {}
            }
            if (failed(n)) {
                anyDataFailure = true;
            }
            if (n.active && d != null && (x == Outcome.UNANSWERED || x == Outcome.REFUSED || x == Outcome.ICMP)) {
                int sp = d.client.port();
                if (sp != 20 && sp != c.server.port() - 1) {
                    out.add(new Finding(
                            Mode.DATA_SOURCE_PORT_REFUSED,
                            s,
                            "The server's active-mode data connection came from port " + sp + ", not 20"
                                    + (c.server.port() == 21
                                            ? ""
                                            : " or " + (c.server.port() - 1) + " (control port - 1)")
                                    + ", and was refused: a client-side firewall that insists on port 20 / N-1 would do"
                                    + " this.",
                            dataFrames(n)));
                }
            }
        }
        // Deadlock: a failed active and a failed passive attempt, and no data connection that worked.
        Negotiation fa = null;
        Negotiation fp = null;
        boolean anyOk = false;
        for (Negotiation n : s.negotiations) {
            if (failed(n)) {
                if (n.active && fa == null) {
                    fa = n;
                } else if (!n.active && fp == null) {
                    fp = n;
                }
            } else if (outcome(n) == Outcome.OK) {
                anyOk = true;
            }
        }
        if (fa != null && fp != null && !anyOk) {
            out.add(new Finding(
                    Mode.DEADLOCK_BOTH_SIDES,
                    s,
                    "Passive mode (\"" + fp.command.text + "\") and active mode (\"" + fa.command.text + "\") both"
                            + " failed, and no data connection of this session worked: both directions are blocked.",
                    concat(
                            concat(frames(fp.announcement), dataFrames(fp)),
                            concat(frames(fa.announcement), dataFrames(fa)))));
        }
        if (c.server.port() != 21 && (addressFault || anyDataFailure)) {
            String other = "";
            for (Session t : all) {
                if (t != s
                        && t.control.server.port() == 21
                        && t.control.server.address().equals(c.server.address())
                        && !t.negotiations.isEmpty()
                        && t.negotiations.stream().allMatch(n -> outcome(n) == Outcome.OK)) {
                    other = " On port 21 (" + t.label() + ") the data connections worked.";
                    break;
                }
            }
            out.add(new Finding(
                    Mode.NONSTANDARD_PORT_NOT_INSPECTED,
                    s,
                    "The control connection uses port " + c.server.port() + ", not 21, and its data connections failed"
                            + (addressFault ? " (an address in the dialogue was not rewritten)" : "") + "."
                            + other,
                    c.syns.isEmpty() ? List.of(c.first()) : List.of(c.syns.get(0))));
        }
        controlTimeout(s, o, out);
        if (s.tlsFrom != null) {
            FtpLine auth = null;
            for (FtpLine l : s.lines) {
                if (l.command == FtpCommands.CMD_AUTH) {
                    auth = l;
                }
            }
            out.add(new Finding(
                    Mode.CONTROL_ENCRYPTED,
                    s,
                    "\"" + (auth != null ? auth.text : "AUTH") + "\" answered \"" + s.tlsFrom.text
                            + "\": the rest of the"
                            + " control connection (" + s.encryptedBytes + " bytes) is TLS; addresses and ports of its"
                            + " data connections cannot be read here or by any device.",
                    frames(auth, s.tlsFrom)));
        }
        for (FtpLine l : s.lines) {
            if (l.fromClient
                    && (l.frames.size() >= 2 || !l.complete)
                    && !l.acknowledged
                    && (!l.retransmissions.isEmpty() || !l.complete)) {
                out.add(new Finding(
                        Mode.SPLIT_COMMAND_STALLED,
                        s,
                        "\"" + l.text + "\" was sent in " + l.frames.size() + " segments"
                                + (l.complete ? "" : " (its line end never came)") + " and never acknowledged"
                                + (l.retransmissions.isEmpty()
                                        ? ""
                                        : "; retransmitted " + l.retransmissions.size() + " times without progress")
                                + ".",
                        concat(l.frames, l.retransmissions)));
            }
        }
        return out;
    }

    /**
     * A data connection whose server side (the client's passive target, or the source of an active connection)
     * is neither the control connection's server nor, for passive mode, the address the 227 named: a load
     * balancer sent it to another backend. Seen on the backends' side of the load balancer.
     */
    private static boolean loadBalancer(Session s, Negotiation n, List<Finding> out) {
        TcpConn c = s.control;
        for (TcpConn d : n.data) {
            Endpoint backend = n.active ? d.client : d.server;
            boolean announced =
                    !n.active && n.target != null && backend.address().equals(n.target.address());
            if (!c.serverIs(backend.address()) && !announced) {
                out.add(new Finding(
                        Mode.LOAD_BALANCER_BACKEND_MISMATCH,
                        s,
                        "The control connection is served by " + c.server.address() + ", but its data connection "
                                + d.client + " -> " + d.server + " (" + n.kind() + ") "
                                + (n.active ? "came from " : "went to ") + backend.address() + ": another backend."
                                + consequence(n),
                        concat(frames(n.announcement), dataFrames(n))));
                return true;
            }
        }
        return false;
    }

    /**
     * Premature timeout (PROBLEM.md scenario 5): during a data connection the control connection carried nothing
     * for at least {@link Options#idleNanos}, and afterwards the client's next line was never answered or
     * acknowledged, the control connection was reset, or the transfer's final reply never came.
     */
    private static void controlTimeout(Session s, Options o, List<Finding> out) {
        TcpConn c = s.control;
        for (Negotiation n : s.negotiations) {
            for (TcpConn d : n.data) {
                if (d.synAcks.isEmpty()) {
                    continue;
                }
                long ds = d.first().timeNanos;
                long de = d.last().timeNanos;
                // The longest silence of the control connection that overlaps the data connection.
                Frame before = null;
                Frame after = null;
                long gap = 0;
                Frame prev = null;
                for (Frame f : c.frames) {
                    if (prev != null && f.timeNanos - prev.timeNanos > gap && prev.timeNanos < de && f.timeNanos > ds) {
                        gap = f.timeNanos - prev.timeNanos;
                        before = prev;
                        after = f;
                    }
                    prev = f;
                }
                if (prev != null && prev.timeNanos < de) {
                    long tail = c.last().timeNanos;
                    long end = Math.max(de, tail);
                    if (end - prev.timeNanos > gap) {
                        gap = end - prev.timeNanos;
                        before = prev;
                        after = null;
                    }
                }
                if (gap < o.idleNanos() || before == null) {
                    continue;
                }
                long gapEnd = after == null ? Long.MAX_VALUE : after.timeNanos;
                String what = null;
                List<Frame> ev = new ArrayList<>();
                ev.add(before);
                for (FtpLine l : s.lines) {
                    if (l.fromClient && l.first().timeNanos >= gapEnd - 1 && (!l.acknowledged || !answered(s, l))) {
                        what = "the client's next line \"" + l.text + "\" got "
                                + (l.acknowledged ? "no reply" : "no acknowledgement")
                                + (l.retransmissions.isEmpty()
                                        ? ""
                                        : " (retransmitted " + l.retransmissions.size() + " times)");
                        ev.addAll(l.frames);
                        ev.addAll(l.retransmissions);
                        break;
                    }
                }
                if (what == null && c.firstRst != null && c.firstRst.timeNanos >= gapEnd - 1) {
                    what = "the control connection was reset by "
                            + (c.rstFromClient ? "the client side" : "the server side") + " (frame " + c.firstRst.number
                            + ")";
                    ev.add(c.firstRst);
                }
                if (what == null
                        && n.transfer != null
                        && n.finalTransferReply() == null
                        && d.firstRst == null
                        && (d.clientFin != null || d.serverFin != null)) {
                    what = "the data connection ended but the transfer's final reply (226) never came";
                    ev.add(d.clientFin != null ? d.clientFin : d.serverFin);
                }
                if (what == null
                        && after != null
                        && c.toServer.retransmissionsIn(0, Long.MAX_VALUE).stream()
                                .anyMatch(f -> f.timeNanos >= gapEnd)) {
                    what = "the client's segments after the silence were retransmitted without answer";
                }
                if (what != null) {
                    out.add(new Finding(
                            Mode.CONTROL_TIMEOUT_DURING_TRANSFER,
                            s,
                            String.format(
                                    "The control connection was silent for %.1f s while the data connection %s -> %s"
                                            + " ran (%d bytes); then %s.",
                                    gap / 1e9, d.client, d.server, d.bytesToClient() + d.bytesToServer(), what),
                            ev));
                    return;
                }
            }
        }
    }

    private static boolean answered(Session s, FtpLine l) {
        int i = s.lines.indexOf(l);
        for (int k = i + 1; k < s.lines.size(); k++) {
            if (!s.lines.get(k).fromClient && s.lines.get(k).code > 0) {
                return true;
            }
        }
        return false;
    }

    private static String icmpName(Frame e) {
        if (e.proto == 58) {
            return e.icmpType == 1
                    ? (e.icmpCode == 1 ? "administratively prohibited" : "destination unreachable")
                    : "error";
        }
        if (e.icmpType == 3) {
            return switch (e.icmpCode) {
                case 1 -> "host unreachable";
                case 3 -> "port unreachable";
                case 9, 10, 13 -> "administratively prohibited";
                default -> "destination unreachable";
            };
        }
        return e.icmpType == 11 ? "time exceeded" : "error";
    }

    static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
