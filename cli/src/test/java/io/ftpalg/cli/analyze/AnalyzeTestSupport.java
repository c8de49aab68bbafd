package io.ftpalg.cli.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ftpalg.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/** Runs analyses of test captures. */
final class AnalyzeTestSupport {
    private AnalyzeTestSupport() {}

    static Analysis analyze(Path p) throws IOException {
        return Analysis.of(p, p.getFileName().toString(), Options.defaults());
    }

    static List<String> modes(Analysis a) {
        return a.findings.stream().map(f -> f.mode.id).distinct().sorted().toList();
    }

    static Finding only(Analysis a, Mode m) {
        List<Finding> f = a.findings.stream().filter(x -> x.mode == m).toList();
        assertEquals(1, f.size(), () -> "findings of " + m.id + ": " + Report.text(a, false));
        return f.get(0);
    }

    /** {@code ftp-alg ARGS} through picocli as the launcher runs it: exit code and stdout. */
    record Run(int exit, String out) {}

    static Run cli(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            int rc = new CommandLine(new Main()).execute(args);
            ps.flush();
            return new Run(rc, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }
}
