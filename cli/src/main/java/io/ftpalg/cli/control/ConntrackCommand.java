package io.ftpalg.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ftp-alg conntrack}: asks a running gateway through its control socket, with conntrack-tools' verbs and
 * look ({@code -L}, {@code -L expect}, {@code -E}, {@code -S}, {@code -C}, {@code -D}, {@code -F expect}), text like
 * conntrack's or {@code -o json} (one JSON object per line, as the control socket sends them).
 */
@Command(
        name = "conntrack",
        mixinStandardHelpOptions = true,
        version = io.ftpalg.cli.Main.VERSION,
        sortOptions = false,
        description = "Shows and manages a running gateway's flows and expectations (like conntrack-tools).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:the gateway refused or answered an error, or no gateway answers on the socket",
            "2:bad command line"
        })
public final class ConntrackCommand implements Callable<Integer> {
    static final class Verb {
        @Option(
                names = {"-L", "--dump"},
                arity = "0..1",
                fallbackValue = "conntrack",
                paramLabel = "TABLE",
                description = "list flows, or expectations with 'expect'")
        String list;

        @Option(
                names = {"-E", "--event"},
                arity = "0..1",
                fallbackValue = "conntrack",
                paramLabel = "TABLE",
                description = "show the live event stream (flows, expectations, rewrites) until Ctrl-C;"
                        + " 'expect': expectation events only")
        String events;

        @Option(
                names = {"-S", "--stats"},
                description = "per-worker counters")
        boolean stats;

        @Option(
                names = {"-C", "--count"},
                description = "how many flows (with -o json: per worker, with expectations and sessions)")
        boolean count;

        @Option(
                names = {"-D", "--delete"},
                description = "delete the flows that match the filters (all flows without filters)")
        boolean delete;

        @Option(
                names = {"-F", "--flush"},
                arity = "0..1",
                fallbackValue = "conntrack",
                paramLabel = "TABLE",
                description = "flush: 'expect' removes every expectation; without it, every flow")
        String flush;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Verb verb;

    @Option(
            names = {"-s", "--src", "--orig-src"},
            paramLabel = "IP",
            description = "original source address")
    String src;

    @Option(
            names = {"-d", "--dst", "--orig-dst"},
            paramLabel = "IP",
            description = "original destination address")
    String dst;

    @Option(names = "--sport", paramLabel = "PORT", description = "original source port")
    Integer sport;

    @Option(names = "--dport", paramLabel = "PORT", description = "original destination port")
    Integer dport;

    @Option(
            names = {"-p", "--proto"},
            paramLabel = "PROTO",
            description = "tcp, udp, icmp, icmpv6 or a number")
    String proto;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            description = "json: one JSON object per line (default: text like conntrack's)")
    String output;

    @Option(
            names = "--socket",
            paramLabel = "PATH",
            description = "control socket of the gateway (default " + ControlServer.DEFAULT_PATH + ")")
    Path socket = Path.of(ControlServer.DEFAULT_PATH);

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() {
        if (output != null && !"json".equals(output)) {
            err.println("ftp-alg conntrack: -o must be json, not " + output);
            return 2;
        }
        ObjectNode req = ControlServer.JSON.createObjectNode();
        String what;
        if (verb.list != null) {
            if (!isTable(verb.list)) {
                return badTable("-L", verb.list);
            }
            req.put("cmd", "expect".equals(verb.list) ? "expectations" : "flows");
            what = "expect".equals(verb.list) ? "expectation" : "flow";
        } else if (verb.events != null) {
            if (!isTable(verb.events)) {
                return badTable("-E", verb.events);
            }
            req.put("cmd", "events");
            req.put("flows", !"expect".equals(verb.events));
            what = "event";
        } else if (verb.stats) {
            req.put("cmd", "stats");
            what = "stats";
        } else if (verb.count) {
            req.put("cmd", "count");
            what = "count";
        } else if (verb.delete) {
            req.put("cmd", "delete");
            what = "delete";
        } else {
            if (!isTable(verb.flush)) {
                return badTable("-F", verb.flush);
            }
            req.put("cmd", "expect".equals(verb.flush) ? "flush-expectations" : "delete");
            what = "expect".equals(verb.flush) ? "flush-expect" : "delete";
        }
        if (src != null) {
            req.put("src", src);
        }
        if (dst != null) {
            req.put("dst", dst);
        }
        if (sport != null) {
            req.put("sport", sport);
        }
        if (dport != null) {
            req.put("dport", dport);
        }
        if (proto != null) {
            req.put("proto", proto);
        }
        boolean expectEventsOnly = verb.events != null && "expect".equals(verb.events);
        try (ControlClient c = new ControlClient(socket)) {
            c.send(req);
            JsonNode n;
            while ((n = c.next()) != null) {
                if (n.has("error")) {
                    err.println("ftp-alg conntrack: " + n.get("error").asText());
                    return 1;
                }
                if (n.has("end")) {
                    summary(what, n);
                    return 0;
                }
                if (n.has("subscribed")) {
                    // On stderr, so that a script can start its traffic once the stream is live.
                    err.println("ftp-alg conntrack: listening for events (Ctrl-C stops)");
                    err.flush();
                    continue;
                }
                if (n.has("heartbeat")) {
                    continue;
                }
                if (expectEventsOnly
                        && !"expectation".equals(n.path("event_type").asText())) {
                    continue;
                }
                if ("json".equals(output)) {
                    out.println(ControlServer.JSON.writeValueAsString(n));
                } else {
                    String line = text(what, n);
                    if (line != null) {
                        out.println(line);
                    }
                }
                out.flush();
            }
            err.println("ftp-alg conntrack: the gateway closed the connection");
            return 1;
        } catch (IOException e) {
            err.println("ftp-alg conntrack: cannot talk to a gateway on " + socket + ": " + reason(e)
                    + " (is 'ftp-alg run' running, with this --control-socket? are you root?)");
            return 1;
        }
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        return m == null ? "connection failed" : m;
    }

    private static boolean isTable(String t) {
        return "conntrack".equals(t) || "expect".equals(t);
    }

    private int badTable(String verb, String t) {
        err.println("ftp-alg conntrack: " + verb + " takes no table or 'expect', not '" + t + "'");
        return 2;
    }

    private void summary(String what, JsonNode end) {
        String p = "ftp-alg conntrack: ";
        switch (what) {
            case "flow" -> err.println(p + end.path("count").asLong() + " flow entries have been shown.");
            case "expectation" -> err.println(p + end.path("count").asLong() + " expectations have been shown.");
            case "delete" -> err.println(p + end.path("deleted").asLong() + " flow entries have been deleted.");
            case "flush-expect" ->
                err.println(p + "expectation table has been emptied ("
                        + end.path("removed").asLong() + " removed).");
            case "count" -> {
                if (!"json".equals(output)) {
                    out.println(end.path("flows").asLong());
                }
            }
            default -> {}
        }
    }

    /** Text like conntrack's for one answer line; null to print nothing. */
    String text(String what, JsonNode n) {
        switch (what) {
            case "flow":
                return flowText(n);
            case "expectation":
                return expectText(n);
            case "event":
                return eventText(n);
            case "stats":
                return statsText(n);
            default:
                return null; // count: per-worker lines only in json
        }
    }

    static String flowText(JsonNode n) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                "%-8s %d %d ",
                n.path("proto").asText(),
                n.path("proto_num").asInt(),
                n.path("timeout").asLong()));
        if (n.has("state")) {
            sb.append(n.get("state").asText()).append(' ');
        }
        tupleText(sb, n.path("orig"), n.path("proto").asText());
        tupleText(sb, n.path("reply"), n.path("proto").asText());
        if (n.path("assured").asBoolean()) {
            sb.append("[ASSURED] ");
        }
        if ("control".equals(n.path("ftp").asText())) {
            sb.append("[FTP-CONTROL] helper=ftp data=")
                    .append(n.path("data_connections").asInt())
                    .append(' ');
        } else if ("data".equals(n.path("ftp").asText())) {
            sb.append("[EXPECTED] [FTP-DATA] master=")
                    .append(n.has("master") ? n.get("master").asText() : "ended")
                    .append(' ');
        }
        sb.append("id=")
                .append(n.path("id").asLong())
                .append(" worker=")
                .append(n.path("worker").asInt());
        return sb.toString();
    }

    private static void tupleText(StringBuilder sb, JsonNode t, String proto) {
        sb.append("src=")
                .append(t.path("src").asText())
                .append(" dst=")
                .append(t.path("dst").asText());
        if (proto.startsWith("icmp")) {
            sb.append(" id=").append(t.path("sport").asInt()).append(' ');
        } else {
            sb.append(" sport=")
                    .append(t.path("sport").asInt())
                    .append(" dport=")
                    .append(t.path("dport").asInt())
                    .append(' ');
        }
    }

    static String expectText(JsonNode n) {
        StringBuilder sb = new StringBuilder();
        sb.append(n.path("timeout").asLong())
                .append(" proto=6 src=")
                .append(n.path("src").asText())
                .append(" dst=")
                .append(n.path("dst").asText())
                .append(" sport=0 dport=")
                .append(n.path("dport").asInt())
                .append(" nat-dst=")
                .append(n.path("nat_dst").asText())
                .append(" nat-dport=")
                .append(n.path("nat_dport").asInt())
                .append(" nat-src=")
                .append(n.path("nat_src").asText());
        JsonNode m = n.path("master_tuple");
        if (!m.isMissingNode()) {
            sb.append(" master-src=")
                    .append(m.path("src").asText())
                    .append(" master-dst=")
                    .append(m.path("dst").asText())
                    .append(" sport=")
                    .append(m.path("sport").asInt())
                    .append(" dport=")
                    .append(m.path("dport").asInt())
                    .append(" master=")
                    .append(n.path("master").asLong());
        }
        sb.append(" helper=ftp worker=").append(n.path("worker").asInt());
        return sb.toString();
    }

    static String eventText(JsonNode n) {
        String type = n.path("event_type").asText();
        StringBuilder sb = new StringBuilder();
        String ts = n.path("timestamp").asText();
        switch (type) {
            case "flow" -> {
                String action = n.path("flow").path("action").asText();
                sb.append(String.format("%10s ", "[" + action.toUpperCase() + "]"));
                sb.append(String.format("%-8s %d ", n.path("proto").asText().toLowerCase(), protoNum(n)));
                evTuple(sb, n);
                if (n.has("nat")) {
                    evTuple(sb, n.get("nat"));
                }
                if (!n.path("flow").path("reason").isNull()
                        && !n.path("flow").path("reason").isMissingNode()) {
                    sb.append("reason=")
                            .append(n.path("flow").path("reason").asText())
                            .append(' ');
                }
            }
            case "expectation" -> {
                JsonNode x = n.path("expectation");
                sb.append("[EXPECT ")
                        .append(x.path("action").asText().toUpperCase())
                        .append("] ");
                if (x.has("dest_ip")) {
                    sb.append("proto=6 src=")
                            .append(x.path("src_ip").asText())
                            .append(" dst=")
                            .append(x.path("dest_ip").asText())
                            .append(" sport=0 dport=")
                            .append(x.path("dest_port").asInt())
                            .append(" nat-dst=")
                            .append(x.path("nat_dest_ip").asText())
                            .append(" nat-dport=")
                            .append(x.path("nat_dest_port").asInt())
                            .append(" nat-src=")
                            .append(x.path("nat_src_ip").asText())
                            .append(' ');
                } else {
                    sb.append(x.path("text").asText()).append(' ');
                }
                if (n.has("src_ip")) {
                    sb.append("master-");
                    evTuple(sb, n);
                }
                if (!x.path("reason").isNull() && !x.path("reason").isMissingNode()) {
                    sb.append("reason=\"").append(x.path("reason").asText()).append("\" ");
                }
            }
            case "ftp_rewrite" -> {
                JsonNode f = n.path("ftp");
                sb.append("[REWRITE] ");
                evTuple(sb, n);
                sb.append(f.path("direction").asText())
                        .append(' ')
                        .append(f.path("command").asText())
                        .append(": \"")
                        .append(f.path("before").asText())
                        .append("\" -> \"")
                        .append(f.path("after").asText())
                        .append("\" seq")
                        .append(String.format("%+d", f.path("seq_delta").asInt()))
                        .append(' ');
            }
            default -> {
                JsonNode x = n.path("notice");
                sb.append("[NOTICE] ")
                        .append(x.path("kind").asText())
                        .append(": ")
                        .append(x.path("text").asText());
                sb.append(' ');
                if (n.has("src_ip")) {
                    evTuple(sb, n);
                }
            }
        }
        if (n.has("flow_id")) {
            sb.append("id=").append(n.get("flow_id").asLong()).append(' ');
        }
        sb.append("at=").append(ts);
        return sb.toString();
    }

    private static int protoNum(JsonNode n) {
        return io.ftpalg.cli.events.EventJson.protoNumber(n.path("proto").asText());
    }

    private static void evTuple(StringBuilder sb, JsonNode t) {
        sb.append("src=")
                .append(t.path("src_ip").asText())
                .append(" dst=")
                .append(t.path("dest_ip").asText())
                .append(" sport=")
                .append(t.path("src_port").asInt())
                .append(" dport=")
                .append(t.path("dest_port").asInt())
                .append(' ');
    }

    static String statsText(JsonNode n) {
        StringBuilder sb = new StringBuilder();
        if (n.has("pipeline")) {
            sb.append("pipeline");
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!"pipeline".equals(e.getKey())) {
                    sb.append(' ')
                            .append(e.getKey())
                            .append('=')
                            .append(e.getValue().asText());
                }
            }
            return sb.toString();
        }
        sb.append("worker=").append(n.path("worker").asInt());
        sb.append(" flows=").append(n.path("flows").asInt());
        sb.append(" expectations=").append(n.path("expectations").asInt());
        sb.append(" sessions=").append(n.path("sessions").asInt());
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("counters").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().asLong() != 0) {
                sb.append(' ')
                        .append(e.getKey())
                        .append('=')
                        .append(e.getValue().asLong());
            }
        }
        return sb.toString();
    }
}
