package io.ftpalg.cli.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a user meets it: the no-argument default, and clear one-line errors for bad input. */
class ReplayCommandTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new Main()).execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void noArgumentsReplaysTheBundledDemo() throws Exception {
        Path out = tmp.resolve("demo.pcapng");
        Path report = tmp.resolve("demo.json");
        Run r = run("replay", "-o", out.toString(), "-r", report.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"PORT 192,0,2,10,195,80\" -> \"PORT 203,0,113,1,195,80\""), r.out());
        assertTrue(r.out().contains("227 Entering Passive Mode (203,0,113,1,117,48)."), r.out());
        assertTrue(r.out().contains("EPRT |2|2001:db8:ff::1|50001|"), r.out());
        assertTrue(r.out().contains("drops: none"), r.out());
        String json = Files.readString(report);
        assertTrue(json.contains("\"ftp-rewrites\": 3"), json);
        assertTrue(json.contains("\"action\": \"used\""), json);
        assertTrue(Files.size(out) > 0);
    }

    /** -o or -r naming the capture (or the config) would overwrite what is being read: refused, input intact. */
    @Test
    void outputThatIsTheInputIsRefused() throws Exception {
        Path capture = tmp.resolve("in.pcapng");
        Path conf = tmp.resolve("gw.conf");
        Run demo = run(
                "replay", "-o", capture.toString(), "-r", tmp.resolve("r.json").toString());
        assertEquals(0, demo.code(), demo.err());
        Files.writeString(conf, new String(ReplayCommand.resourceText(ReplayCommand.DEMO_CONFIG)));
        byte[] before = Files.readAllBytes(capture);
        Run o = run("replay", "-c", conf.toString(), "-o", capture.toString(), capture.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("ftp-alg replay: -o " + capture + " is the capture being replayed"), o.err());
        Run viaDots = run(
                "replay",
                "-c",
                conf.toString(),
                "-r",
                tmp.resolve("x/../in.pcapng").toString(),
                capture.toString());
        assertEquals(2, viaDots.code());
        assertTrue(viaDots.err().contains("is the capture being replayed"), viaDots.err());
        Run cfg = run("replay", "-c", conf.toString(), "-r", conf.toString(), capture.toString());
        assertEquals(2, cfg.code());
        assertTrue(cfg.err().contains("is the config file"), cfg.err());
        Run both = run(
                "replay",
                "-c",
                conf.toString(),
                "-o",
                tmp.resolve("o").toString(),
                "-r",
                tmp.resolve("o").toString(),
                capture.toString());
        assertEquals(2, both.code());
        assertTrue(both.err().contains("-o and -r name the same file"), both.err());
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(Files.readAllBytes(capture)));
    }

    /** --with-input: every replayed input frame is in the output too, so the output holds more frames. */
    @Test
    void withInputWritesBothWires() throws Exception {
        Path a = tmp.resolve("a.pcapng");
        Path b = tmp.resolve("b.pcapng");
        assertEquals(
                0,
                run("replay", "-o", a.toString(), "-r", tmp.resolve("a.json").toString())
                        .code());
        Run r = run(
                "replay",
                "--with-input",
                "-o",
                b.toString(),
                "-r",
                tmp.resolve("b.json").toString());
        assertEquals(0, r.code(), r.err());
        long outOnly = frames(a);
        long both = frames(b);
        assertTrue(outOnly > 0);
        assertTrue(both > outOnly + outOnly / 2, outOnly + " frames without, " + both + " with the input");
        assertTrue(
                new String(Files.readAllBytes(b), StandardCharsets.ISO_8859_1).contains("ftp-alg: received (input)"));
    }

    /** --events streams the live schema: the demo's PORT rewrite, expectations, flows, RFC 3339 times. */
    @Test
    void eventsAreJsonLinesInTheLiveSchema() throws Exception {
        Path ev = tmp.resolve("ev.jsonl");
        Run r = run(
                "replay",
                "--events",
                ev.toString(),
                "-o",
                tmp.resolve("o.pcapng").toString(),
                "-r",
                tmp.resolve("r.json").toString());
        assertEquals(0, r.code(), r.err());
        java.util.List<String> lines = Files.readAllLines(ev);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        boolean rewrite = false, used = false, flow = false;
        for (String l : lines) {
            var n = json.readTree(l);
            assertTrue(n.get("timestamp").asText().matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]{15}[+-]\\d\\d:\\d\\d"), l);
            String t = n.get("event_type").asText();
            rewrite |= t.equals("ftp_rewrite") && n.at("/ftp/after").asText().equals("PORT 203,0,113,1,195,80");
            used |= t.equals("expectation")
                    && n.at("/expectation/action").asText().equals("used");
            flow |= t.equals("flow") && n.at("/flow/action").asText().equals("new") && n.has("nat");
        }
        assertTrue(rewrite && used && flow, "rewrite " + rewrite + " used " + used + " flow " + flow);
        Run same = run(
                "replay",
                "--events",
                tmp.resolve("o.pcapng").toString(),
                "-o",
                tmp.resolve("o.pcapng").toString());
        assertEquals(2, same.code());
        assertTrue(same.err().contains("--events and -o name the same file"), same.err());
    }

    private static long frames(Path p) throws Exception {
        try (io.ftpalg.pcap.CaptureReader in = io.ftpalg.pcap.CaptureReader.open(p)) {
            io.ftpalg.pcap.PcapRecord rec = new io.ftpalg.pcap.PcapRecord(70_000);
            long n = 0;
            while (in.next(rec)) {
                n++;
            }
            return n;
        }
    }

    @Test
    void versionAndUnwritableOutputs() throws Exception {
        Run v = run("replay", "-V");
        assertEquals(0, v.code());
        assertEquals(Main.VERSION, v.out().trim());
        Run o = run(
                "replay",
                "-o",
                "/proc/ftp-alg-no/out.pcapng",
                "-r",
                tmp.resolve("r.json").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("ftp-alg replay: "), o.err());
        assertTrue(!o.err().contains("Exception"), o.err());
        assertTrue(o.err().contains("/proc/ftp-alg-no/out.pcapng"), o.err());
    }

    @Test
    void missingCaptureIsAOneLineError() {
        Run r = run("replay", "--config", "x.conf", tmp.resolve("nope.pcap").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("ftp-alg replay: cannot read capture"), r.err());
    }

    @Test
    void badConfigNamesFileAndLine() throws Exception {
        Path cfg = tmp.resolve("bad.conf");
        Files.writeString(cfg, "port inside\nport outside\nsnat from 192.0.2.0/33 to 203.0.113.1\n");
        Path cap = tmp.resolve("empty.pcap");
        Files.write(cap, new byte[] {
            (byte) 0xd4,
            (byte) 0xc3,
            (byte) 0xb2,
            (byte) 0xa1,
            2,
            0,
            4,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            (byte) 0xff,
            (byte) 0xff,
            0,
            0,
            1,
            0,
            0,
            0
        });
        Run r = run("replay", "--config", cfg.toString(), cap.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bad.conf:3:"), r.err());
    }

    @Test
    void corruptCaptureIsAClearErrorNotAStackTrace() throws Exception {
        Path cfg = tmp.resolve("ok.conf");
        Files.writeString(cfg, "port inside match pcapng-interface 0\nport outside match pcapng-interface 1\n");
        Path cap = tmp.resolve("corrupt.pcapng");
        Files.write(cap, new byte[] {0x0a, 0x0d, 0x0d, 0x0a, 1, 2, 3});
        Run r = run(
                "replay",
                "--config",
                cfg.toString(),
                "-o",
                tmp.resolve("o.pcapng").toString(),
                "-r",
                tmp.resolve("o.json").toString(),
                cap.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("ftp-alg replay: "), r.err());
        assertTrue(!r.err().contains("\tat "), r.err());
    }
}
