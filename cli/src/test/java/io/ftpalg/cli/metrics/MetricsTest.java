package io.ftpalg.cli.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.cli.control.ControlSocketTest;
import io.ftpalg.cli.events.EventHub;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.pipeline.Dataplane;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.testing.MemoryPort;
import io.ftpalg.engine.testing.SimNet;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scrapes {@code run --metrics} of a running Dataplane that forwarded an FTP login and PORT. */
class MetricsTest {
    @TempDir
    Path dir;

    String scrape() throws Exception {
        var config = ConfigParser.parse(ControlSocketTest.CONFIG, "test");
        MemoryPort inside = new MemoryPort("inside");
        MemoryPort outside = new MemoryPort("outside");
        EventHub hub = new EventHub();
        long[] clock = {0};
        try (Dataplane dp = new Dataplane(config, hub::sink, inside, outside, 2, 1024, "blocking", () -> clock[0])) {
            hub.start();
            dp.start();
            for (SimNet.Frame f : ControlSocketTest.loginAndPort()) {
                clock[0] = f.timeNanos();
                (f.port() == PacketSlot.PORT_INSIDE ? inside : outside).inject(f.bytes());
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!(inside.drained() && outside.drained()) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
            try (Metrics m = Metrics.start(
                    new Metrics.InetAddressAndPort(InetAddress.getLoopbackAddress(), 0), dp, hub, inside, outside)) {
                HttpClient c = HttpClient.newHttpClient();
                String body = "";
                for (int i = 0; i < 100; i++) { // frames are processed asynchronously: wait (bounded) for the flow
                    HttpResponse<String> r = c.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.port() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode());
                    body = r.body();
                    if (body.contains("event=\"expect-created\",worker=")
                            && body.matches("(?s).*ftpalg_engine_events_total\\{event=\"expect-created\","
                                    + "worker=\"\\d\"} 1\\.0.*")) {
                        break;
                    }
                    Thread.sleep(20);
                }
                return body;
            } finally {
                hub.close();
            }
        }
    }

    @Test
    void exposesCountersAndGaugesByPrometheusConventions() throws Exception {
        String body = scrape();
        assertTrue(body.contains("# TYPE ftpalg_dropped_packets_total counter"), body);
        assertTrue(body.contains("ftpalg_dropped_packets_total{reason=\"tcp-no-flow\",worker=\"0\"} 0"), body);
        assertTrue(
                body.matches("(?s).*ftpalg_engine_events_total\\{event=\"expect-created\",worker=\"\\d\"} 1\\.0.*"),
                body);
        assertTrue(body.contains("# TYPE ftpalg_flows gauge"), body);
        assertTrue(body.matches("(?s).*\nftpalg_flows\\{worker=\"\\d\"} 1\\.0\n.*"), body);
        assertTrue(body.matches("(?s).*\nftpalg_expectations\\{worker=\"\\d\"} 1\\.0\n.*"), body);
        assertTrue(body.contains("ftpalg_ring_full_drops_total 0"), body);
        assertTrue(body.contains("ftpalg_ring_slots 1024"), body);
        assertTrue(body.contains("ftpalg_port_drops_total{port=\"inside\"} 0"), body);
        assertTrue(body.contains("ftpalg_event_queue_drops_total 0"), body);
    }

    @Test
    void addressIsParsedWithReasons() {
        assertEquals(9475, Metrics.parse("127.0.0.1:9475").port());
        assertEquals(9475, Metrics.parse("[::1]:9475").port());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Metrics.parse("9475"))
                .getMessage()
                .contains("ADDR:PORT"));
        assertThrows(IllegalArgumentException.class, () -> Metrics.parse("localhost:9475"));
        assertThrows(IllegalArgumentException.class, () -> Metrics.parse("127.0.0.1:70000"));
    }

    /** The real promtool (Debian package prometheus, which scripts/setup installs as root for scripts/test). */
    @Test
    @Tag("root")
    void passesPromtoolCheckMetrics() throws Exception {
        String body = scrape();
        Path f = dir.resolve("metrics.txt");
        Files.writeString(f, body);
        ProcessBuilder pb = new ProcessBuilder(List.of("promtool", "check", "metrics"))
                .redirectInput(f.toFile())
                .redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (java.io.IOException e) {
            throw new AssertionError(
                    "promtool not found: install Debian's prometheus package (scripts/setup" + " prometheus, as root)",
                    e);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "promtool check metrics: " + out);
        assertEquals("", out.trim(), "promtool has no complaints (lint)");
    }
}
