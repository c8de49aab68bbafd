package io.ftpalg.cli.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ftpalg.engine.config.IpAddress;
import io.ftpalg.engine.flow.FlowTable;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one event schema, JSON Lines, for live mode and replay, modelled on Suricata's eve.json:
 *
 * <pre>
 * {"timestamp":"2026-12-04T01:52:00.123456+00:00","event_type":"ftp_rewrite","flow_id":123456789,
 *  "src_ip":"192.0.2.10","src_port":40000,"dest_ip":"198.51.100.20","dest_port":21,"proto":"TCP",
 *  "ftp":{"direction":"client-to-server","command":"PORT","before":"PORT 192,0,2,10,195,80",
 *         "after":"PORT 203,0,113,1,195,80","seq_delta":1,"seq":12345}}
 * {"timestamp":...,"event_type":"expectation", (the control connection's tuple and flow_id),
 *  "expectation":{"action":"created","src_ip":"198.51.100.20","dest_ip":"203.0.113.1","dest_port":50000,
 *                 "nat_dest_ip":"192.0.2.10","nat_dest_port":50000,"nat_src_ip":"198.51.100.20","reason":null}}
 * {"timestamp":...,"event_type":"flow", (ORIGINAL tuple), "nat":{"src_ip":..,"src_port":..,"dest_ip":..,
 *  "dest_port":..} (the REPLY tuple, as conntrack's second tuple), "flow":{"action":"new"|"destroy","reason":..}}
 * {"timestamp":...,"event_type":"notice", (tuple), "notice":{"kind":"...","text":"..."}}
 * </pre>
 *
 * <ul>
 *   <li>{@code timestamp}: RFC 3339 with the zone offset of the host (microseconds).
 *   <li>{@code flow_id}: {@link FlowTable#flowId(int, long, long, long, long, long)} of the ORIGINAL tuple: the
 *       same number {@code ftp-alg conntrack -L} shows as {@code id=}.
 *   <li>{@code worker}: the worker that did it (live mode).
 *   <li>{@code proto}: upper case, as Suricata ("TCP", "UDP", "ICMP", "IPv6-ICMP").
 * </ul>
 */
public final class EventJson {
    static final ObjectMapper JSON = new ObjectMapper();
    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneId.systemDefault());

    /** {@code FlowTable.describe}: "192.0.2.10:40000 -> 198.51.100.20:21 tcp" or "[2001:db8::1]:21 -> ..." */
    private static final Pattern TUPLE =
            Pattern.compile("^\\[?([0-9A-Fa-f:.]+)\\]?:(\\d+) -> \\[?([0-9A-Fa-f:.]+)\\]?:(\\d+) (\\S+)$");
    /** Engine's expectation text: "tcp PEER -> DST:P => REAL:RP (source seen as NEWSRC)". */
    private static final Pattern EXPECTED = Pattern.compile(
            "^tcp (\\S+) -> \\[?([0-9A-Fa-f:.]+)\\]?:(\\d+) => \\[?([0-9A-Fa-f:.]+)\\]?:(\\d+) \\(source seen as (\\S+)\\)$");

    private EventJson() {}

    public static String timestamp(long nanos) {
        return TIME.format(Instant.ofEpochSecond(0, nanos));
    }

    public static ObjectNode toJson(Event e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("timestamp", timestamp(e.timeNanos()));
        n.put("event_type", e.type());
        if (e.worker() >= 0) {
            n.put("worker", e.worker());
        }
        tuple(n, e.flow(), true);
        switch (e.type()) {
            case Event.REWRITE -> {
                ObjectNode f = n.putObject("ftp");
                f.put("direction", e.direction());
                f.put("command", e.command());
                f.put("before", e.before());
                f.put("after", e.after());
                f.put("seq_delta", e.seqDelta());
                f.put("seq", e.seq());
            }
            case Event.EXPECTATION -> {
                ObjectNode x = n.putObject("expectation");
                x.put("action", e.action());
                Matcher m = EXPECTED.matcher(e.text() == null ? "" : e.text());
                if (m.matches()) {
                    x.put("src_ip", m.group(1));
                    x.put("dest_ip", m.group(2));
                    x.put("dest_port", Integer.parseInt(m.group(3)));
                    x.put("nat_dest_ip", m.group(4));
                    x.put("nat_dest_port", Integer.parseInt(m.group(5)));
                    x.put("nat_src_ip", m.group(6));
                    x.put("proto", "TCP");
                } else {
                    x.put("text", e.text());
                }
                x.put("reason", e.reason());
            }
            case Event.FLOW -> {
                ObjectNode nat = JSON.createObjectNode();
                if (tuple(nat, e.text(), false)) {
                    n.set("nat", nat);
                }
                ObjectNode f = n.putObject("flow");
                f.put("action", e.action());
                f.put("reason", e.reason());
            }
            default -> {
                ObjectNode x = n.putObject("notice");
                x.put("kind", e.action());
                x.put("text", e.text());
            }
        }
        return n;
    }

    /** Puts src_ip/src_port/dest_ip/dest_port/proto (and flow_id) of a described tuple; false if it is none. */
    static boolean tuple(ObjectNode n, String described, boolean withId) {
        if (described == null) {
            return false;
        }
        Matcher m = TUPLE.matcher(described);
        if (!m.matches()) {
            return false;
        }
        String src = m.group(1);
        int sport = Integer.parseInt(m.group(2));
        String dst = m.group(3);
        int dport = Integer.parseInt(m.group(4));
        String proto = m.group(5);
        if (withId) {
            try {
                IpAddress s = IpAddress.parse(src);
                IpAddress d = IpAddress.parse(dst);
                long meta = FlowTable.meta(s.version(), protoNumber(proto), sport, dport);
                n.put("flow_id", FlowTable.flowId(s.version(), s.hi(), s.lo(), d.hi(), d.lo(), meta));
            } catch (RuntimeException ignored) {
                // no id rather than no event
            }
        }
        n.put("src_ip", src);
        n.put("src_port", sport);
        n.put("dest_ip", dst);
        n.put("dest_port", dport);
        n.put("proto", suricataProto(proto));
        return true;
    }

    public static int protoNumber(String name) {
        return switch (name.toLowerCase()) {
            case "tcp" -> 6;
            case "udp" -> 17;
            case "icmp" -> 1;
            case "icmpv6", "ipv6-icmp" -> 58;
            default -> name.startsWith("proto-") ? Integer.parseInt(name.substring(6)) : -1;
        };
    }

    public static String suricataProto(String name) {
        return switch (name.toLowerCase()) {
            case "tcp" -> "TCP";
            case "udp" -> "UDP";
            case "icmp" -> "ICMP";
            case "icmpv6" -> "IPv6-ICMP";
            default -> name;
        };
    }
}
