package io.ftpalg.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ftpalg.cli.control.ControlServer.ControlException;
import io.ftpalg.cli.events.EventJson;
import io.ftpalg.engine.config.IpAddress;
import io.ftpalg.engine.flow.FlowTable;
import java.util.function.Predicate;

/**
 * conntrack's tuple filters ({@code --src --dst --sport --dport -p}), on the ORIGINAL tuple as conntrack's
 * {@code -s/-d/--sport/--dport} are. In a request: {@code "src":"192.0.2.10","dport":21,"proto":"tcp"}; an absent
 * field matches anything.
 */
public final class FlowFilter implements Predicate<ObjectNode> {
    final IpAddress src;
    final IpAddress dst;
    final int sport;
    final int dport;
    final int proto;

    FlowFilter(IpAddress src, IpAddress dst, int sport, int dport, int proto) {
        this.src = src;
        this.dst = dst;
        this.sport = sport;
        this.dport = dport;
        this.proto = proto;
    }

    public static FlowFilter of(JsonNode request) {
        return new FlowFilter(
                address(request, "src"),
                address(request, "dst"),
                port(request, "sport"),
                port(request, "dport"),
                proto(request));
    }

    public boolean isEmpty() {
        return src == null && dst == null && sport < 0 && dport < 0 && proto < 0;
    }

    private static IpAddress address(JsonNode r, String field) {
        JsonNode n = r.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        try {
            return IpAddress.parse(n.asText());
        } catch (RuntimeException e) {
            throw new ControlException(field + ": not an IP address: " + n.asText());
        }
    }

    private static int port(JsonNode r, String field) {
        JsonNode n = r.get(field);
        if (n == null || n.isNull()) {
            return -1;
        }
        int p = n.asInt(-1);
        if (!n.canConvertToInt() || p < 0 || p > 65535) {
            throw new ControlException(field + ": not a port: " + n.asText());
        }
        return p;
    }

    private static int proto(JsonNode r) {
        JsonNode n = r.get("proto");
        if (n == null || n.isNull()) {
            return -1;
        }
        int p = n.canConvertToInt() ? n.asInt() : EventJson.protoNumber(n.asText());
        if (p < 0 || p > 255) {
            throw new ControlException("proto: tcp, udp, icmp, icmpv6 or a number, not " + n.asText());
        }
        return p;
    }

    /** Matches a tuple in FlowTable form (5 longs at {@code off} of {@code r}). */
    boolean matches(long[] r, int off) {
        long meta = r[off + 4];
        int v = FlowTable.metaVersion(meta);
        return (proto < 0 || FlowTable.metaProto(meta) == proto)
                && (sport < 0 || FlowTable.metaSrcPort(meta) == sport)
                && (dport < 0 || FlowTable.metaDstPort(meta) == dport)
                && same(src, v, r[off], r[off + 1])
                && same(dst, v, r[off + 2], r[off + 3]);
    }

    private static boolean same(IpAddress a, int v, long hi, long lo) {
        return a == null || (a.version() == v && a.lo() == lo && (v == 4 || a.hi() == hi));
    }

    /** Matches an event ({@link EventJson}) by its top-level tuple. */
    @Override
    public boolean test(ObjectNode e) {
        if (isEmpty()) {
            return true;
        }
        if (!e.has("src_ip")) {
            return false;
        }
        return (proto < 0 || EventJson.protoNumber(e.path("proto").asText()) == proto)
                && (sport < 0 || e.path("src_port").asInt() == sport)
                && (dport < 0 || e.path("dest_port").asInt() == dport)
                && sameText(src, e.path("src_ip").asText())
                && sameText(dst, e.path("dest_ip").asText());
    }

    private static boolean sameText(IpAddress a, String text) {
        if (a == null) {
            return true;
        }
        try {
            return a.equals(IpAddress.parse(text));
        } catch (RuntimeException ex) {
            return false;
        }
    }
}
