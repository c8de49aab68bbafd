package io.ftpalg.cli.analyze;

import io.ftpalg.engine.config.IpAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ladder (sequence) diagram of each session as one self-contained HTML file with inline SVG (no script,
 * style or font from anywhere else): a column per address (the client, each address seen for a device between
 * them, the server), time downwards, one row per event: control commands and replies as solid arrows, the data
 * connections' SYN, SYN-ACK, RST, FIN and ICMP errors as dashed ones, retransmissions and unanswered SYNs marked.
 * Rows are in frame order, spaced evenly (a transfer of an hour and a handshake of a millisecond both stay
 * readable); each carries its time and frame number.
 */
final class Ladder {
    private Ladder() {}

    static final int ROW = 24;
    static final int COL = 230;
    static final int LEFT = 150;
    static final int TOP = 70;

    /** One arrow of the diagram. */
    record Event(Frame frame, IpAddress from, IpAddress to, String label, String kind) {}

    static String html(Analysis a) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
        sb.append("<title>ftp-alg analyze: ").append(esc(a.file)).append("</title>\n");
        sb.append("<style>\n")
                .append("body{font-family:sans-serif;margin:20px;color:#222;background:#fff}\n")
                .append("h1{font-size:20px} h2{font-size:16px;margin-top:28px}\n")
                .append(".finding{border-left:4px solid #c62828;padding:4px 10px;margin:8px 0;background:#fff5f5}\n")
                .append(".mode{font-family:monospace;color:#c62828;font-weight:bold}\n")
                .append(".ok{color:#2e7d32;font-weight:bold}\n")
                .append("svg text{font-family:monospace;font-size:12px}\n")
                .append("</style></head><body>\n");
        sb.append("<h1>ftp-alg analyze: ").append(esc(a.file)).append("</h1>\n");
        sb.append("<p>")
                .append(a.sessions.size())
                .append(" FTP session(s), ")
                .append(a.findings.size())
                .append(" finding(s).</p>\n");
        for (Session s : a.sessions) {
            sb.append("<h2 class=\"session\">Session ")
                    .append(s.number)
                    .append(": ")
                    .append(esc(s.control.client.toString()))
                    .append(" &#8594; ")
                    .append(esc(s.control.server.toString()));
            if (!s.control.iface.equals("0")) {
                sb.append(" (interface ").append(esc(s.control.iface)).append(')');
            }
            sb.append("</h2>\n");
            sb.append(svg(a, s));
            List<Finding> fs = a.findingsOf(s);
            if (fs.isEmpty()) {
                sb.append("<p class=\"ok\">No failure mode found in this session.</p>\n");
            }
            for (Finding f : fs) {
                sb.append("<div class=\"finding\"><span class=\"mode\">")
                        .append(esc(f.mode.id))
                        .append("</span> ")
                        .append(esc(f.mode.title))
                        .append("<br>")
                        .append(esc(f.evidence))
                        .append("<br>frames: ")
                        .append(esc(new ArrayList<>(f.frames).toString()))
                        .append("<br><i>Fix:</i> ")
                        .append(esc(f.mode.fix))
                        .append("</div>\n");
            }
        }
        // The only script: after layout, says how many diagrams have a non-empty bounding box (the browser test
        // reads it from the DOM); the page needs nothing from it.
        sb.append("<script>document.addEventListener('DOMContentLoaded',function(){")
                .append("var s=document.querySelectorAll('svg.ladder'),ok=0;")
                .append("for(var i=0;i<s.length;i++){var b=s[i].getBBox();if(b.width>0&&b.height>0)ok++;}")
                .append("var p=document.createElement('p');p.id='rendered';p.style.color='#9e9e9e';")
                .append("p.textContent='rendered '+ok+' of '+s.length+' diagrams';document.body.appendChild(p);});")
                .append("</script>\n");
        sb.append("</body></html>\n");
        return sb.toString();
    }

    /** Columns: the client, every other address of the session in order of appearance, the server. */
    static List<IpAddress> columns(Session s, List<Event> events) {
        TcpConn c = s.control;
        List<IpAddress> mid = new ArrayList<>();
        IpAddress left = c.client.address();
        IpAddress right = c.serverAtServer.address();
        for (IpAddress x : List.of(c.clientAtServer.address(), c.server.address())) {
            if (!x.equals(left) && !x.equals(right) && !mid.contains(x)) {
                mid.add(x);
            }
        }
        for (Event e : events) {
            for (IpAddress x : List.of(e.from, e.to)) {
                if (!x.equals(left) && !x.equals(right) && !mid.contains(x)) {
                    mid.add(x);
                }
            }
        }
        List<IpAddress> out = new ArrayList<>();
        out.add(left);
        out.addAll(mid);
        out.add(right);
        return out;
    }

    static List<Event> events(Session s) {
        TcpConn c = s.control;
        List<Event> ev = new ArrayList<>();
        for (FtpLine l : s.lines) {
            Frame f = l.last();
            String label = (l.fromClient ? "" : "")
                    + l.text
                    + (l.retransmissions.isEmpty() ? "" : "  [retransmitted " + l.retransmissions.size() + "x]")
                    + (l.acknowledged ? "" : "  [never acknowledged]");
            ev.add(new Event(f, f.src, f.dst, label, l.fromClient ? "client" : "server"));
        }
        for (Frame f : c.frames) {
            if (f.syn() || f.rst()) {
                ev.add(new Event(f, f.src, f.dst, "control " + f.flagNames(), "tcp"));
            }
        }
        if (s.tlsFrom != null) {
            Frame f = s.tlsFrom.last();
            ev.add(new Event(f, f.src, f.dst, "... " + s.encryptedBytes + " bytes of TLS follow (unreadable)", "note"));
        }
        for (Negotiation n : s.negotiations) {
            for (TcpConn d : n.data) {
                boolean answered = !d.synAcks.isEmpty();
                int i = 0;
                for (Frame f : d.syns) {
                    String label = "data SYN " + d.client.port() + " > " + d.server.port()
                            + (i++ > 0 ? " (retransmission)" : "") + (answered ? "" : "  [no answer]");
                    ev.add(new Event(f, f.src, f.dst, label, answered ? "data" : "bad"));
                }
                for (Frame f : d.synAcks) {
                    ev.add(new Event(f, f.src, f.dst, "data SYN-ACK", "data"));
                    break;
                }
                if (answered) {
                    // One arrow for the bytes, from the side that sent most of them.
                    boolean up = d.bytesToServer() >= d.bytesToClient();
                    long main = up ? d.bytesToServer() : d.bytesToClient();
                    long back = up ? d.bytesToClient() : d.bytesToServer();
                    Endpoint from = up ? d.client : d.server;
                    Endpoint to = up ? d.server : d.client;
                    ev.add(new Event(
                            d.last(),
                            from.address(),
                            to.address(),
                            "data: " + main + " bytes" + (back > 0 ? " (" + back + " back)" : ""),
                            "bytes"));
                }
                for (Frame f : d.frames) {
                    if (f.rst()) {
                        ev.add(new Event(f, f.src, f.dst, "data RST", "bad"));
                    } else if (f.fin()) {
                        ev.add(new Event(f, f.src, f.dst, "data FIN", "data"));
                    }
                }
                for (Frame f : d.icmpErrors) {
                    ev.add(new Event(f, f.src, f.dst, "ICMP error type " + f.icmpType + " code " + f.icmpCode, "bad"));
                }
            }
        }
        ev.sort(Comparator.comparingInt((Event e) -> e.frame.number)
                .thenComparing(e -> e.kind.equals("bytes") ? 1 : 0));
        return ev;
    }

    private static final Map<String, String> COLOURS = new LinkedHashMap<>();

    static {
        COLOURS.put("client", "#00838f");
        COLOURS.put("server", "#8e24aa");
        COLOURS.put("tcp", "#757575");
        COLOURS.put("data", "#1565c0");
        COLOURS.put("bytes", "#1565c0");
        COLOURS.put("bad", "#c62828");
        COLOURS.put("note", "#757575");
    }

    static String svg(Analysis a, Session s) {
        List<Event> ev = events(s);
        List<IpAddress> cols = columns(s, ev);
        int width = LEFT + COL * (cols.size() - 1) + 260;
        int height = TOP + ROW * (ev.size() + 1);
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ladder\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(height)
                .append("\">\n");
        sb.append("<defs>");
        for (Map.Entry<String, String> e : COLOURS.entrySet()) {
            sb.append("<marker id=\"arrow-")
                    .append(s.number)
                    .append('-')
                    .append(e.getKey())
                    .append("\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\">")
                    .append("<path d=\"M0,0 L10,4 L0,8 z\" fill=\"")
                    .append(e.getValue())
                    .append("\"/></marker>");
        }
        sb.append("</defs>\n");
        sb.append("<rect x=\"0\" y=\"0\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" fill=\"#ffffff\"/>\n");
        for (int i = 0; i < cols.size(); i++) {
            int x = LEFT + COL * i;
            String role = i == 0 ? "client" : i == cols.size() - 1 ? "server" : "device / other";
            sb.append("<text x=\"")
                    .append(x)
                    .append("\" y=\"22\" text-anchor=\"middle\" font-weight=\"bold\">")
                    .append(role)
                    .append("</text>\n");
            sb.append("<text x=\"")
                    .append(x)
                    .append("\" y=\"40\" text-anchor=\"middle\">")
                    .append(esc(cols.get(i).toString()))
                    .append("</text>\n");
            sb.append("<line x1=\"")
                    .append(x)
                    .append("\" y1=\"50\" x2=\"")
                    .append(x)
                    .append("\" y2=\"")
                    .append(height - 10)
                    .append("\" stroke=\"#9e9e9e\" stroke-width=\"2\"/>\n");
        }
        int y = TOP;
        for (Event e : ev) {
            y += ROW;
            int x1 = LEFT + COL * cols.indexOf(e.from);
            int x2 = LEFT + COL * cols.indexOf(e.to);
            String colour = COLOURS.get(e.kind);
            sb.append("<text x=\"8\" y=\"")
                    .append(y + 4)
                    .append("\" fill=\"#616161\">")
                    .append(String.format("%.3f s #%d", Report.seconds(a, e.frame), e.frame.number))
                    .append("</text>\n");
            boolean dashed = !e.kind.equals("client") && !e.kind.equals("server");
            if (x1 == x2) {
                x2 = x1 + 40; // both ends behind one column (a note)
            }
            sb.append("<line class=\"")
                    .append(e.kind)
                    .append("\" x1=\"")
                    .append(x1)
                    .append("\" y1=\"")
                    .append(y)
                    .append("\" x2=\"")
                    .append(x2)
                    .append("\" y2=\"")
                    .append(y)
                    .append("\" stroke=\"")
                    .append(colour)
                    .append("\" stroke-width=\"2\"")
                    .append(dashed ? " stroke-dasharray=\"6,4\"" : "")
                    .append(" marker-end=\"url(#arrow-")
                    .append(s.number)
                    .append('-')
                    .append(e.kind)
                    .append(")\"/>\n");
            if (e.kind.equals("bad") && e.label.endsWith("[no answer]")) {
                int cx = x2 > x1 ? x2 - 24 : x2 + 12; // the cross before the arrowhead: nobody answered
                sb.append("<text x=\"")
                        .append(cx)
                        .append("\" y=\"")
                        .append(y + 5)
                        .append("\" fill=\"#c62828\" font-weight=\"bold\">&#10007;</text>\n");
            }
            int tx = Math.min(x1, x2) + 6;
            sb.append("<text x=\"")
                    .append(tx)
                    .append("\" y=\"")
                    .append(y - 5)
                    .append("\" fill=\"")
                    .append(colour)
                    .append("\">")
                    .append(esc(e.label))
                    .append("</text>\n");
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
