package io.ftpalg.cli.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.cli.replay.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled demo capture (what enters the demo gateway on each side: the client's half of each connection on
 * interface inside, the server's on outside, with translated addresses): its analysis as JSON must equal
 * {@code src/test/resources/io/ftpalg/cli/analyze/demo/expected.json}. Regenerate after an intended change with
 * {@code mvn -pl cli test -Dtest=DemoGoldenTest -Danalyze.regenerate=true} and review the diff.
 */
class DemoGoldenTest {
    static final Path DEMO = Path.of("src/main/resources/io/ftpalg/cli/demo/demo.pcapng");
    static final Path EXPECTED = Path.of("src/test/resources/io/ftpalg/cli/analyze/demo/expected.json");

    @TempDir
    Path tmp;

    @Test
    void demoCaptureAnalysis() throws Exception {
        Analysis a = Analysis.of(DEMO, "demo.pcapng", Options.defaults());
        String json = Json.write(Report.json(a));
        if (Boolean.getBoolean("analyze.regenerate")) {
            Files.createDirectories(EXPECTED.getParent());
            Files.writeString(EXPECTED, json, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(EXPECTED, StandardCharsets.UTF_8), json);
        // What the golden file says, checked here so a regenerated file cannot silently lose it: three sessions,
        // each client's half joined with the server's half, every data connection found and complete.
        assertEquals(3, a.sessions.size());
        for (Session s : a.sessions) {
            assertTrue(s.control.merged(), s.label());
            assertEquals(1, s.negotiations.size(), s.label());
            assertEquals(Diagnosis.Outcome.OK, Diagnosis.outcome(s.negotiations.get(0)), s.label());
            assertEquals(
                    4000,
                    s.negotiations.get(0).data.get(0).bytesToServer()
                            + s.negotiations.get(0).data.get(0).bytesToClient());
        }
        assertEquals(0, a.findings.size());
    }

    /** The command without arguments analyzes the demo; exit 0 (no failure mode). */
    @Test
    void cliWithoutArgumentsAnalyzesTheDemo() {
        AnalyzeTestSupport.Run r = AnalyzeTestSupport.cli("analyze", "--color", "never");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("Session 3: client [2001:db8:1::10]:40002"), r.out());
        assertTrue(r.out().contains("Client: EPRT |2|2001:db8:1::10|50001|"), r.out());
    }

    @Test
    void cliExitCodes() throws Exception {
        AnalyzeTestSupport.Run missing =
                AnalyzeTestSupport.cli("analyze", tmp.resolve("nope.pcap").toString());
        assertEquals(2, missing.exit());
        Path junk = tmp.resolve("junk.pcap");
        Files.writeString(junk, "not a capture at all");
        assertEquals(2, AnalyzeTestSupport.cli("analyze", junk.toString()).exit());
        Path bad = tmp.resolve("bad.pcapng");
        try (Synth s = new Synth(bad)) {
            Synth.Tcp c =
                    s.tcp("eth0", "198.51.100.10", 40000, "203.0.113.1", 21).login();
            c.client("PASV\r\n").server("227 Entering Passive Mode (192,0,2,20,117,48).\r\n");
        }
        AnalyzeTestSupport.Run r = AnalyzeTestSupport.cli("analyze", "--json", bad.toString());
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("\"mode\": \"pasv-address-private\""), r.out());
    }
}
