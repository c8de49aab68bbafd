package io.ftpalg.cli.run;

import io.ftpalg.cli.control.Conntrack;
import io.ftpalg.cli.control.ControlServer;
import io.ftpalg.cli.events.EventHub;
import io.ftpalg.cli.metrics.Metrics;
import io.ftpalg.engine.pipeline.Dataplane;
import io.ftpalg.engine.pipeline.PacketPort;
import io.ftpalg.engine.report.EventSink;
import java.io.IOException;
import java.io.PrintStream;

/**
 * Everything of {@code run} that is about operating the gateway rather than forwarding: the event hub (events off
 * the workers through a bounded queue), the text printer, the {@code --events} JSON Lines file, the control socket
 * and its conntrack verbs. Kept out of {@link RunCommand} so that the forwarding set-up stays readable.
 *
 * <pre>
 *   Operations ops = new Operations(options, quiet, System.out);
 *   Dataplane dp = new Dataplane(cfg, ops::sink, ...);
 *   ops.start(dp, inside, outside);   // before dp.start(); a refusal message, or null
 *   ...
 *   ops.close();     // after dp.close()
 * </pre>
 */
final class Operations implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Operations.class);
    private final OpsOptions options;
    private final EventHub hub = new EventHub();
    private final PrintStream out;
    private ControlServer control;
    private EventFile eventFile;
    private Metrics metrics;
    private HostGuard hostGuard;

    Operations(OpsOptions options, boolean quiet, PrintStream out) {
        this.options = options;
        this.out = out;
        if (!quiet) {
            hub.addTextSink(new LiveEvents());
        }
    }

    EventSink sink(int worker) {
        return hub.sink(worker);
    }

    EventHub hub() {
        return hub;
    }

    ControlServer control() {
        return control;
    }

    /**
     * The host's own stack on the ports ({@link HostGuard}): with {@code --host-guard} installs the guard tables
     * (returns why it cannot, or null); without, reports host addresses or forwarding on the ports in one warning.
     */
    String prepareHost(String inside, String outside) {
        if (options.hostGuard) {
            try {
                hostGuard = HostGuard.install(inside, outside);
                out.println("  host guard: nftables tables inet/arp " + hostGuard.table() + " (removed on exit)");
            } catch (IOException e) {
                return "--host-guard: " + e.getMessage();
            }
            return null;
        }
        java.util.List<HostGuard.Finding> f = HostGuard.inspect(inside, outside);
        if (!f.isEmpty()) {
            LOG.warn(HostGuard.message(f));
        }
        return null;
    }

    /** Starts the hub, the event file, the control socket and metrics. Returns why it cannot, or null. */
    String start(Dataplane dp, PacketPort inside, PacketPort outside) {
        Metrics.InetAddressAndPort metricsAt = null;
        if (options.metrics != null) {
            try {
                metricsAt = Metrics.parse(options.metrics);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        if (options.events != null) {
            try {
                eventFile = EventFile.open(options.events, out);
            } catch (IOException e) {
                return "cannot open the events file " + options.events + ": " + e.getMessage();
            }
            hub.addJsonSink(eventFile, true);
        }
        hub.start();
        try {
            // logrotate's postrotate sends SIGUSR1: the next event goes to a new file of the same name.
            sun.misc.Signal.handle(new sun.misc.Signal("USR1"), sig -> reopen());
        } catch (IllegalArgumentException e) {
            LOG.warn("SIGUSR1 not available here ({}): the events file cannot be reopened", e.getMessage());
        }
        if (!options.controlSocketOff()) {
            ControlServer s = new ControlServer(options.controlSocketPath());
            new Conntrack(dp, hub).register(s);
            try {
                s.start();
                control = s;
                out.println("  control socket " + s.path() + " (ftp-alg conntrack -L ...)");
            } catch (IOException e) {
                if (options.controlSocket != null) {
                    return "control socket " + s.path() + ": " + e.getMessage();
                }
                LOG.warn("no control socket: {}: {}", s.path(), e.getMessage());
            }
        }
        if (metricsAt != null) {
            try {
                metrics = Metrics.start(metricsAt, dp, hub, inside, outside);
                out.println("  metrics on http://" + options.metrics + "/metrics");
            } catch (IOException e) {
                return "--metrics " + options.metrics + ": " + e.getMessage();
            }
        }
        return null;
    }

    /** SIGUSR1: reopen the events file (after logrotate moved it). */
    void reopen() {
        if (eventFile != null) {
            eventFile.reopen();
        }
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
        }
        if (control != null) {
            control.close();
        }
        hub.close();
        if (eventFile != null) {
            eventFile.close();
        }
        if (hostGuard != null) {
            hostGuard.close();
            hostGuard = null;
        }
    }
}
