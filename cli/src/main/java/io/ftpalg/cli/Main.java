package io.ftpalg.cli;

import io.ftpalg.cli.replay.ReplayCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ftp-alg}: the command line. Started by {@code scripts/ftp-alg}, which sets the JVM flags it needs. */
@Command(
        name = "ftp-alg",
        mixinStandardHelpOptions = true,
        version = Main.VERSION,
        description = "Packet-level FTP application layer gateway.",
        subcommands = {
            ReplayCommand.class,
            io.ftpalg.cli.run.RunCommand.class,
            io.ftpalg.cli.analyze.AnalyzeCommand.class,
            io.ftpalg.cli.control.ConntrackCommand.class,
            io.ftpalg.cli.control.ReloadCommand.class,
            io.ftpalg.cli.check.CheckCommand.class
        })
public final class Main implements Runnable {
    /** What {@code ftp-alg -V} and every subcommand's {@code -V} print. */
    public static final String VERSION = "ftp-alg 0.1.0";

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
