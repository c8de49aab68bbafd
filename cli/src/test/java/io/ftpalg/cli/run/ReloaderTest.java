package io.ftpalg.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.pipeline.Dataplane;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.MemoryPort;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Reloader} on a running two-worker pipeline: a config that does not parse and one that changes what only
 * a restart can are refused (the running config stays, the message says why); a compatible one reaches every
 * worker.
 */
class ReloaderTest {
    static final String BASE = """
            mode router
            port inside mac 02:00:00:00:00:01
            port outside mac 02:00:00:00:00:02
            pipeline workers 2
            snat from 192.0.2.0/24 to 203.0.113.1
            """;

    @TempDir
    Path tmp;

    @Test
    void refusesWhatItCannotApplyAndAppliesTheRestToEveryWorker() throws Exception {
        Path file = tmp.resolve("gw.conf");
        Files.writeString(file, BASE);
        Config cfg = ConfigParser.parse(file);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Dataplane dp = new Dataplane(
                cfg,
                EventSink.NONE,
                new MemoryPort("in"),
                new MemoryPort("out"),
                2,
                1024,
                "sleeping",
                () -> System.currentTimeMillis() * 1_000_000L)) {
            dp.start();
            Reloader r = new Reloader(file, dp, cfg, c -> c, new PrintStream(log, true));

            Files.writeString(file, BASE + "snat from 198.18.0.0/15 to\n");
            Reloader.Result bad = r.reload();
            assertFalse(bad.applied());
            assertTrue(
                    bad.message().contains("reload refused, the running config stays: " + file + ":6"), bad.message());

            Files.writeString(file, BASE + "flows max 1000\n");
            Reloader.Result restart = r.reload();
            assertFalse(restart.applied());
            assertTrue(restart.message().contains("'flows max' changed"), restart.message());
            for (int w = 0; w < 2; w++) {
                assertEquals(cfg, dp.engine(w).config(), "worker " + w + " keeps the running config");
            }

            Files.writeString(file, BASE + "snat from 198.18.0.0/15 to 203.0.113.2\nftp expect-timeout 1m\n");
            Reloader.Result ok = r.reload();
            assertTrue(ok.applied(), ok.message());
            assertEquals(0, ok.dropped());
            Config applied = ConfigParser.parse(file);
            for (int w = 0; w < 2; w++) {
                assertEquals(applied, dp.engine(w).config(), "worker " + w);
            }
            assertEquals(2, dp.counters().get(Counter.CONFIG_RELOADED), "one per worker");
            assertTrue(log.toString().contains("reload applied from " + file), log.toString());
        }
    }
}
