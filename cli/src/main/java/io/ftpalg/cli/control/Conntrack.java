package io.ftpalg.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ftpalg.cli.control.ControlServer.ControlException;
import io.ftpalg.cli.control.ControlServer.Reply;
import io.ftpalg.cli.events.EventHub;
import io.ftpalg.engine.flow.Addresses;
import io.ftpalg.engine.flow.FlowState;
import io.ftpalg.engine.flow.FlowTable;
import io.ftpalg.engine.pipeline.Dataplane;
import io.ftpalg.engine.pipeline.ExpectationFlush;
import io.ftpalg.engine.pipeline.ExpectationSnapshot;
import io.ftpalg.engine.pipeline.FlowDelete;
import io.ftpalg.engine.pipeline.FlowSnapshot;
import io.ftpalg.engine.pipeline.TableCounts;
import io.ftpalg.engine.pipeline.WorkerCommand;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.stats.Counters;
import java.io.IOException;

/**
 * The control socket's conntrack verbs, answered from every worker through {@link WorkerCommand}s:
 *
 * <pre>
 *  {"cmd":"flows", filters}             one line per flow (see {@link #flowJson}), end: "count"
 *  {"cmd":"expectations", filters}      one line per expectation, end: "count"
 *  {"cmd":"stats"}                      one line per worker (its counters), one "pipeline" line
 *  {"cmd":"count"}                      one line per worker, end: totals
 *  {"cmd":"delete", filters}            end: "deleted"
 *  {"cmd":"flush-expectations"}         end: "removed"
 *  {"cmd":"events", filters}            event lines ({@code EventJson}) until the client closes; a
 *                                       {"heartbeat":true,"lost":N} line after each quiet second
 * </pre>
 *
 * Filters: {@link FlowFilter}. A flow listing takes {@value #CHUNK} flows per worker command, each well under a millisecond
 * on the worker (BENCHMARKS.md), and writes them to the client before asking for the next chunk, so a slow client
 * slows only itself.
 */
public final class Conntrack {
    static final int CHUNK = 1024;
    static final long ANSWER_MS = 5_000;

    private final Dataplane dp;
    private final EventHub events;

    public Conntrack(Dataplane dp, EventHub events) {
        this.dp = dp;
        this.events = events;
    }

    public void register(ControlServer server) {
        server.register("flows", this::flows);
        server.register("expectations", this::expectations);
        server.register("stats", this::stats);
        server.register("count", this::count);
        server.register("delete", this::delete);
        server.register("flush-expectations", this::flush);
        server.register("events", this::events);
    }

    private void run(int w, WorkerCommand c) {
        if (!dp.submit(w, c)) {
            throw new ControlException("worker " + w + " is busy (its command queue is full); try again");
        }
        if (!c.await(ANSWER_MS)) {
            throw new ControlException("worker " + w + " did not answer within " + ANSWER_MS + " ms");
        }
        if (c.failure() != null) {
            throw new ControlException("worker " + w + ": " + c.failure());
        }
    }

    private void flows(JsonNode req, Reply reply) throws IOException {
        FlowFilter filter = FlowFilter.of(req);
        long n = 0;
        for (int w = 0; w < dp.workers(); w++) {
            FlowSnapshot snap = new FlowSnapshot(CHUNK);
            snap.from(0);
            do {
                run(w, snap);
                long[] r = snap.records();
                for (int i = 0; i < snap.count(); i++) {
                    int b = i * FlowSnapshot.LONGS;
                    if (filter.matches(r, b + 3)) {
                        reply.line(flowJson(w, r, b));
                        n++;
                    }
                }
                snap.from(snap.next());
            } while (!snap.finished());
        }
        reply.end().put("count", n);
    }

    private void delete(JsonNode req, Reply reply) throws IOException {
        FlowFilter filter = FlowFilter.of(req);
        long deleted = 0;
        for (int w = 0; w < dp.workers(); w++) {
            FlowSnapshot snap = new FlowSnapshot(CHUNK);
            FlowDelete del = new FlowDelete(CHUNK);
            snap.from(0);
            do {
                run(w, snap);
                long[] r = snap.records();
                del.clear();
                for (int i = 0; i < snap.count(); i++) {
                    int b = i * FlowSnapshot.LONGS;
                    if (filter.matches(r, b + 3)) {
                        del.add(r[b]);
                    }
                }
                if (del.size() > 0) {
                    run(w, del);
                    deleted += del.deleted();
                }
                snap.from(snap.next());
            } while (!snap.finished());
        }
        reply.end().put("deleted", deleted);
    }

    private void expectations(JsonNode req, Reply reply) throws IOException {
        FlowFilter filter = FlowFilter.of(req);
        long n = 0;
        for (int w = 0; w < dp.workers(); w++) {
            ExpectationSnapshot snap = new ExpectationSnapshot(CHUNK);
            snap.from(0);
            do {
                run(w, snap);
                long[] r = snap.records();
                for (int i = 0; i < snap.count(); i++) {
                    ObjectNode e = expectationJson(w, r, i * ExpectationSnapshot.LONGS);
                    if (filter.isEmpty() || matchesExpectation(filter, e)) {
                        reply.line(e);
                        n++;
                    }
                }
                snap.from(snap.next());
            } while (!snap.finished());
        }
        reply.end().put("count", n);
    }

    /** An expectation's own tuple: from the peer, any source port, to dst:dport, TCP. */
    private static boolean matchesExpectation(FlowFilter f, ObjectNode e) {
        ObjectNode t = ControlServer.JSON.createObjectNode();
        t.put("src_ip", e.path("src").asText());
        t.put("dest_ip", e.path("dst").asText());
        t.put("dest_port", e.path("dport").asInt());
        t.put("src_port", f.sport < 0 ? 0 : f.sport);
        t.put("proto", "TCP");
        return f.test(t);
    }

    private void stats(JsonNode req, Reply reply) throws IOException {
        for (int w = 0; w < dp.workers(); w++) {
            TableCounts tc = new TableCounts();
            run(w, tc);
            ObjectNode n = ControlServer.JSON.createObjectNode();
            n.put("worker", w);
            n.put("flows", tc.flows());
            n.put("expectations", tc.expectations());
            n.put("sessions", tc.sessions());
            ObjectNode c = n.putObject("counters");
            Counters k = dp.counters(w);
            for (Counter x : Counter.values()) {
                c.put(x.label, k.get(x));
            }
            reply.line(n);
        }
        ObjectNode p = ControlServer.JSON.createObjectNode();
        p.put("pipeline", true);
        p.put("transmitted", dp.transmitted());
        p.put("transmit-failed", dp.transmitFailed());
        p.put("drop-pipeline-ring-full", dp.ringFullDrops());
        p.put("drop-pipeline-oversize", dp.oversizeDrops());
        p.put("ring-occupancy", dp.ringOccupancy());
        p.put("ring-size", dp.ringSize());
        p.put("commands-refused", dp.commandsRefused());
        if (events != null) {
            p.put("events-dropped", events.dropped());
            p.put("events-lost-by-readers", events.lostBySubscribers());
        }
        reply.line(p);
    }

    private void count(JsonNode req, Reply reply) throws IOException {
        long flows = 0;
        long exp = 0;
        long sessions = 0;
        for (int w = 0; w < dp.workers(); w++) {
            TableCounts tc = new TableCounts();
            run(w, tc);
            ObjectNode n = ControlServer.JSON.createObjectNode();
            n.put("worker", w);
            n.put("flows", tc.flows());
            n.put("flow-capacity", tc.flowCapacity());
            n.put("expectations", tc.expectations());
            n.put("sessions", tc.sessions());
            reply.line(n);
            flows += tc.flows();
            exp += tc.expectations();
            sessions += tc.sessions();
        }
        reply.end().put("flows", flows).put("expectations", exp).put("sessions", sessions);
    }

    private void flush(JsonNode req, Reply reply) throws IOException {
        long removed = 0;
        for (int w = 0; w < dp.workers(); w++) {
            ExpectationFlush f = new ExpectationFlush();
            run(w, f);
            removed += f.removed();
        }
        reply.end().put("removed", removed);
    }

    private void events(JsonNode req, Reply reply) throws IOException {
        if (events == null) {
            throw new ControlException("events are off in this gateway");
        }
        FlowFilter filter = FlowFilter.of(req);
        boolean flows = req.path("flows").asBoolean(true);
        try (EventHub.Subscription s = events.subscribe(filter, flows)) {
            // Tell the client the subscription is live (tests and scripts start traffic after this line).
            ObjectNode hello = ControlServer.JSON.createObjectNode();
            hello.put("subscribed", true);
            reply.line(hello);
            reply.flush();
            while (true) {
                ObjectNode e = s.poll(1000);
                if (e == null) {
                    ObjectNode hb = ControlServer.JSON.createObjectNode();
                    hb.put("heartbeat", true);
                    hb.put("lost", s.lost());
                    reply.line(hb);
                } else {
                    reply.line(e);
                }
                reply.flush(); // throws once the client has gone: the subscription closes
            }
        }
    }

    // ---- JSON of snapshot records ----

    /** One flow, as the control socket sends it (see {@link FlowSnapshot} for the record). */
    static ObjectNode flowJson(int worker, long[] r, int b) {
        ObjectNode n = ControlServer.JSON.createObjectNode();
        int word = (int) r[b + 1];
        long meta = r[b + 3 + 4];
        int proto = FlowTable.metaProto(meta);
        n.put("worker", worker);
        n.put("id", r[b + 13]);
        n.put("family", FlowTable.metaVersion(meta) == 6 ? "ipv6" : "ipv4");
        n.put("proto", protoName(proto));
        n.put("proto_num", proto);
        if (proto == 6) {
            n.put("state", FlowState.name(FlowState.tcp(word)).toUpperCase().replace('-', '_'));
        }
        n.put("timeout", Math.max(0, r[b + 2] / 1000));
        n.set("orig", tuple(r, b + 3));
        n.set("reply", tuple(r, b + 8));
        n.put("assured", FlowState.isAssured(word));
        n.put("ingress", (r[b + 1] >>> 32) == 0 ? "inside" : "outside");
        if ((word & FlowState.FTP_CONTROL) != 0) {
            n.put("ftp", "control");
            n.put("data_connections", (int) (r[b + 14] >>> 32));
        } else if ((word & FlowState.FTP_DATA) != 0) {
            n.put("ftp", "data");
            n.put("expected", true);
            if (r[b + 15] != 0) {
                n.put("master", r[b + 15]);
            }
        }
        return n;
    }

    private static ObjectNode tuple(long[] r, int o) {
        ObjectNode t = ControlServer.JSON.createObjectNode();
        long meta = r[o + 4];
        int v = FlowTable.metaVersion(meta);
        t.put("src", Addresses.format(v, r[o], r[o + 1], -1));
        t.put("dst", Addresses.format(v, r[o + 2], r[o + 3], -1));
        t.put("sport", FlowTable.metaSrcPort(meta));
        t.put("dport", FlowTable.metaDstPort(meta));
        return t;
    }

    /** One expectation (see {@link ExpectationSnapshot} for the record). */
    static ObjectNode expectationJson(int worker, long[] r, int b) {
        ObjectNode n = ControlServer.JSON.createObjectNode();
        int v = (int) r[b] & 0xFF;
        n.put("worker", worker);
        n.put("timeout", Math.max(0, r[b + 9] / 1000));
        n.put("proto", "tcp");
        n.put("family", v == 6 ? "ipv6" : "ipv4");
        n.put("src", Addresses.format(v, r[b + 1], r[b + 2], -1));
        n.put("dst", Addresses.format(v, r[b + 3], r[b + 4], -1));
        n.put("sport", 0);
        n.put("dport", (int) (r[b] >>> 16) & 0xFFFF);
        n.put("nat_dst", Addresses.format(v, r[b + 5], r[b + 6], -1));
        n.put("nat_dport", (int) (r[b] >>> 32) & 0xFFFF);
        n.put("nat_src", Addresses.format(v, r[b + 7], r[b + 8], -1));
        n.put("ingress", ((r[b] >>> 8) & 0xFF) == 0 ? "inside" : "outside");
        n.put("age_ms", r[b + 10]);
        if (r[b + 11] != 0) {
            n.put("master", r[b + 11]);
            n.set("master_tuple", tuple(r, b + 12));
        }
        n.put("helper", "ftp");
        return n;
    }

    static String protoName(int proto) {
        return switch (proto) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 1 -> "icmp";
            case 58 -> "icmpv6";
            default -> "unknown";
        };
    }
}
