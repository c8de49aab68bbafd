package io.ftpalg.cli.replay;

import io.ftpalg.engine.codec.Decoder;
import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.pipeline.Engine;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.pcap.CaptureReader;
import io.ftpalg.pcap.LinkType;
import io.ftpalg.pcap.PcapRecord;
import io.ftpalg.pcap.PcapngWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Offline replay: feeds a capture through the same {@link Engine} that runs live, with the capture's clock as the
 * engine's clock (so a replay is deterministic), and writes what the gateway would emit as pcapng (interface 0
 * "inside", 1 "outside"; rewritten packets carry a comment saying what was done), a JSON report of every
 * rewrite, expectation and drop, and optionally the comparison against a reference device captured in the same
 * file.
 */
public final class Replayer {
    /** Largest frame accepted: a GSO super-frame of 64 KiB plus headers. */
    public static final int MAX_FRAME = 65535 + 14 + 8;
    /** Slot capacity: room for a rewrite to grow the largest frame. */
    public static final int SLOT_CAPACITY = MAX_FRAME + 512;

    /** What to replay. {@code output} and {@code report} may be null. */
    public record Options(Path input, Config config, String configName, Path output, Path report, boolean verify) {}

    /** What happened. */
    public record Result(
            long frames,
            long processed,
            long forwarded,
            long dropped,
            long held,
            long reference,
            long unassigned,
            Map<String, Long> counters,
            List<Map<String, Object>> events,
            Map<String, Object> verify) {
        /** True when verification ran and found no difference in either direction. */
        public boolean verifiedClean() {
            return verify != null
                    && ((List<?>) verify.get("differences")).isEmpty()
                    && ((List<?>) verify.get("unmatched")).isEmpty();
        }
    }

    private final Options options;

    public Replayer(Options options) {
        this.options = options;
    }

    public Result run() throws IOException {
        ReplayEvents events = new ReplayEvents();
        ReferenceVerifier verifier = options.verify() ? new ReferenceVerifier() : null;
        PacketSlot slot = new PacketSlot(SLOT_CAPACITY);
        PacketSlot probe = new PacketSlot(SLOT_CAPACITY);
        Decoder decoder = new Decoder();
        PcapRecord r = new PcapRecord(MAX_FRAME);
        long frames = 0, processed = 0, forwarded = 0, dropped = 0, held = 0, reference = 0, unassigned = 0;
        long lastTime = 0;
        List<Map<String, Object>> unassignedFrames = new ArrayList<>();
        try (CaptureReader in = CaptureReader.open(options.input());
                Engine engine = new Engine(options.config(), events, SLOT_CAPACITY);
                PcapngWriter out = options.output() == null ? null : new PcapngWriter(options.output(), "ftp-alg")) {
            if (out != null) {
                out.addInterface("inside", LinkType.ETHERNET, MAX_FRAME);
                out.addInterface("outside", LinkType.ETHERNET, MAX_FRAME);
            }
            PortClassifier ports = new PortClassifier(options.config(), in::interfaceName);
            while (in.next(r)) {
                frames++;
                if (in.linkType(r.interfaceId) != LinkType.ETHERNET) {
                    throw new IOException("frame " + frames + ": link type " + in.linkType(r.interfaceId)
                            + " is not Ethernet (the only link type replay supports)");
                }
                lastTime = r.timestampNanos;
                System.arraycopy(r.data, 0, probe.data, 0, r.capturedLength);
                probe.length = r.capturedLength;
                decoder.decode(probe);
                int port = ports.classify(r, probe);
                if (ports.reference) {
                    reference++;
                    if (verifier != null) {
                        verifier.reference(port, frames, r.data, r.capturedLength);
                    }
                    continue;
                }
                if (port == PortClassifier.UNASSIGNED) {
                    unassigned++;
                    if (unassignedFrames.size() < 20) {
                        unassignedFrames.add(Map.of("frame", frames, "interface", r.interfaceId));
                    }
                    continue;
                }
                processed++;
                if (r.capturedLength < r.originalLength) {
                    // A snapped frame would be forwarded truncated; count it and skip it rather than guess.
                    dropped++;
                    events.frame(frames);
                    events.notice(
                            r.timestampNanos,
                            "truncated-capture",
                            "-",
                            "frame " + frames + " was captured" + " with " + r.capturedLength + " of "
                                    + r.originalLength + " bytes: not replayed");
                    continue;
                }
                System.arraycopy(r.data, 0, slot.data, 0, r.capturedLength);
                slot.length = r.capturedLength;
                slot.ingressPort = port;
                slot.timestampNanos = r.timestampNanos;
                events.frame(frames);
                int verdict = engine.process(slot);
                if (verdict == Engine.FORWARD) {
                    forwarded++;
                    if (out != null) {
                        out.write(slot.egressPort, slot.timestampNanos, slot.data, 0, slot.length, events.comment());
                    }
                    if (verifier != null) {
                        verifier.ours(slot.egressPort, frames, slot.data, slot.length);
                    }
                } else if (verdict == Engine.HELD) {
                    held++;
                } else {
                    dropped++;
                    Counter why = engine.lastDrop();
                    if (why != null && why != Counter.DROP_TCP_NO_FLOW) {
                        events.notice(r.timestampNanos, "drop", "-", "frame " + frames + " dropped: " + why.label);
                    }
                }
            }
            engine.expireAll(lastTime / 1_000_000L);
            Map<String, Long> counters = new LinkedHashMap<>();
            for (Counter c : Counter.values()) {
                long v = engine.counters().get(c);
                if (v != 0) {
                    counters.put(c.label, v);
                }
            }
            counters.put("replay-unassigned", unassigned);
            Map<String, Object> verify = null;
            if (verifier != null) {
                verify = new LinkedHashMap<>();
                verify.put("referenceFrames", reference);
                verify.put("referenceNonIp", verifier.referenceNonIp);
                verify.put("compared", verifier.compared);
                verify.put("identical", verifier.identical);
                verify.put("differences", verifier.differences);
                verify.put("unmatched", verifier.unmatched());
            }
            Result result = new Result(
                    frames,
                    processed,
                    forwarded,
                    dropped,
                    held,
                    reference,
                    unassigned,
                    counters,
                    events.events,
                    verify);
            if (options.report() != null) {
                writeReport(result, unassignedFrames);
            }
            return result;
        }
    }

    private void writeReport(Result result, List<Map<String, Object>> unassignedFrames) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("tool", "ftp-alg replay");
        root.put("input", options.input().toString());
        root.put("config", options.configName());
        root.put("generated", Instant.now().toString());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("frames", result.frames());
        summary.put("processed", result.processed());
        summary.put("forwarded", result.forwarded());
        summary.put("dropped", result.dropped());
        summary.put("held", result.held());
        summary.put("referenceFrames", result.reference());
        summary.put("unassigned", result.unassigned());
        root.put("summary", summary);
        root.put("counters", result.counters());
        Map<String, Object> drops = new LinkedHashMap<>();
        result.counters().forEach((k, v) -> {
            if (k.startsWith("drop-")) {
                drops.put(k, v);
            }
        });
        root.put("drops", drops);
        root.put("events", result.events());
        if (!unassignedFrames.isEmpty()) {
            root.put("unassignedFrames", unassignedFrames);
        }
        if (result.verify() != null) {
            root.put("verify", result.verify());
        }
        Files.writeString(options.report(), Json.write(root));
    }

    /** The short human summary printed after a replay. */
    public static void printSummary(Result r, Options o, PrintStream p) {
        p.printf("ftp-alg replay: %s%n", o.input());
        p.printf(
                "  frames %d: processed %d, forwarded %d, dropped %d, held %d, reference %d, unassigned %d%n",
                r.frames(), r.processed(), r.forwarded(), r.dropped(), r.held(), r.reference(), r.unassigned());
        for (Map<String, Object> e : r.events()) {
            String type = (String) e.get("type");
            switch (type) {
                case "rewrite" ->
                    p.printf(
                            "  frame %-6s %s %s: \"%s\" -> \"%s\" (seq %+d after)%n",
                            e.get("frame"),
                            e.get("direction"),
                            e.get("command"),
                            e.get("before"),
                            e.get("after"),
                            e.get("seqDelta"));
                case "expectation" ->
                    p.printf(
                            "  frame %-6s expectation %s: %s%s%n",
                            e.get("frame"),
                            e.get("action"),
                            e.get("expected"),
                            e.containsKey("reason") ? " (" + e.get("reason") + ")" : "");
                default -> p.printf("  frame %-6s %s: %s%n", e.get("frame"), e.get("kind"), e.get("text"));
            }
        }
        StringBuilder drops = new StringBuilder();
        r.counters().forEach((k, v) -> {
            if (k.startsWith("drop-")) {
                drops.append(drops.length() == 0 ? "" : ", ")
                        .append(k)
                        .append(' ')
                        .append(v);
            }
        });
        p.printf("  drops: %s%n", drops.length() == 0 ? "none" : drops);
        if (r.verify() != null) {
            List<?> diffs = (List<?>) r.verify().get("differences");
            List<?> unmatched = (List<?>) r.verify().get("unmatched");
            p.printf(
                    "  verify: %s reference frames compared, %s identical, %d differ, %d unmatched%n",
                    r.verify().get("compared"), r.verify().get("identical"), diffs.size(), unmatched.size());
            for (Object d : diffs) {
                p.printf("    %s%n", d);
            }
            for (Object u : unmatched) {
                p.printf("    %s%n", u);
            }
        }
        if (o.output() != null) {
            p.printf("  output: %s%n", o.output());
        }
        if (o.report() != null) {
            p.printf("  report: %s%n", o.report());
        }
    }
}
