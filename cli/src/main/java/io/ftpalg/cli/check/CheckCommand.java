package io.ftpalg.cli.check;

import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.config.ConfigException;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.config.IpAddress;
import io.ftpalg.engine.config.IpPrefix;
import io.ftpalg.engine.config.Mode;
import io.ftpalg.engine.config.PortAddress;
import io.ftpalg.engine.config.PortConfig;
import io.ftpalg.engine.config.Route;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ftp-alg check --config FILE}: tests a config without running anything, as {@code nft -c -f} and
 * {@code suricata -T} do. Besides everything the parser refuses (syntax, values, conflicting rules), it catches
 * what only makes sense of the whole file: a route whose next hop is on no network of the ports (it could never be
 * resolved: every packet for it would be dropped as no-route), and both ports on one interface (the gateway would
 * forward each frame back out where it came in).
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        version = io.ftpalg.cli.Main.VERSION,
        description = "Tests a config file and exits (nothing is opened or started).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the config is usable", "2:errors (each printed as FILE:LINE: what is wrong)"})
public final class CheckCommand implements Callable<Integer> {
    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "FILE",
            description = "the gateway config to test")
    Path config;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() {
        Config cfg;
        String text;
        try {
            text = Files.readString(config);
            cfg = ConfigParser.parse(text, config.toString());
        } catch (ConfigException e) {
            err.println("ftp-alg check: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("ftp-alg check: cannot read " + config + ": "
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
            return 2;
        }
        List<String> errors = semanticErrors(cfg, text, config.toString());
        for (String e : errors) {
            err.println("ftp-alg check: " + e);
        }
        if (!errors.isEmpty()) {
            err.println("ftp-alg check: " + config + ": " + errors.size() + " error(s)");
            return 2;
        }
        out.println("ftp-alg check: " + config + ": configuration OK ("
                + cfg.mode().name().toLowerCase() + " mode, " + cfg.pipeline().workers() + " worker(s))");
        return 0;
    }

    /** Checks of the whole file, each as {@code source:line: what is wrong}. */
    public static List<String> semanticErrors(Config cfg, String text, String source) {
        List<String> errors = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        PortConfig in = cfg.inside();
        PortConfig out = cfg.outside();
        if (in.interfaceName() != null && in.interfaceName().equals(out.interfaceName())) {
            errors.add(source + ":" + lineOf(lines, "port", "outside") + ": both ports are on interface "
                    + in.interfaceName() + " (each port needs its own interface: inside and outside)");
        }
        if (cfg.mode() == Mode.ROUTER) {
            List<PortAddress> connected = new ArrayList<>(in.addresses());
            connected.addAll(out.addresses());
            for (Route r : cfg.routes()) {
                IpAddress via = r.via();
                boolean onLink = false;
                for (PortAddress a : connected) {
                    onLink |= a.onLink(via.version(), via.hi(), via.lo());
                }
                if (!onLink) {
                    errors.add(source + ":" + routeLine(lines, r) + ": route " + r.destination() + " via " + via
                            + ": the next hop is on no connected network (port addresses: "
                            + (connected.isEmpty()
                                    ? "none"
                                    : connected.toString().replaceAll("[\\[\\]]", ""))
                            + "); it could never be resolved");
                }
            }
        }
        return errors;
    }

    /** The line of the first {@code port <name>} line (1-based; 0 if not found). */
    private static int lineOf(String[] lines, String first, String second) {
        for (int i = 0; i < lines.length; i++) {
            String[] t = tokens(lines[i]);
            if (t.length >= 2 && t[0].equals(first) && t[1].equals(second)) {
                return i + 1;
            }
        }
        return 0;
    }

    private static int routeLine(String[] lines, Route r) {
        for (int i = 0; i < lines.length; i++) {
            String[] t = tokens(lines[i]);
            if (t.length >= 4 && t[0].equals("route") && t[2].equals("via")) {
                try {
                    if (IpPrefix.parse(t[1]).equals(r.destination())
                            && IpAddress.parse(t[3]).equals(r.via())) {
                        return i + 1;
                    }
                } catch (RuntimeException ignored) {
                    // not this one
                }
            }
        }
        return 0;
    }

    private static String[] tokens(String line) {
        int hash = line.indexOf('#');
        String s = (hash >= 0 ? line.substring(0, hash) : line).trim();
        return s.isEmpty() ? new String[0] : s.split("\\s+");
    }
}
