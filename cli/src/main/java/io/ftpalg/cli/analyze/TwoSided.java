package io.ftpalg.cli.analyze;

import java.util.ArrayList;
import java.util.List;

/**
 * Captures of both sides of a device (two pcapng interfaces, or {@code tcpdump -i any}): the same control
 * connection appears twice, with the addresses each side sees. A pair is recognised by its initial sequence
 * numbers (the client's SYN and the server's SYN-ACK carry the same ISNs on both sides of a NAT or firewall
 * that does not randomise them; Linux does not). The side whose SYN was captured first is the client's.
 *
 * <p>For each pair, line by line: what the device changed (the rewrite), and whether it got it right, the
 * checks of {@code replay --verify} without a config: a PORT/EPRT must name the client's address as the server
 * side sees it, a 227 the server's address as the client side sees it, nothing else in the line may change,
 * and after a length change every later segment of that direction must be shifted by the difference.
 */
final class TwoSided {
    private TwoSided() {}

    static List<Finding> compare(List<Session> sessions) {
        List<Finding> out = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            Session a = sessions.get(i);
            if (a.peer != null || a.control.syns.isEmpty() || a.control.synAcks.isEmpty()) {
                continue;
            }
            for (int k = i + 1; k < sessions.size(); k++) {
                Session b = sessions.get(k);
                if (b.peer != null
                        || b.control.iface.equals(a.control.iface) && b.control.client.equals(a.control.client)
                        || b.control.syns.isEmpty()
                        || b.control.synAcks.isEmpty()) {
                    continue;
                }
                if (b.control.syns.get(0).seq == a.control.syns.get(0).seq
                        && b.control.synAcks.get(0).seq == a.control.synAcks.get(0).seq) {
                    boolean aFirst = a.control.syns.get(0).number < b.control.syns.get(0).number;
                    Session cs = aFirst ? a : b;
                    Session ss = aFirst ? b : a;
                    cs.peer = ss;
                    ss.peer = cs;
                    cs.clientSide = true;
                    out.addAll(pair(cs, ss));
                    break;
                }
            }
        }
        return out;
    }

    /** {@code c}: the client side's copy; {@code s}: the server side's. */
    private static List<Finding> pair(Session c, Session s) {
        List<Finding> out = new ArrayList<>();
        List<FtpLine> cc = side(c, true);
        List<FtpLine> sc = side(s, true);
        List<FtpLine> cs = side(c, false);
        List<FtpLine> ss = side(s, false);
        // Client to server: the client side's line is the original, the server side's the rewritten one.
        lines(cc, sc, c, s, true, out);
        lines(ss, cs, s, c, false, out);
        sequence(c.control.toServer, s.control.toServer, cc, sc, c, s, "client-to-server", out);
        sequence(s.control.toClient, c.control.toClient, ss, cs, c, s, "server-to-client", out);
        return out;
    }

    private static List<FtpLine> side(Session s, boolean client) {
        List<FtpLine> out = new ArrayList<>();
        for (FtpLine l : s.lines) {
            if (l.fromClient == client) {
                out.add(l);
            }
        }
        return out;
    }

    private static void lines(
            List<FtpLine> orig, List<FtpLine> seen, Session from, Session to, boolean c2s, List<Finding> out) {
        int n = Math.min(orig.size(), seen.size());
        for (int i = 0; i < n; i++) {
            FtpLine o = orig.get(i);
            FtpLine r = seen.get(i);
            if (o.text.equals(r.text)) {
                continue;
            }
            int delta = (int) ((r.to - r.from) - (o.to - o.from));
            String change = "device changed \"" + o.text + "\" to \"" + r.text + "\" (" + (delta >= 0 ? "+" : "")
                    + delta + " bytes)";
            o.otherSide = change;
            r.otherSide = change;
            Session clientSide = c2s ? from : to;
            Session serverSide = c2s ? to : from;
            String wrong = null;
            if (o.parsed != null && r.parsed != null) {
                if (c2s) {
                    Endpoint t = SessionBuilder.endpoint(r.parsed, serverSide.control.client.address());
                    if (!t.address().equals(serverSide.control.client.address())) {
                        wrong = "it names " + t.address() + ", but the server side sees the client at "
                                + serverSide.control.client.address();
                    }
                } else if (r.code == 227) {
                    Endpoint t = SessionBuilder.endpoint(r.parsed, clientSide.control.server.address());
                    if (!t.address().equals(clientSide.control.server.address())) {
                        wrong = "it names " + t.address() + ", but the client side sees the server at "
                                + clientSide.control.server.address();
                    }
                }
                if (wrong == null && !sameOutside(o, r)) {
                    wrong = "text outside the address and port changed too";
                }
            } else {
                wrong = "the line names no address: a device should not change it";
            }
            if (wrong != null) {
                out.add(new Finding(
                        Mode.REWRITE_WRONG,
                        serverSide,
                        "The " + change + ": " + wrong + ".",
                        Diagnosis.concat(o.frames, r.frames)));
            }
        }
    }

    /** The parts of the two lines before and after the parsed address span are equal. */
    private static boolean sameOutside(FtpLine o, FtpLine r) {
        int os = (int) (o.parsed.spanStart - o.from);
        int oe = (int) (o.parsed.spanEnd - o.from);
        int rs = (int) (r.parsed.spanStart - r.from);
        int re = (int) (r.parsed.spanEnd - r.from);
        if (os < 0 || rs < 0 || oe > o.text.length() || re > r.text.length()) {
            return true; // spans are offsets into the stream; text was masked or re-encoded: do not guess
        }
        return o.text.substring(0, os).equals(r.text.substring(0, rs))
                && o.text.substring(oe).equals(r.text.substring(re));
    }

    /**
     * Sequence numbers after rewrites (PROBLEM.md: every later sequence number in that direction shifted by the
     * length difference). The i-th data segment of the original side is the i-th of the other side (a NAT
     * forwards segments one to one); its sequence number, as an offset into the other side's stream, must be
     * the original offset plus the length changes of all lines that ended before it.
     */
    private static void sequence(
            Stream orig,
            Stream seen,
            List<FtpLine> origLines,
            List<FtpLine> seenLines,
            Session c,
            Session s,
            String dir,
            List<Finding> out) {
        List<Frame> of = dataSegments(orig);
        List<Frame> sf = dataSegments(seen);
        int n = Math.min(of.size(), sf.size());
        for (int i = 0; i < n; i++) {
            long oo = orig.offset(of.get(i).seq);
            long so = seen.offset(sf.get(i).seq);
            long expect = oo;
            int m = Math.min(origLines.size(), seenLines.size());
            for (int k = 0; k < m; k++) {
                FtpLine ol = origLines.get(k);
                if (ol.to <= oo) {
                    FtpLine sl = seenLines.get(k);
                    expect += (sl.to - sl.from) - (ol.to - ol.from);
                }
            }
            if (so != expect) {
                out.add(new Finding(
                        Mode.REWRITE_WRONG,
                        s,
                        "The " + dir + " segment in frame " + of.get(i).number + " (stream offset " + oo + ") left the"
                                + " device as frame " + sf.get(i).number + " at offset " + so + ", not " + expect
                                + ": after changing a line's length the device did not shift the sequence numbers"
                                + " by " + (expect - oo) + " bytes.",
                        List.of(of.get(i), sf.get(i))));
                return;
            }
        }
    }

    private static List<Frame> dataSegments(Stream st) {
        List<Frame> out = new ArrayList<>();
        for (Stream.Chunk ch : st.chunks) {
            if (out.isEmpty() || out.get(out.size() - 1) != ch.frame()) {
                out.add(ch.frame());
            }
        }
        return out;
    }
}
