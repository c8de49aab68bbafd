package io.ftpalg.cli.metrics;

import io.ftpalg.cli.events.EventHub;
import io.ftpalg.engine.pipeline.Dataplane;
import io.ftpalg.engine.pipeline.PacketPort;
import io.ftpalg.engine.pipeline.TableCounts;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.stats.Counters;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.net.InetAddress;

/**
 * Prometheus metrics over HTTP ({@code run --metrics ADDR:PORT}), through the Prometheus Java client (1.x): its
 * HTTP server and text exposition, and one {@link MultiCollector} that reads the gateway at scrape time. Nothing
 * is updated per packet for Prometheus: counters are the engines' own (read from the scrape thread, eventually
 * consistent, as the {@code Counters} class allows), table gauges come from a {@link TableCounts} command that
 * each worker answers at its safe point.
 *
 * <pre>
 *  ftpalg_dropped_packets_total{worker,reason}    every drop-* counter (reason without the prefix)
 *  ftpalg_engine_events_total{worker,event}       every other engine counter (flow-created, expect-used, ...)
 *  ftpalg_transmitted_frames_total                ftpalg_transmit_failures_total
 *  ftpalg_ring_full_drops_total                   frames dropped because the ring was full (dropped on full)
 *  ftpalg_oversize_drops_total                    ftpalg_port_drops_total{port}   (kernel ring drops)
 *  ftpalg_event_queue_drops_total                 events dropped because the event queue was full
 *  ftpalg_control_commands_refused_total          worker commands refused (queue full)
 *  ftpalg_flows{worker} ftpalg_flow_capacity{worker} ftpalg_expectations{worker} ftpalg_ftp_sessions{worker}
 *  ftpalg_ring_occupancy ftpalg_ring_slots ftpalg_event_queue_depth
 * </pre>
 */
public final class Metrics implements AutoCloseable {
    private final HTTPServer server;

    private Metrics(HTTPServer server) {
        this.server = server;
    }

    /** Parses {@code ADDR:PORT} ({@code [v6]:PORT} for IPv6); throws IllegalArgumentException with the reason. */
    public static InetAddressAndPort parse(String spec) {
        int colon = spec.lastIndexOf(':');
        if (colon <= 0 || colon == spec.length() - 1) {
            throw new IllegalArgumentException("--metrics wants ADDR:PORT (e.g. 127.0.0.1:9475), not " + spec);
        }
        String host = spec.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(spec.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--metrics: not a port: " + spec.substring(colon + 1));
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--metrics: port out of range: " + port);
        }
        if (!host.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("--metrics: give an IP address (no names), not " + host);
        }
        try {
            return new InetAddressAndPort(InetAddress.getByName(host), port);
        } catch (IOException e) {
            throw new IllegalArgumentException("--metrics: not an IP address: " + host);
        }
    }

    public record InetAddressAndPort(InetAddress address, int port) {}

    /** Starts the HTTP server ({@code /metrics}) for {@code dp}. */
    public static Metrics start(
            InetAddressAndPort where, Dataplane dp, EventHub events, PacketPort inside, PacketPort outside)
            throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new GatewayCollector(dp, events, inside, outside));
        HTTPServer s = HTTPServer.builder()
                .inetAddress(where.address())
                .port(where.port())
                .registry(registry)
                .buildAndStart();
        return new Metrics(s);
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }

    /** Reads the gateway at scrape time. */
    static final class GatewayCollector implements MultiCollector {
        private final Dataplane dp;
        private final EventHub events;
        private final PacketPort inside;
        private final PacketPort outside;

        GatewayCollector(Dataplane dp, EventHub events, PacketPort inside, PacketPort outside) {
            this.dp = dp;
            this.events = events;
            this.inside = inside;
            this.outside = outside;
        }

        @Override
        public MetricSnapshots collect() {
            MetricSnapshots.Builder all = MetricSnapshots.builder();
            CounterSnapshot.Builder drops = CounterSnapshot.builder()
                    .name("ftpalg_dropped_packets")
                    .help("Packets dropped by an engine, by worker and reason (the drop-* counters)");
            CounterSnapshot.Builder other = CounterSnapshot.builder()
                    .name("ftpalg_engine_events")
                    .help("Everything else an engine counts, by worker and event (flow-created, expect-used, ...)");
            GaugeSnapshot.Builder flows =
                    GaugeSnapshot.builder().name("ftpalg_flows").help("Flows in the worker's table");
            GaugeSnapshot.Builder capacity = GaugeSnapshot.builder()
                    .name("ftpalg_flow_capacity")
                    .help("Size of the worker's flow table (flows max)");
            GaugeSnapshot.Builder expectations = GaugeSnapshot.builder()
                    .name("ftpalg_expectations")
                    .help("Expected FTP data connections in the worker's table");
            GaugeSnapshot.Builder sessions =
                    GaugeSnapshot.builder().name("ftpalg_ftp_sessions").help("Tracked FTP control sessions");
            for (int w = 0; w < dp.workers(); w++) {
                Counters c = dp.counters(w);
                String worker = Integer.toString(w);
                for (Counter k : Counter.values()) {
                    if (k.isDrop()) {
                        drops.dataPoint(CounterDataPointSnapshot.builder()
                                .labels(Labels.of("reason", k.label.substring(5), "worker", worker))
                                .value(c.get(k))
                                .build());
                    } else {
                        other.dataPoint(CounterDataPointSnapshot.builder()
                                .labels(Labels.of("event", k.label, "worker", worker))
                                .value(c.get(k))
                                .build());
                    }
                }
                TableCounts t = new TableCounts();
                if (dp.submit(w, t) && t.await(1000) && t.failure() == null) {
                    Labels l = Labels.of("worker", worker);
                    flows.dataPoint(gauge(l, t.flows()));
                    capacity.dataPoint(gauge(l, t.flowCapacity()));
                    expectations.dataPoint(gauge(l, t.expectations()));
                    sessions.dataPoint(gauge(l, t.sessions()));
                }
            }
            all.metricSnapshot(drops.build());
            all.metricSnapshot(other.build());
            all.metricSnapshot(flows.build());
            all.metricSnapshot(capacity.build());
            all.metricSnapshot(expectations.build());
            all.metricSnapshot(sessions.build());
            all.metricSnapshot(
                    counter("ftpalg_transmitted_frames", "Frames sent on the egress ports", dp.transmitted()));
            all.metricSnapshot(
                    counter("ftpalg_transmit_failures", "Frames the egress port refused to send", dp.transmitFailed()));
            all.metricSnapshot(counter(
                    "ftpalg_ring_full_drops",
                    "Received frames dropped because the pipeline ring was full",
                    dp.ringFullDrops()));
            all.metricSnapshot(counter(
                    "ftpalg_oversize_drops",
                    "Received frames larger than a ring slot (offloads left on)",
                    dp.oversizeDrops()));
            CounterSnapshot.Builder port = CounterSnapshot.builder()
                    .name("ftpalg_port_drops")
                    .help("Frames the kernel dropped on a port's receive ring");
            port.dataPoint(CounterDataPointSnapshot.builder()
                    .labels(Labels.of("port", "inside"))
                    .value(inside.drops())
                    .build());
            port.dataPoint(CounterDataPointSnapshot.builder()
                    .labels(Labels.of("port", "outside"))
                    .value(outside.drops())
                    .build());
            all.metricSnapshot(port.build());
            all.metricSnapshot(counter(
                    "ftpalg_control_commands_refused",
                    "Operator commands a worker refused (its command queue was full)",
                    dp.commandsRefused()));
            if (events != null) {
                all.metricSnapshot(counter(
                        "ftpalg_event_queue_drops",
                        "Events dropped because the event queue was full",
                        events.dropped()));
                all.metricSnapshot(GaugeSnapshot.builder()
                        .name("ftpalg_event_queue_depth")
                        .help("Events waiting to be written")
                        .dataPoint(gauge(Labels.EMPTY, events.pending()))
                        .build());
            }
            all.metricSnapshot(GaugeSnapshot.builder()
                    .name("ftpalg_ring_occupancy")
                    .help("Pipeline ring slots in use")
                    .dataPoint(gauge(Labels.EMPTY, dp.ringOccupancy()))
                    .build());
            all.metricSnapshot(GaugeSnapshot.builder()
                    .name("ftpalg_ring_slots")
                    .help("Pipeline ring size")
                    .dataPoint(gauge(Labels.EMPTY, dp.ringSize()))
                    .build());
            return all.build();
        }

        private static GaugeDataPointSnapshot gauge(Labels l, double v) {
            return GaugeDataPointSnapshot.builder().labels(l).value(v).build();
        }

        private static CounterSnapshot counter(String name, String help, long v) {
            return CounterSnapshot.builder()
                    .name(name)
                    .help(help)
                    .dataPoint(CounterDataPointSnapshot.builder().value(v).build())
                    .build();
        }
    }
}
