package io.ftpalg.cli.replay;

import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.config.ConfigException;
import io.ftpalg.engine.config.ConfigParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ftp-alg replay}: a capture through the engine. With no arguments it replays the bundled demo capture
 * (an FTP client behind source NAT in active mode, a server behind destination NAT in passive mode, and IPv6
 * EPRT/EPSV) with its config.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        version = io.ftpalg.cli.Main.VERSION,
        description = {
            "Replays a pcap/pcapng capture through the ftp-alg engine and writes what the gateway would emit.",
            "With no capture given, replays the bundled demo capture with the bundled demo config."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:replayed (and, with --verify, no difference from the reference device)",
            "1:--verify found differences",
            "2:bad input: unreadable capture or config"
        })
public final class ReplayCommand implements Callable<Integer> {
    static final String DEMO_CAPTURE = "/io/ftpalg/cli/demo/demo.pcapng";
    static final String DEMO_CONFIG = "/io/ftpalg/cli/demo/demo.conf";

    @Parameters(index = "0", arity = "0..1", paramLabel = "CAPTURE", description = "pcap or pcapng file to replay")
    Path input;

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "gateway config (see README)")
    Path config;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "pcapng to write (default: ftp-alg-replay.pcapng)")
    Path output = Path.of("ftp-alg-replay.pcapng");

    @Option(
            names = {"-r", "--report"},
            paramLabel = "FILE",
            description = "JSON report to write (default: ftp-alg-replay.json)")
    Path report = Path.of("ftp-alg-replay.json");

    @Option(
            names = "--verify",
            description = "compare with the reference device's frames in the capture (those sent from a port's"
                    + " configured mac)")
    boolean verify;

    @Option(
            names = "--with-input",
            description = "also write each input frame to the output pcapng, on the port it came in on, before the"
                    + " gateway's output: one file that looks like a capture of both ports of a router")
    boolean withInput;

    @Option(
            names = "--events",
            paramLabel = "FILE",
            description = "stream every event (rewrites, expectations, flows, drops) to FILE as JSON Lines, the"
                    + " schema of run --events (README 'Events')")
    Path events;

    @Option(names = "--quiet", description = "print only the summary line")
    boolean quiet;

    @Override
    public Integer call() {
        try {
            Path capture = input;
            Config cfg;
            String cfgName;
            if (capture == null) {
                capture = extract(DEMO_CAPTURE, ".pcapng");
                cfgName = config == null ? "bundled demo.conf" : config.toString();
                cfg = config == null
                        ? ConfigParser.parse(resourceText(DEMO_CONFIG), "demo.conf")
                        : ConfigParser.parse(config);
                System.out.println("No capture given: replaying the bundled demo (see README, 'Offline replay').");
                System.out.println("Config:");
                System.out.print((config == null ? resourceText(DEMO_CONFIG) : Files.readString(config))
                        .replaceAll("(?m)^", "  | "));
            } else {
                if (!Files.isReadable(capture)) {
                    System.err.println("ftp-alg replay: cannot read capture " + capture);
                    return 2;
                }
                if (config == null) {
                    System.err.println("ftp-alg replay: --config FILE is required with a capture (it says which"
                            + " port each frame came in on and what NAT applies)");
                    return 2;
                }
                cfg = ConfigParser.parse(config);
                cfgName = config.toString();
            }
            String clash = clash(capture, config, output, report);
            if (clash == null && events != null) {
                if (same(events, output)) {
                    clash = "--events and -o name the same file " + events;
                } else if (same(events, report)) {
                    clash = "--events and -r name the same file " + events;
                } else if (same(events, capture)) {
                    clash = "--events " + events + " is the capture being replayed: writing it would destroy the"
                            + " input (choose another events file)";
                } else if (config != null && same(events, config)) {
                    clash = "--events " + events + " is the config file (choose another events file)";
                }
            }
            if (clash != null) {
                System.err.println("ftp-alg replay: " + clash);
                return 2;
            }
            Replayer.Options o = new Replayer.Options(capture, cfg, cfgName, output, report, verify, withInput, events);
            Replayer.Result r = new Replayer(o).run();
            if (quiet) {
                System.out.printf(
                        "frames %d forwarded %d dropped %d held %d%n",
                        r.frames(), r.forwarded(), r.dropped(), r.held());
            } else {
                Replayer.printSummary(r, o, System.out);
            }
            return verify && !r.verifiedClean() ? 1 : 0;
        } catch (ConfigException e) {
            System.err.println("ftp-alg replay: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("ftp-alg replay: " + reason(e));
            return 2;
        }
    }

    /**
     * Why the output or report may not be written where asked: it is the capture or the config being read (writing
     * it would destroy the input), or both outputs are one file. Null when they are distinct.
     */
    static String clash(Path capture, Path config, Path output, Path report) {
        if (same(output, capture)) {
            return "-o " + output + " is the capture being replayed: writing it would destroy the input (choose"
                    + " another output file)";
        }
        if (same(report, capture)) {
            return "-r " + report + " is the capture being replayed: writing it would destroy the input (choose"
                    + " another report file)";
        }
        if (config != null && same(output, config)) {
            return "-o " + output + " is the config file (choose another output file)";
        }
        if (config != null && same(report, config)) {
            return "-r " + report + " is the config file (choose another report file)";
        }
        if (same(output, report)) {
            return "-o and -r name the same file " + output + " (the pcapng and the JSON report need one each)";
        }
        return null;
    }

    /** The same file: by identity when both exist (links, relative paths), else by normalised absolute path. */
    private static boolean same(Path a, Path b) {
        if (a == null || b == null) {
            return false;
        }
        try {
            if (Files.exists(a) && Files.exists(b)) {
                return Files.isSameFile(a, b);
            }
        } catch (IOException e) {
            // fall back to the names
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /** One line that says what went wrong and with which file, without Java exception class names. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return "no such file: " + n.getFile();
        }
        if (e instanceof java.nio.file.AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (e instanceof java.nio.file.FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : "cannot be used");
        }
        return e.getMessage() != null ? e.getMessage() : "input/output error";
    }

    static String resourceText(String name) throws IOException {
        try (InputStream in = ReplayCommand.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("bundled resource missing: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Path extract(String name, String suffix) throws IOException {
        Path tmp = Files.createTempFile("ftp-alg-demo", suffix);
        tmp.toFile().deleteOnExit();
        try (InputStream in = ReplayCommand.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("bundled resource missing: " + name);
            }
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp;
    }
}
