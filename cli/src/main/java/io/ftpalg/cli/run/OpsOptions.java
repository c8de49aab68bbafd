package io.ftpalg.cli.run;

import io.ftpalg.cli.control.ControlServer;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code run}'s options for operating the gateway: control socket, events, metrics (see {@link Operations}). */
public final class OpsOptions {
    @Option(
            names = "--control-socket",
            paramLabel = "PATH",
            description = "control socket for 'ftp-alg conntrack' (default " + ControlServer.DEFAULT_PATH
                    + "; 'none' = off). Root-only: the directory is made 0700, the socket 0600. When the default"
                    + " path is in use by another gateway this one runs without (and says so); a PATH given here"
                    + " that is in use refuses the start")
    String controlSocket;

    @Option(
            names = "--events",
            paramLabel = "FILE|-",
            description = "write every event (rewrites, expectations, notices, flow new/destroy) as JSON Lines"
                    + " (eve.json-like, see README 'Events') to FILE, or '-' for stdout; SIGUSR1 reopens FILE")
    String events;

    @Option(
            names = "--metrics",
            paramLabel = "ADDR:PORT",
            description = "serve Prometheus metrics over HTTP on ADDR:PORT (e.g. 127.0.0.1:9475; off by default)")
    String metrics;

    @Option(
            names = "--host-guard",
            description = "install an nftables table (inet and arp) that stops the host's own stack from answering,"
                    + " sending or forwarding on the two ports while ftp-alg runs; removed on exit. Without it, host"
                    + " addresses or forwarding on the ports are reported at start (README 'Preparing the host')")
    boolean hostGuard;

    Path controlSocketPath() {
        return controlSocket == null ? Path.of(ControlServer.DEFAULT_PATH) : Path.of(controlSocket);
    }

    boolean controlSocketOff() {
        return "none".equals(controlSocket);
    }
}
