package io.ftpalg.cli.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.cli.replay.Replayer;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.testing.SimNet;
import io.ftpalg.pcap.CaptureReader;
import io.ftpalg.pcap.LinkType;
import io.ftpalg.pcap.PcapRecord;
import io.ftpalg.pcap.PcapngWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden replay cases (the Snabb lwAFTR model): for each case, {@code config.conf}, {@code input.pcapng} (engine
 * inputs on interface 0 inside, 1 outside), {@code expected.pcapng} and {@code expected-counters.txt} under
 * {@code src/test/resources/io/ftpalg/cli/golden/<case>/}. The test replays the input through the CLI's replayer
 * and requires the same output byte for byte and the same counters. Regenerate after an intended change with
 * {@code mvn -pl cli test -Dtest=GoldenTest -Dgolden.regenerate=true} and review the diff of the report.
 */
class GoldenTest {
    static final Path ROOT = Path.of("src/test/resources/io/ftpalg/cli/golden");
    static final Path DEMO = Path.of("src/main/resources/io/ftpalg/cli/demo");
    static final boolean REGENERATE = Boolean.getBoolean("golden.regenerate");

    @TempDir
    Path tmp;

    static Stream<String> cases() {
        return GoldenCases.all().stream().map(GoldenCases.Case::name);
    }

    static GoldenCases.Case byName(String name) {
        return GoldenCases.all().stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    /** Plays the scenario live; its endpoints must have seen nothing wrong. */
    static SimNet play(GoldenCases.Case c) throws Exception {
        SimNet net = new SimNet(ConfigParser.parse(c.config(), c.name()));
        c.script().accept(net);
        assertEquals(List.of(), net.errors, c.name() + ": endpoints saw problems");
        return net;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void replayMatchesGolden(String name) throws Exception {
        GoldenCases.Case c = byName(name);
        Path dir = ROOT.resolve(name);
        try (SimNet net = play(c)) {
            if (REGENERATE) {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("config.conf"), "# " + c.description() + "\n" + c.config());
                writeCapture(dir.resolve("input.pcapng"), net.inputs, List.of());
                Replayer.Result r = replay(dir, dir.resolve("expected.pcapng"));
                Files.writeString(dir.resolve("expected-counters.txt"), countersText(r.counters()));
                if (name.equals("demo")) {
                    Files.createDirectories(DEMO);
                    Files.copy(
                            dir.resolve("input.pcapng"),
                            DEMO.resolve("demo.pcapng"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    Files.writeString(DEMO.resolve("demo.conf"), c.config());
                }
            }
            assertTrue(Files.exists(dir.resolve("input.pcapng")), "golden case missing; regenerate: " + name);
            // The stored input is what the scenario produces today (the generator is deterministic).
            assertFramesEqual(net.inputs, readFrames(dir.resolve("input.pcapng")), name + " input");
            // The replay reproduces the stored output and counters...
            Path out = tmp.resolve("out.pcapng");
            Replayer.Result r = replay(dir, out);
            assertEquals(
                    Files.readString(dir.resolve("expected-counters.txt")),
                    countersText(r.counters()),
                    name + " counters");
            List<Frame> expected = readFrames(dir.resolve("expected.pcapng"));
            List<Frame> actual = readFrames(out);
            assertFramesEqual(expected, actual, name + " output");
            // ...which is what the engine emitted live.
            assertFramesEqual(net.outputs, actual, name + " live vs replay");
        }
    }

    @Test
    void verifyFindsNoDifferenceWithAnIdenticalReferenceAndPinpointsAChangedOne() throws Exception {
        try (SimNet net = play(byName("s1-active-snat-v4"))) {
            var cfg = ConfigParser.parse(byName("s1-active-snat-v4").config(), "s1");
            Path clean = tmp.resolve("with-reference.pcapng");
            writeCapture(clean, net.inputs, net.outputs);
            Replayer.Result ok = new Replayer(new Replayer.Options(clean, cfg, "cfg", null, null, true)).run();
            assertTrue(ok.verifiedClean(), () -> "unexpected differences: " + ok.verify());
            assertEquals((long) net.outputs.size(), ok.verify().get("compared"));

            // The reference device wrote another port into the first rewritten PORT.
            List<SimNet.Frame> tampered = new ArrayList<>();
            boolean changed = false;
            for (SimNet.Frame f : net.outputs) {
                String s = new String(f.bytes(), StandardCharsets.ISO_8859_1);
                if (!changed && s.contains("PORT 203,0,113,1,195,80")) {
                    byte[] b = s.replace("PORT 203,0,113,1,195,80", "PORT 203,0,113,1,195,81")
                            .getBytes(StandardCharsets.ISO_8859_1);
                    tampered.add(new SimNet.Frame(f.port(), f.timeNanos(), b));
                    changed = true;
                } else {
                    tampered.add(f);
                }
            }
            assertTrue(changed);
            Path bad = tmp.resolve("bad-reference.pcapng");
            writeCapture(bad, net.inputs, tampered);
            Replayer.Result r = new Replayer(new Replayer.Options(bad, cfg, "cfg", null, null, true)).run();
            assertFalse(r.verifiedClean());
            List<?> diffs = (List<?>) r.verify().get("differences");
            assertEquals(1, diffs.size(), () -> diffs.toString());
            assertTrue(diffs.get(0).toString().contains("195,81"), diffs.get(0).toString());
        }
    }

    private Replayer.Result replay(Path dir, Path output) throws Exception {
        Path cfg = dir.resolve("config.conf");
        return new Replayer(new Replayer.Options(
                        dir.resolve("input.pcapng"),
                        ConfigParser.parse(cfg),
                        cfg.toString(),
                        output,
                        tmp.resolve("report.json"),
                        false))
                .run();
    }

    static String countersText(Map<String, Long> counters) {
        StringBuilder sb = new StringBuilder();
        counters.forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
        return sb.toString();
    }

    /** Writes inputs (and reference outputs, merged by time, after the input that caused them) as pcapng. */
    static void writeCapture(Path file, List<SimNet.Frame> inputs, List<SimNet.Frame> reference) throws IOException {
        try (PcapngWriter w = new PcapngWriter(file, "ftp-alg golden generator")) {
            w.addInterface("inside", LinkType.ETHERNET, Replayer.MAX_FRAME);
            w.addInterface("outside", LinkType.ETHERNET, Replayer.MAX_FRAME);
            int j = 0;
            for (SimNet.Frame in : inputs) {
                w.write(in.port(), in.timeNanos(), in.bytes(), 0, in.bytes().length, null);
                while (j < reference.size() && reference.get(j).timeNanos() <= in.timeNanos()) {
                    SimNet.Frame o = reference.get(j++);
                    w.write(o.port(), o.timeNanos(), o.bytes(), 0, o.bytes().length, null);
                }
            }
        }
    }

    record Frame(int port, long timeNanos, byte[] bytes, String comment) {}

    static List<Frame> readFrames(Path file) throws IOException {
        List<Frame> frames = new ArrayList<>();
        PcapRecord r = new PcapRecord(Replayer.MAX_FRAME);
        try (CaptureReader in = CaptureReader.open(file)) {
            while (in.next(r)) {
                frames.add(
                        new Frame(r.interfaceId, r.timestampNanos, Arrays.copyOf(r.data, r.capturedLength), r.comment));
            }
        }
        return frames;
    }

    static void assertFramesEqual(List<?> expected, List<Frame> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": frame count");
        for (int i = 0; i < expected.size(); i++) {
            Object e = expected.get(i);
            int port;
            long time;
            byte[] bytes;
            if (e instanceof SimNet.Frame f) {
                port = f.port();
                time = f.timeNanos();
                bytes = f.bytes();
            } else {
                Frame f = (Frame) e;
                port = f.port();
                time = f.timeNanos();
                bytes = f.bytes();
                if (f.comment() != null || actual.get(i).comment() != null) {
                    assertEquals(f.comment(), actual.get(i).comment(), what + ": comment of frame " + (i + 1));
                }
            }
            assertEquals(port, actual.get(i).port(), what + ": port of frame " + (i + 1));
            assertEquals(time, actual.get(i).timeNanos(), what + ": time of frame " + (i + 1));
            final int n = i;
            assertTrue(Arrays.equals(bytes, actual.get(i).bytes()), () -> what + ": bytes of frame " + (n + 1));
        }
    }
}
