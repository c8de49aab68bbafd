package io.ftpalg.cli.run;

import io.ftpalg.bindings.packet.InterfaceInfo;
import io.ftpalg.bindings.packet.Offloads;
import io.ftpalg.bindings.packet.PacketIoException;
import io.ftpalg.bindings.packet.PacketRxRing;
import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.config.ConfigException;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.config.MacAddress;
import io.ftpalg.engine.config.Mode;
import io.ftpalg.engine.config.PortConfig;
import io.ftpalg.engine.pipeline.Dataplane;
import io.ftpalg.engine.pipeline.Engine;
import io.ftpalg.engine.pipeline.PacketPort;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.state.StateDir;
import io.ftpalg.engine.state.StateException;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.stats.Counters;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ftp-alg run --config FILE}: takes over the two interfaces named in the config and runs the gateway until
 * SIGINT/SIGTERM, then prints its counters. Refuses to start, with one line saying why, when an interface is
 * missing or down, or the process may not open raw sockets. Interface offloads (GRO/GSO/TSO, checksum offload)
 * may stay on: with {@code --offloads on} (the default) the AF_PACKET sockets use PACKET_VNET_HDR and take
 * super-frames and partial checksums as they are ({@link AfPacketPort}); {@code --offloads refuse} is the old
 * behaviour, refusing to start while any of them is on.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        version = io.ftpalg.cli.Main.VERSION,
        description = "Runs the gateway live on the two interfaces of the config (needs CAP_NET_RAW).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by SIGINT or SIGTERM (a clean stop)", "2:refused to start (the reason is printed)"})
public final class RunCommand implements Callable<Integer> {
    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "FILE",
            description = "gateway config; both port lines need 'interface <name>'")
    Path config;

    @Option(
            names = "--io",
            paramLabel = "KIND",
            description = "packet I/O: afpacket (default: kernel rings) or pcap (libpcap via pcap4j, portable, slower)")
    String io = "afpacket";

    @Option(
            names = "--rx-ring",
            paramLabel = "v2|v3",
            description = "afpacket receive ring: v2 (default: TPACKET_V2, every frame handed over at once, lowest"
                    + " latency) or v3 (TPACKET_V3 blocks, handed over when full or after --rx-block-timeout)")
    String rxRing = "v2";

    @Option(
            names = "--rx-block-timeout",
            paramLabel = "MS",
            description = "with --rx-ring v3: block retire timeout in ms, at least 1 (default 1)")
    int rxBlockTimeoutMs = 1;

    @Option(
            names = "--rx-holdoff",
            paramLabel = "US",
            description = "receive wake-up moderation in microseconds, 0 = off (default "
                    + DEFAULT_HOLDOFF_US
                    + "): when a receive ring runs dry less than US after its last wake-up, the receive thread"
                    + " waits out the rest before sleeping, so that under load frames are read in batches instead of"
                    + " one wake-up per frame; a frame after a quiet period is not delayed")
    int rxHoldoffUs = DEFAULT_HOLDOFF_US;

    static final int DEFAULT_HOLDOFF_US = 50;

    @Option(
            names = "--offloads",
            paramLabel = "on|refuse",
            description =
                    "interface offloads (GRO/GSO/TSO, tx checksumming): on (default: PACKET_VNET_HDR, super-frames"
                            + " forwarded whole and segmented by the kernel, partial checksums finished by it) or refuse"
                            + " (refuse to start while any is on; then every frame is a wire frame). --io pcap always refuses")
    String offloads = "on";

    @Option(names = "--quiet", description = "do not print events as they happen")
    boolean quiet;

    /** Control socket, events, metrics: {@link Operations}. */
    @Mixin
    OpsOptions ops = new OpsOptions();

    @Option(
            names = "--stats-file",
            paramLabel = "FILE",
            description = "write the counters to FILE every second ('label value' lines, replaced atomically)")
    Path statsFile;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description = "where flows, FTP sessions and expectations are kept across a restart, crash or kill"
                    + " (default " + DEFAULT_STATE_DIR + "; see README 'State across restarts')")
    Path stateDir = Path.of(DEFAULT_STATE_DIR);

    static final String DEFAULT_STATE_DIR = "/var/lib/ftp-alg";

    @Option(names = "--no-state", description = "keep nothing across restarts (no state directory)")
    boolean noState;

    @Option(
            names = "--state-reset",
            description = "when a state file is of another format version, was written for other table sizes or"
                    + " worker count, or is damaged: start with it empty (default: refuse to start and say why)")
    boolean stateReset;

    @Override
    public Integer call() {
        Config cfg;
        try {
            cfg = ConfigParser.parse(config);
        } catch (ConfigException e) {
            System.err.println("ftp-alg run: " + e.getMessage());
            return 2;
        }
        PortConfig[] pc = {cfg.inside(), cfg.outside()};
        InterfaceInfo[] info = new InterfaceInfo[2];
        for (int p = 0; p < 2; p++) {
            if (pc[p].interfaceName() == null) {
                return refuse("'port " + pc[p].name() + "' has no 'interface <name>' (live mode needs one per port)");
            }
            try {
                info[p] = InterfaceInfo.of(pc[p].interfaceName());
            } catch (PacketIoException e) {
                return refuse("interface " + pc[p].interfaceName() + " (port " + pc[p].name() + "): " + e.getMessage());
            }
            if (!info[p].isUp()) {
                return refuse("interface " + pc[p].interfaceName() + " is down (ip link set " + pc[p].interfaceName()
                        + " up)");
            }
            if (!"afpacket".equals(io) && !"pcap".equals(io)) {
                return refuse("--io must be afpacket or pcap, not " + io);
            }
            if (!"on".equals(offloads) && !"refuse".equals(offloads)) {
                return refuse("--offloads must be on or refuse, not " + offloads);
            }
            if (vnet()) {
                continue; // PACKET_VNET_HDR: any offload setting is fine
            }
            try {
                Offloads off = Offloads.check(pc[p].interfaceName());
                if (!off.safeForRawSockets()) {
                    return refuse(off.refusalMessage());
                }
            } catch (PacketIoException e) {
                return refuse("cannot read the offload settings of " + pc[p].interfaceName() + ": " + e.getMessage());
            }
        }
        PacketRxRing.Version rxVersion;
        try {
            rxVersion = PacketRxRing.Version.parse(rxRing);
        } catch (IllegalArgumentException e) {
            return refuse("--rx-ring must be v2 or v3, not " + rxRing);
        }
        if (rxBlockTimeoutMs < 1) {
            return refuse("--rx-block-timeout must be at least 1 ms, not " + rxBlockTimeoutMs);
        }
        if (rxHoldoffUs < 0 || rxHoldoffUs > 10_000) {
            return refuse("--rx-holdoff must be in [0, 10000] microseconds, not " + rxHoldoffUs);
        }
        cfg = withInterfaceMacs(cfg, info);
        PacketPort inside;
        PacketPort outside;
        try {
            inside = open(pc[0].interfaceName(), rxVersion);
        } catch (Exception e) {
            return refuse(message(e));
        }
        try {
            outside = open(pc[1].interfaceName(), rxVersion);
        } catch (Exception e) {
            inside.close();
            return refuse(message(e));
        }
        String ioDesc = "afpacket".equals(io)
                ? "afpacket I/O (RX "
                        + (rxVersion == PacketRxRing.Version.V2
                                ? "TPACKET_V2"
                                : "TPACKET_V3, block timeout " + rxBlockTimeoutMs + " ms")
                        + ", hold-off " + rxHoldoffUs + " us, TX TPACKET_V2, "
                        + (vnet() ? "offloads on: PACKET_VNET_HDR" : "offloads refused") + ")"
                : io + " I/O";
        System.out.println("ftp-alg run: " + cfg.mode().name().toLowerCase() + " mode, " + ioDesc + ", "
                + cfg.pipeline().workers() + " worker(s), ring "
                + cfg.pipeline().ringSize() + ", wait "
                + cfg.pipeline().waitStrategy());
        System.out.println("  inside  " + info[0]
                + (cfg.inside().mac() != null ? " mac " + cfg.inside().mac() : ""));
        System.out.println("  outside " + info[1]
                + (cfg.outside().mac() != null ? " mac " + cfg.outside().mac() : ""));
        System.out.print(cfg.describe().replaceAll("(?m)^", "  | "));
        System.out.println("  running; Ctrl-C (SIGINT) or SIGTERM stops and prints the counters");
        System.out.flush();

        Operations operations = new Operations(ops, quiet, System.out);
        String hostRefusal = operations.prepareHost(pc[0].interfaceName(), pc[1].interfaceName());
        if (hostRefusal != null) {
            inside.close();
            outside.close();
            return refuse(hostRefusal);
        }
        StateDir.Root state;
        Dataplane dp;
        try {
            state = noState ? null : StateDir.open(stateDir, cfg.pipeline().workers(), stateReset);
            dp = newDataplane(cfg, operations::sink, inside, outside, state);
        } catch (StateException e) {
            operations.close();
            inside.close();
            outside.close();
            return refuse(e.getMessage());
        }
        if (state != null) {
            for (int w = 0; w < dp.workers(); w++) {
                System.out.println("  state " + state.dir() + " worker " + w + ": "
                        + dp.engine(w).state().report + "; up "
                        + java.lang.management.ManagementFactory.getRuntimeMXBean()
                                .getUptime() + " ms after JVM start");
            }
            System.out.flush();
        }
        String opsRefusal = operations.start(dp, inside, outside);
        if (opsRefusal != null) {
            operations.close();
            dp.close();
            if (state != null) {
                state.close();
            }
            inside.close();
            outside.close();
            return refuse(opsRefusal);
        }
        Config localized = cfg;
        Reloader reloader = new Reloader(config, dp, localized, c -> withInterfaceMacs(c, info), System.out);
        installReload(reloader, operations);
        CountDownLatch stopRequested = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean stoppedOnce = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable stopAll = () -> {
            if (stoppedOnce.compareAndSet(false, true)) {
                dp.close();
                operations.close();
                if (state != null) {
                    state.close();
                }
                printCounters(dp, inside, outside);
                inside.close();
                outside.close();
            }
        };
        // SIGINT and SIGTERM are the normal way to stop: handled here (not by the JVM's default, which would exit
        // with 130/143), so that the gateway stops cleanly and exits 0 as documented. The shutdown hook covers any
        // other way out of the JVM.
        SignalStop.install(stopRequested::countDown);
        Runtime.getRuntime().addShutdownHook(new Thread(stopAll, "ftp-alg-shutdown"));
        dp.start();
        if (statsFile != null) {
            Thread stats = new Thread(() -> writeStatsForever(dp), "ftp-alg-stats");
            stats.setDaemon(true);
            stats.start();
        }
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopAll.run();
        return 0;
    }

    /**
     * The dataplane, its engines restored from the state directory (null: nothing persisted). Throws {@link
     * StateException} when a worker's files cannot be used (the engines opened so far are closed).
     */
    private static Dataplane newDataplane(
            Config cfg,
            java.util.function.IntFunction<EventSink> events,
            PacketPort inside,
            PacketPort outside,
            StateDir.Root state) {
        java.util.function.IntFunction<Engine> engines = state == null
                ? w -> new Engine(cfg, events.apply(w), Dataplane.SLOT_CAPACITY)
                : w -> new Engine(
                        cfg, events.apply(w), Dataplane.SLOT_CAPACITY, state.worker(w, System::currentTimeMillis));
        return new Dataplane(
                inside,
                outside,
                cfg.pipeline().workers(),
                cfg.pipeline().ringSize(),
                cfg.pipeline().waitStrategy(),
                () -> System.currentTimeMillis() * 1_000_000L,
                engines);
    }

    /**
     * SIGHUP reloads the config file (the JVM's default for SIGHUP is to stop, as it was before), and so does
     * {@code {"cmd":"reload"}} on the control socket ({@code ftp-alg reload}).
     */
    private static void installReload(Reloader reloader, Operations operations) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
                Thread t = new Thread(reloader::reload, "ftp-alg-reload");
                t.setDaemon(true);
                t.start();
            });
        } catch (IllegalArgumentException e) {
            System.out.println("  SIGHUP not available here: " + e.getMessage());
        }
        io.ftpalg.cli.control.ControlServer control = operations.control();
        if (control != null) {
            control.register("reload", (request, reply) -> {
                Reloader.Result r = reloader.reload();
                if (!r.applied()) {
                    throw new io.ftpalg.cli.control.ControlServer.ControlException(r.message());
                }
                reply.end().put("applied", true).put("dropped", r.dropped()).put("message", r.message());
            });
        }
    }

    private void writeStatsForever(Dataplane dp) {
        Path tmp = statsFile.resolveSibling(statsFile.getFileName() + ".tmp");
        while (true) {
            StringBuilder sb = new StringBuilder();
            Counters c = dp.counters();
            for (Counter k : Counter.values()) {
                sb.append(k.label).append(' ').append(c.get(k)).append('\n');
            }
            sb.append("drop-pipeline-ring-full ").append(dp.ringFullDrops()).append('\n');
            try {
                java.nio.file.Files.writeString(tmp, sb);
                java.nio.file.Files.move(
                        tmp,
                        statsFile,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                Thread.sleep(1000);
            } catch (java.io.IOException e) {
                System.err.println("ftp-alg run: cannot write " + statsFile + ": " + e.getMessage());
                return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private PacketPort open(String ifname, PacketRxRing.Version rxVersion) throws Exception {
        return "pcap".equals(io)
                ? new PcapPort(ifname)
                : new AfPacketPort(ifname, rxVersion, rxBlockTimeoutMs, rxHoldoffUs, vnet());
    }

    /** PACKET_VNET_HDR on the AF_PACKET ports: {@code --offloads on} with {@code --io afpacket}. */
    private boolean vnet() {
        return "on".equals(offloads) && "afpacket".equals(io);
    }

    /** Router mode needs each port's MAC: the interface's own, unless the config names one. */
    private static Config withInterfaceMacs(Config c, InterfaceInfo[] info) {
        if (c.mode() != Mode.ROUTER) {
            return c;
        }
        PortConfig in = c.inside().mac() != null ? c.inside() : withMac(c.inside(), info[0]);
        PortConfig out = c.outside().mac() != null ? c.outside() : withMac(c.outside(), info[1]);
        return new Config(
                c.mode(),
                in,
                out,
                c.snat(),
                c.dnat(),
                c.statics(),
                c.inboundAllow(),
                c.outboundAllow(),
                c.ftp(),
                c.timeouts(),
                c.limits(),
                c.pipeline(),
                c.routes(),
                c.inboundPorts(),
                c.outboundPorts());
    }

    private static PortConfig withMac(PortConfig p, InterfaceInfo i) {
        return new PortConfig(p.name(), MacAddress.parse(i.macString()), p.matches(), p.interfaceName(), p.addresses());
    }

    private static void printCounters(Dataplane dp, PacketPort inside, PacketPort outside) {
        Counters c = dp.counters();
        System.out.println("ftp-alg run: stopped. Counters:");
        for (Counter k : Counter.values()) {
            if (c.get(k) != 0) {
                System.out.printf("  %-36s %d%n", k.label, c.get(k));
            }
        }
        System.out.printf("  %-36s %d%n", "pipeline-transmitted", dp.transmitted());
        System.out.printf("  %-36s %d%n", "drop-pipeline-ring-full", dp.ringFullDrops());
        System.out.printf("  %-36s %d%n", "drop-pipeline-oversize", dp.oversizeDrops());
        io.ftpalg.engine.pipeline.OffloadTransmit o = dp.offloadTransmit();
        System.out.printf("  %-36s %d%n", "offload-super-frames-whole", o.superFramesWhole());
        System.out.printf(
                "  %-36s %d (%d segments)%n", "offload-super-frames-cut", o.superFramesCut(), o.segmentsCut());
        System.out.printf("  %-36s %d%n", "offload-gso-resized", o.gsoResized());
        System.out.printf("  %-36s %d%n", "drop-offload-unsupported", o.unsupported());
        System.out.printf("  %-36s %d%n", "drop-port-" + inside.name(), inside.drops());
        System.out.printf("  %-36s %d%n", "drop-port-" + outside.name(), outside.drops());
        for (PacketPort p : new PacketPort[] {inside, outside}) {
            if (p instanceof AfPacketPort a && a.truncated() > 0) {
                System.out.printf("  %-36s %d%n", "drop-port-" + p.name() + "-truncated", a.truncated());
            }
        }
        System.out.flush();
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static int refuse(String why) {
        System.err.println("ftp-alg run: refusing to start: " + why);
        return 2;
    }
}
