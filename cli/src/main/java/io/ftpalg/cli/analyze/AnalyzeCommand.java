package io.ftpalg.cli.analyze;

import io.ftpalg.cli.replay.Json;
import io.ftpalg.engine.config.IpPrefix;
import io.ftpalg.pcap.CaptureFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ftp-alg analyze}: what a capture shows about FTP through firewalls, NAT and load balancers, for captures
 * ftp-alg never forwarded (taken on a client, a server, or both sides of someone else's device). No config.
 */
@Command(
        name = "analyze",
        mixinStandardHelpOptions = true,
        description = {
            "Explains a pcap/pcapng capture of FTP: the dialogue of each session with what each line means, its data"
                    + " connections, and which failure modes of FTP through NAT, firewalls and load balancers it"
                    + " shows, with the evidence (frames) and the fix.",
            "With no capture given, analyzes the bundled demo capture."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:no failure mode found",
            "1:at least one failure mode found",
            "2:unreadable capture or bad option"
        })
public final class AnalyzeCommand implements Callable<Integer> {
    static final String DEMO_CAPTURE = "/io/ftpalg/cli/demo/demo.pcapng";

    @Parameters(index = "0", arity = "0..1", paramLabel = "CAPTURE", description = "pcap or pcapng file")
    Path input;

    @Option(names = "--json", description = "print the analysis as JSON instead of text")
    boolean json;

    @Option(
            names = "--html",
            paramLabel = "FILE",
            description = "also write a ladder diagram of every session (one self-contained HTML file with SVG)")
    Path html;

    @Option(
            names = "--inside",
            paramLabel = "PREFIX",
            description = "a network behind the device (repeatable); optional")
    List<String> inside = new ArrayList<>();

    @Option(
            names = "--outside",
            paramLabel = "PREFIX",
            description = "a network in front of the device (repeatable); optional")
    List<String> outside = new ArrayList<>();

    @Option(
            names = "--idle",
            paramLabel = "SECONDS",
            description = "control silence during a transfer that counts as idle (default: 10)")
    double idleSeconds = Options.DEFAULT_IDLE_NANOS / 1e9;

    @Option(
            names = "--color",
            paramLabel = "WHEN",
            description = "auto (default: when stdout is a terminal), always, never")
    String color = "auto";

    @Override
    public Integer call() throws IOException {
        Options o;
        try {
            o = new Options(prefixes(inside), prefixes(outside), (long) (idleSeconds * 1e9));
        } catch (IllegalArgumentException e) {
            System.err.println("analyze: " + e.getMessage());
            return 2;
        }
        Path file = input;
        String name;
        Path tmp = null;
        if (file == null) {
            tmp = demo();
            file = tmp;
            name = "bundled demo capture (demo.pcapng)";
        } else {
            name = file.toString();
        }
        Analysis a;
        try {
            a = Analysis.of(file, name, o);
        } catch (NoSuchFileException e) {
            System.err.println("analyze: no such file: " + e.getFile());
            return 2;
        } catch (CaptureFormatException e) {
            System.err.println("analyze: " + e.getMessage());
            return 2;
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
        if (json) {
            System.out.print(Json.write(Report.json(a)));
        } else {
            boolean tty = switch (color) {
                case "always" -> true;
                case "never" -> false;
                default -> System.console() != null && System.getenv("NO_COLOR") == null;
            };
            System.out.print(Report.text(a, tty));
        }
        if (html != null) {
            Files.writeString(html, Ladder.html(a), StandardCharsets.UTF_8);
            if (!json) {
                System.out.println("ladder diagram: " + html);
            }
        }
        return a.findings.isEmpty() ? 0 : 1;
    }

    private static List<IpPrefix> prefixes(List<String> in) {
        List<IpPrefix> out = new ArrayList<>();
        for (String s : in) {
            out.add(s.contains("/") ? IpPrefix.parse(s) : IpPrefix.host(io.ftpalg.engine.config.IpAddress.parse(s)));
        }
        return out;
    }

    private static Path demo() throws IOException {
        Path tmp = Files.createTempFile("ftp-alg-analyze-demo", ".pcapng");
        try (InputStream in = AnalyzeCommand.class.getResourceAsStream(DEMO_CAPTURE)) {
            if (in == null) {
                throw new IOException("bundled demo capture missing from the jar: " + DEMO_CAPTURE);
            }
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp;
    }
}
