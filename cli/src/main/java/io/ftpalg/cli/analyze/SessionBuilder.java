package io.ftpalg.cli.analyze;

import io.ftpalg.engine.config.IpAddress;
import io.ftpalg.engine.ftp.FtpCommands;
import io.ftpalg.engine.ftp.FtpEndpoint;
import io.ftpalg.engine.ftp.FtpParsers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns an FTP control connection into its dialogue: the lines of both directions in the order they completed,
 * what each means (parsed by the engine's {@link FtpCommands} and {@link FtpParsers}, the same code that
 * rewrites them in the gateway), the negotiations, and the data connections seen for each.
 */
final class SessionBuilder {
    private SessionBuilder() {}

    static List<Session> build(Connections cs) {
        List<Session> out = new ArrayList<>();
        Set<TcpConn> used = new HashSet<>();
        for (TcpConn c : cs.all) {
            if (c.ftp) {
                Session s = new Session(out.size() + 1, c);
                lines(s);
                negotiations(s);
                out.add(s);
            }
        }
        // Data connections: each to the first negotiation it fits, in time order.
        for (Session s : out) {
            for (int i = 0; i < s.negotiations.size(); i++) {
                Negotiation n = s.negotiations.get(i);
                long from = n.announcement == null ? Long.MAX_VALUE : n.announcement.last().timeNanos;
                long until = i + 1 < s.negotiations.size() && s.negotiations.get(i + 1).announcement != null
                        ? s.negotiations.get(i + 1).announcement.last().timeNanos
                        : Long.MAX_VALUE;
                match(cs, s, n, from, until, used, true);
                if (n.data.isEmpty()) {
                    match(cs, s, n, from, until, used, false);
                }
                if (n.data.isEmpty() && n.target != null && n.transfer == null && i + 1 == s.negotiations.size()) {
                    // Real clients negotiate only to transfer: one that then ends the session (or stays idle
                    // 10 s) without a data connection gave up on it, whether after a connect timeout or at once
                    // after a reset or an ICMP error that this capture point did not see.
                    TcpConn c = s.control;
                    Frame end = c.firstRst != null ? c.firstRst : c.clientFin != null ? c.clientFin : c.serverFin;
                    n.abandoned = end != null && end.timeNanos >= from
                            || c.last().timeNanos - from >= Options.DEFAULT_IDLE_NANOS;
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------- lines

    private static void lines(Session s) {
        TcpConn c = s.control;
        List<FtpLine> client = split(c.toServer, true);
        List<FtpLine> server = split(c.toClient, false);
        // AUTH TLS answered by 234 (RFC 4217 section 4): both directions are TLS after those two lines.
        FtpLine tls = null;
        for (FtpLine l : server) {
            if (l.code == 234 && l.complete) {
                tls = l;
                break;
            }
        }
        if (tls != null) {
            long tlsTime = tls.last().number;
            FtpLine auth = null;
            for (FtpLine l : client) {
                if (l.command == FtpCommands.CMD_AUTH && l.last().number < tlsTime) {
                    auth = l;
                }
            }
            long enc = 0;
            int ci = auth == null ? client.size() : client.indexOf(auth) + 1;
            int si = server.indexOf(tls) + 1;
            enc += (c.toServer.next - (ci < client.size() ? client.get(ci).from : c.toServer.next));
            enc += (c.toClient.next - (si < server.size() ? server.get(si).from : c.toClient.next));
            client = new ArrayList<>(client.subList(0, ci));
            server = new ArrayList<>(server.subList(0, si));
            s.tlsFrom = tls;
            s.encryptedBytes = enc;
        }
        List<FtpLine> all = new ArrayList<>(client);
        all.addAll(server);
        all.sort(Comparator.comparingInt((FtpLine l) -> l.last().number).thenComparingLong(l -> l.from));
        s.lines.addAll(all);
        boolean inMulti = false;
        for (FtpLine l : s.lines) {
            if (!l.fromClient && l.code < 0 && inMulti) {
                continue;
            }
            if (!l.fromClient && l.text.length() > 3 && l.code >= 0) {
                inMulti = l.text.charAt(3) == '-';
            }
            l.meaning = meaning(s, l);
        }
    }

    /** Splits one direction's bytes at LF (RFC 959: CRLF; a bare LF is accepted here, being a reader). */
    private static List<FtpLine> split(Stream st, boolean client) {
        byte[] b = st.data();
        List<FtpLine> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= b.length; i++) {
            boolean end = i == b.length;
            if (!end && b[i] != '\n') {
                continue;
            }
            if (end && start == b.length) {
                break;
            }
            int to = end ? b.length : i + 1;
            int textEnd = end ? b.length : i;
            if (textEnd > start && b[textEnd - 1] == '\r') {
                textEnd--;
            }
            List<Frame> frames = st.framesIn(start, to);
            if (frames.isEmpty()) {
                start = to;
                continue;
            }
            String text = new String(b, start, textEnd - start, StandardCharsets.ISO_8859_1);
            int cmd = client ? FtpCommands.classifyCommand(b, start, textEnd) : FtpCommands.CMD_OTHER;
            if (client && text.regionMatches(true, 0, "PASS ", 0, 5)) {
                text = "PASS ****";
            }
            FtpLine l = new FtpLine(
                    client, printable(text), start, to, frames, !end, st.retransmissionsIn(start, to), st.acked >= to);
            l.command = cmd;
            if (!client) {
                l.code = FtpCommands.replyCode(b, start, textEnd);
            }
            l.parsed = parse(b, start, textEnd, client, cmd, l.code);
            out.add(l);
            start = to;
        }
        return out;
    }

    private static FtpEndpoint parse(byte[] b, int from, int to, boolean client, int cmd, int code) {
        FtpEndpoint e = new FtpEndpoint();
        boolean ok = false;
        if (client && (cmd == FtpCommands.CMD_PORT || cmd == FtpCommands.CMD_EPRT)) {
            int arg = FtpCommands.argumentStart(b, from, to, false);
            if (arg >= 0) {
                ok = cmd == FtpCommands.CMD_PORT
                        ? FtpParsers.parsePort(b, arg, to, false, e)
                        : FtpParsers.parseEprt(b, arg, to, false, e);
            }
        } else if (!client && (code == 227 || code == 229) && to - from > 4) {
            ok = code == 227
                    ? FtpParsers.parse227(b, from + 4, to, false, e)
                    : FtpParsers.parse229(b, from + 4, to, false, e);
        }
        return ok ? e : null;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            sb.append(ch >= 0x20 && ch < 0x7F ? String.valueOf(ch) : String.format("\\x%02x", (int) ch));
        }
        return sb.toString();
    }

    static Endpoint endpoint(FtpEndpoint e, IpAddress controlPeer) {
        if (e.ipVersion == 0) {
            return new Endpoint(controlPeer, e.port);
        }
        return new Endpoint(e.ipVersion == 6 ? IpAddress.v6(e.addrHi, e.addrLo) : IpAddress.v4(e.addrLo), e.port);
    }

    private static String meaning(Session s, FtpLine l) {
        TcpConn c = s.control;
        if (l.fromClient) {
            String verb = l.text.length() >= 4
                    ? l.text.split(" ", 2)[0].toUpperCase(Locale.ROOT)
                    : l.text.toUpperCase(Locale.ROOT);
            switch (l.command) {
                case FtpCommands.CMD_PORT, FtpCommands.CMD_EPRT -> {
                    if (l.parsed == null) {
                        return "active mode, but the address cannot be read (malformed " + verb + ")";
                    }
                    Endpoint t = endpoint(l.parsed, c.client.address());
                    String m = "active mode: \"server, connect to me at " + t.address() + " port " + t.port() + "\"";
                    if (!t.address().equals(c.client.address())) {
                        m += "; but here the client is " + c.client.address()
                                + ": the address was not rewritten to the one the server sees";
                    }
                    return m;
                }
                case FtpCommands.CMD_PASV -> {
                    return "passive mode: \"server, where shall I connect?\"";
                }
                case FtpCommands.CMD_EPSV -> {
                    return "extended passive mode (RFC 2428): \"server, which port shall I connect to?\"";
                }
                case FtpCommands.CMD_AUTH -> {
                    return "asks to encrypt the control connection (RFC 4217)";
                }
                case FtpCommands.CMD_LPRT, FtpCommands.CMD_LPSV -> {
                    return "long address form (RFC 1639): few devices rewrite it";
                }
                default -> {}
            }
            return switch (verb) {
                case "USER" -> "logs in as " + (l.text.length() > 5 ? l.text.substring(5) : "?");
                case "PASS" -> "sends the password";
                case "LIST", "NLST", "MLSD" -> "asks for a directory listing over the data connection";
                case "RETR" -> "asks to download " + arg(l.text) + " over the data connection";
                case "STOR", "APPE", "STOU" -> "asks to upload " + arg(l.text) + " over the data connection";
                case "QUIT" -> "ends the session";
                case "NOOP" -> "keeps the control connection alive";
                case "ABOR" -> "aborts the transfer";
                default -> null;
            };
        }
        int code = l.code;
        if (code == 227 || code == 229) {
            if (l.parsed == null) {
                return "passive reply whose address cannot be read";
            }
            Endpoint t = endpoint(l.parsed, c.server.address());
            String m = code == 227
                    ? "\"connect to " + t.address() + " port " + t.port() + "\""
                    : "\"connect to port " + t.port() + " at the control connection's address (" + t.address() + ")\"";
            if (code == 227 && !t.address().equals(c.serverAtServer.address())) {
                m += "; but here the server is " + c.serverAtServer.address() + ": its own address, not rewritten";
            }
            return m;
        }
        return switch (code) {
            case 220 -> "greeting: the server is ready";
            case 230 -> "logged in";
            case 331, 332 -> "asks for the password";
            case 200 -> "command accepted";
            case 150, 125 -> "the data connection is open (or about to be): the transfer starts";
            case 226 -> "transfer complete; the data connection is closed";
            case 250 -> "done";
            case 234 -> "from here on the control connection is encrypted (TLS): no device can read or rewrite it";
            case 421 -> "the server closes the control connection (often: it was idle too long)";
            case 425 -> "the server could not open the data connection";
            case 426 -> "the data connection was closed; the transfer is aborted";
            case 500, 501 -> "the command was refused (syntax, or an address the server does not accept)";
            case 530 -> "not logged in";
            case 221 -> "goodbye";
            default -> null;
        };
    }

    private static String arg(String text) {
        int sp = text.indexOf(' ');
        return sp < 0 ? "?" : text.substring(sp + 1);
    }

    // ------------------------------------------------------------------------------------ negotiations

    private static void negotiations(Session s) {
        Negotiation cur = null;
        List<FtpLine> lines = s.lines;
        for (int i = 0; i < lines.size(); i++) {
            FtpLine l = lines.get(i);
            if (l.fromClient) {
                int cmd = l.command;
                if (cmd == FtpCommands.CMD_PORT || cmd == FtpCommands.CMD_EPRT) {
                    cur = new Negotiation(true, l);
                    cur.announcement = l;
                    if (l.parsed != null) {
                        cur.target = endpoint(l.parsed, s.control.client.address());
                    }
                    cur.reply = nextReply(lines, i);
                    if (cur.reply != null && cur.reply.code >= 400) {
                        cur.target = null; // refused: nothing to connect to
                    }
                    s.negotiations.add(cur);
                } else if (cmd == FtpCommands.CMD_PASV || cmd == FtpCommands.CMD_EPSV) {
                    cur = new Negotiation(false, l);
                    cur.reply = nextReply(lines, i);
                    if (cur.reply != null && (cur.reply.code == 227 || cur.reply.code == 229)) {
                        cur.announcement = cur.reply;
                        if (cur.reply.parsed != null) {
                            cur.target = endpoint(cur.reply.parsed, s.control.server.address());
                        }
                    }
                    s.negotiations.add(cur);
                } else if (cur != null && cur.transfer == null && isTransfer(l.text)) {
                    cur.transfer = l;
                    for (int k = i + 1; k < lines.size(); k++) {
                        FtpLine r = lines.get(k);
                        if (r.fromClient && (isTransfer(r.text) || r.command != FtpCommands.CMD_OTHER)) {
                            break;
                        }
                        if (!r.fromClient && r.code > 0) {
                            cur.transferReplies.add(r);
                            if (r.code >= 200 && r.text.length() > 3 && r.text.charAt(3) != '-') {
                                break;
                            }
                        }
                    }
                }
            }
        }
    }

    static boolean isTransfer(String text) {
        String v = text.split(" ", 2)[0].toUpperCase(Locale.ROOT);
        return switch (v) {
            case "LIST", "NLST", "MLSD", "RETR", "STOR", "APPE", "STOU" -> true;
            default -> false;
        };
    }

    private static FtpLine nextReply(List<FtpLine> lines, int i) {
        for (int k = i + 1; k < lines.size(); k++) {
            FtpLine r = lines.get(k);
            if (!r.fromClient && r.code > 0 && (r.text.length() == 3 || r.text.charAt(3) == ' ')) {
                return r;
            }
        }
        return null;
    }

    /**
     * Finds the data connection(s) of {@code n} among the non-FTP connections on the same interface that started
     * in {@code [from, until)}: exactly to the target ({@code exact}), else to the target's port from or to the
     * control peer's address (a client that ignores the 227 address and uses the control address, as curl does;
     * a NAT that changed the address).
     */
    private static void match(
            Connections cs, Session s, Negotiation n, long from, long until, Set<TcpConn> used, boolean exact) {
        if (n.target == null) {
            return;
        }
        TcpConn ctl = s.control;
        for (TcpConn d : cs.all) {
            if (d.ftp || used.contains(d) || !d.onInterfaceOf(ctl)) {
                continue;
            }
            long t = d.first().timeNanos;
            if (t < from || t >= until) {
                continue;
            }
            boolean fits;
            if (exact) {
                fits = d.server.equals(n.target) || d.serverAtServer.equals(n.target);
            } else if (n.active) {
                fits = d.server.port() == n.target.port()
                        && (ctl.serverIs(d.client.address()) || ctl.clientIs(d.server.address()));
            } else {
                fits = d.server.port() == n.target.port()
                        && (ctl.clientIs(d.client.address()) || ctl.serverIs(d.server.address()));
            }
            if (fits) {
                n.data.add(d);
                n.addressDiffers = !exact;
                used.add(d);
                if (d.established() && !d.synAcks.isEmpty()) {
                    return;
                }
            }
        }
    }
}
