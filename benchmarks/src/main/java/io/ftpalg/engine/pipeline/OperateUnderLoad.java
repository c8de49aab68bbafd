package io.ftpalg.engine.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.ftpalg.bench.Tcp;
import io.ftpalg.cli.control.Conntrack;
import io.ftpalg.cli.control.ControlClient;
import io.ftpalg.cli.control.ControlServer;
import io.ftpalg.cli.events.EventHub;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.ConfigParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What operating the gateway costs the data plane (issue 10), side by side in one JVM: the whole live pipeline
 * ({@link Dataplane}, memory ports as in {@link PipelineBenchmark}) forwards 64-byte data segments of 1024
 * established flows as fast as it drains them, while the flow table holds {@code FILL} more (SYN-only) flows;
 * measured in alternating windows of {@code SECONDS} s: nothing else going on, and {@code ftp-alg conntrack -L}
 * of the whole table running back to back over the real control socket (server, JSON, client reading every
 * line), and {@code /metrics} scraped every {@code SCRAPE_MS} ms. Prints packets per second of
 * each window and the ratios. Not JMH: the load is a second activity, not a
 * measured method.
 *
 * <pre>
 * java $CHRONICLE_FLAGS -cp benchmarks/target/benchmarks.jar io.ftpalg.engine.pipeline.OperateUnderLoad \
 *     [FILL=1000000] [SECONDS=5] [ROUNDS=3] [WORKERS=1] [SCRAPE_MS=100]
 * </pre>
 */
public final class OperateUnderLoad {
    static final int STRIDE = 128;
    static final int HOT = 1024;
    /** Scrape interval in the scraping windows (argument 5; Prometheus' default is 60 s, common 15 s). */
    static long SCRAPE_INTERVAL_MS = 100;

    public static void main(String[] args) throws Exception {
        int fill = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int workers = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        SCRAPE_INTERVAL_MS = args.length > 4 ? Long.parseLong(args[4]) : 100;
        String config = Tcp.CONFIG
                + "flows max " + (fill + HOT + 4096) + "\n"
                + "flows per-source-rate 0\n"
                + "timeout tcp-syn-sent 1h\n";
        MemoryPortPair ports = new MemoryPortPair(1024);
        EventHub hub = new EventHub();
        Dataplane dp = new Dataplane(
                ConfigParser.parse(config, "bench"),
                hub::sink,
                ports.inside,
                ports.outside,
                workers,
                2048,
                "sleeping",
                PipelineBenchmark::clock);
        Path sock = Files.createTempDirectory("ftpalg-bench").resolve("control.sock");
        ControlServer server = new ControlServer(sock);
        new Conntrack(dp, hub).register(server);
        hub.start();
        server.start();
        dp.start();
        io.ftpalg.cli.metrics.Metrics metrics = io.ftpalg.cli.metrics.Metrics.start(
                new io.ftpalg.cli.metrics.Metrics.InetAddressAndPort(java.net.InetAddress.getLoopbackAddress(), 0),
                dp,
                hub,
                ports.inside,
                ports.outside);
        java.net.URI metricsUri = java.net.URI.create("http://127.0.0.1:" + metrics.port() + "/metrics");

        // Table filler: SYNs of `fill` flows (client 192.0.2.(1 + i % 250), its own server per client, so that NAT
        // keeps every port), chunked to keep the set-up arrays small.
        int chunk = 100_000;
        long sentBefore = 0;
        for (int base = 0; base < fill; base += chunk) {
            int n = Math.min(chunk, fill - base);
            byte[] syn = new byte[n * STRIDE];
            int[] len = new int[n];
            for (int k = 0; k < n; k++) {
                int i = base + k;
                String client = "192.0.2." + (1 + i % 250);
                String srv = "198.18." + (i % 250) + ".1";
                int sport = 1024 + (i / 250) % 60000;
                byte[] f = Tcp.fromClient(client, sport, srv, 80, 1000, 0, TcpHeader.SYN)
                        .build();
                System.arraycopy(f, 0, syn, k * STRIDE, f.length);
                len[k] = f.length;
            }
            ports.inside.offer(syn, STRIDE, len, false);
            sentBefore += n;
            waitSent(ports.outside, sentBefore);
        }
        // The measured flows: established, then their data segments for ever.
        byte[][] phase = new byte[4][HOT * STRIDE];
        int[][] lens = new int[4][HOT];
        byte[] payload = new byte[64];
        for (int i = 0; i < HOT; i++) {
            String client = "192.0.2." + (1 + i % 250);
            int sport = 61_100 + i;
            String srv = "198.19.0." + (1 + i % 64);
            put(
                    phase[0],
                    lens[0],
                    i,
                    Tcp.fromClient(client, sport, srv, 443, 1000, 0, TcpHeader.SYN)
                            .build());
            put(
                    phase[1],
                    lens[1],
                    i,
                    Tcp.fromServer(srv, 443, "203.0.113.1", sport, 5000, 1001, TcpHeader.SYN | TcpHeader.ACK)
                            .build());
            put(
                    phase[2],
                    lens[2],
                    i,
                    Tcp.fromClient(client, sport, srv, 443, 1001, 5001, TcpHeader.ACK)
                            .build());
            put(
                    phase[3],
                    lens[3],
                    i,
                    Tcp.fromClient(client, sport, srv, 443, 1001, 5001, TcpHeader.ACK | TcpHeader.PSH)
                            .payload(payload)
                            .build());
        }
        ports.inside.offer(phase[0], STRIDE, lens[0], false);
        waitSent(ports.outside, sentBefore + HOT);
        ports.outside.offer(phase[1], STRIDE, lens[1], false);
        waitSent(ports.inside, HOT);
        ports.inside.offer(phase[2], STRIDE, lens[2], false);
        waitSent(ports.outside, sentBefore + 2L * HOT);
        long flows = countFlows(sock);
        System.out.printf("set-up: %d flows in the table, %d workers%n", flows, workers);
        long t0 = System.nanoTime();
        FlowSnapshot snap = new FlowSnapshot(1024); // Conntrack.CHUNK
        snap.from(0);
        int chunks = 0;
        long copied = 0;
        long maxChunk = 0;
        long maxRun = 0;
        long sumRun = 0;
        do {
            long c0 = System.nanoTime();
            dp.submit(0, snap);
            snap.await(5000);
            maxChunk = Math.max(maxChunk, System.nanoTime() - c0);
            maxRun = Math.max(maxRun, snap.runNanos());
            sumRun += snap.runNanos();
            copied += snap.count();
            chunks++;
            snap.from(snap.next());
        } while (!snap.finished());
        System.out.printf(
                "idle: snapshot only (no JSON, no socket): %d flows in %d chunks, %.0f ms, slowest chunk round trip"
                        + " %.0f us; on the worker: %.0f us per chunk on average, %.0f us the longest%n",
                copied, chunks, (System.nanoTime() - t0) / 1e6, maxChunk / 1e3, sumRun / 1e3 / chunks, maxRun / 1e3);
        t0 = System.nanoTime();
        long idleLines = listAll(sock);
        System.out.printf("idle: one listing of %d flows took %.0f ms%n", idleLines, (System.nanoTime() - t0) / 1e6);
        ports.inside.offer(phase[3], STRIDE, lens[3], true);

        AtomicBoolean listing = new AtomicBoolean();
        AtomicLong listed = new AtomicLong();
        AtomicLong listings = new AtomicLong();
        Thread lister = new Thread(() -> {
            while (true) {
                if (!listing.get()) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                    continue;
                }
                try (ControlClient c = new ControlClient(sock)) {
                    c.send(ControlServer.JSON.createObjectNode().put("cmd", "flows"));
                    JsonNode n;
                    while ((n = c.next()) != null && !n.has("end") && !n.has("error")) {
                        listed.incrementAndGet();
                    }
                    listings.incrementAndGet();
                } catch (Exception e) {
                    System.out.println("listing failed: " + e);
                    return;
                }
            }
        });
        lister.setDaemon(true);
        lister.start();
        AtomicBoolean scraping = new AtomicBoolean();
        AtomicLong scrapes = new AtomicLong();
        Thread scraper = new Thread(() -> {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpRequest req =
                    java.net.http.HttpRequest.newBuilder(metricsUri).build();
            while (true) {
                try {
                    if (!scraping.get()) {
                        Thread.sleep(5);
                        continue;
                    }
                    http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
                    scrapes.incrementAndGet();
                    Thread.sleep(SCRAPE_INTERVAL_MS);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    System.out.println("scrape failed: " + e);
                    return;
                }
            }
        });
        scraper.setDaemon(true);
        scraper.start();

        Thread.sleep(2000); // warm-up
        double base = 0;
        double withList = 0;
        double withScrape = 0;
        for (int r = 0; r < rounds; r++) {
            double a = window(ports, seconds);
            listing.set(true);
            long l0 = listed.get();
            long n0 = listings.get();
            double b = window(ports, seconds);
            listing.set(false);
            long lines = listed.get() - l0;
            System.out.printf(
                    "round %d: no listing %.3f Mpps | listing %.3f Mpps (%d flows listed in %d s, %d full listings"
                            + " finished) | ratio %.3f%n",
                    r, a / 1e6, b / 1e6, lines, seconds, listings.get() - n0, b / a);
            scraping.set(true);
            long s0 = scrapes.get();
            double c = window(ports, seconds);
            scraping.set(false);
            System.out.printf(
                    "round %d: scraping /metrics every %d ms: %.3f Mpps (%d scrapes) | ratio %.3f%n",
                    r, SCRAPE_INTERVAL_MS, c / 1e6, scrapes.get() - s0, c / a);
            base += a;
            withList += b;
            withScrape += c;
            Thread.sleep(1000);
        }
        System.out.printf(
                "mean: nothing %.3f Mpps, listing %.3f Mpps (ratio %.3f), scraping %.3f Mpps (ratio %.3f);"
                        + " ring-full drops %d%n",
                base / rounds / 1e6,
                withList / rounds / 1e6,
                withList / base,
                withScrape / rounds / 1e6,
                withScrape / base,
                dp.ringFullDrops());
        metrics.close();
        ports.inside.stop();
        server.close();
        dp.close();
        hub.close();
        System.exit(0);
    }

    private static long listAll(Path sock) throws Exception {
        try (ControlClient c = new ControlClient(sock)) {
            c.send(ControlServer.JSON.createObjectNode().put("cmd", "flows"));
            JsonNode n;
            long lines = 0;
            while ((n = c.next()) != null && !n.has("end") && !n.has("error")) {
                lines++;
            }
            return lines;
        }
    }

    private static long countFlows(Path sock) throws Exception {
        try (ControlClient c = new ControlClient(sock)) {
            c.send(ControlServer.JSON.createObjectNode().put("cmd", "count"));
            JsonNode n;
            while ((n = c.next()) != null) {
                if (n.has("end")) {
                    return n.path("flows").asLong();
                }
            }
        }
        return -1;
    }

    private static double window(MemoryPortPair ports, int seconds) throws InterruptedException {
        long s0 = ports.outside.sent;
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long s1 = ports.outside.sent;
        long t1 = System.nanoTime();
        return (s1 - s0) * 1e9 / (t1 - t0);
    }

    private static void put(byte[] all, int[] lens, int i, byte[] frame) {
        System.arraycopy(frame, 0, all, i * STRIDE, frame.length);
        lens[i] = frame.length;
    }

    private static void waitSent(MemoryPortPair.Port out, long expect) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (out.sent < expect) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("set-up: " + out.name() + " sent " + out.sent + " of " + expect);
            }
            Thread.sleep(1);
        }
    }
}
