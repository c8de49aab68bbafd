package io.ftpalg.cli.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ftpalg.cli.events.EventHub;
import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.pipeline.Dataplane;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.testing.FtpDriver;
import io.ftpalg.engine.testing.MemoryPort;
import io.ftpalg.engine.testing.SimNet;
import io.ftpalg.engine.testing.Wire;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The control socket and {@code ftp-alg conntrack} against a running Dataplane (two workers, memory ports) that
 * forwarded a real FTP login and PORT negotiation made by the engine test kit's simulated hosts.
 */
public class ControlSocketTest {
    public static final String CONFIG = """
            mode router
            port inside mac 02:00:00:00:00:01
            port outside mac 02:00:00:00:00:02
            snat from 192.0.2.0/24 to 203.0.113.1
            pipeline workers 2
            """;

    @TempDir
    Path dir;

    Path socket;
    Config config;
    MemoryPort inside = new MemoryPort("inside");
    MemoryPort outside = new MemoryPort("outside");
    EventHub hub = new EventHub();
    Dataplane dp;
    ControlServer server;
    long[] clock = {0};

    @BeforeEach
    void start() throws Exception {
        config = ConfigParser.parse(CONFIG, "test");
        socket = dir.resolve("sub/control.sock");
        dp = new Dataplane(config, hub::sink, inside, outside, 2, 1024, "blocking", () -> clock[0]);
        hub.start();
        server = new ControlServer(socket);
        new Conntrack(dp, hub).register(server);
        server.start();
        dp.start();
    }

    @AfterEach
    void stop() {
        server.close();
        dp.close();
        hub.close();
    }

    /** Frames of one FTP login from 192.0.2.10:40000 to 198.51.100.20:21 and a PORT (one expectation). */
    public static List<SimNet.Frame> loginAndPort() throws Exception {
        try (SimNet net = new SimNet(ConfigParser.parse(CONFIG, "test"))) {
            FtpDriver f = new FtpDriver(
                    net,
                    net.host("c", "192.0.2.10", PacketSlot.PORT_INSIDE),
                    net.host("s", "198.51.100.20", PacketSlot.PORT_OUTSIDE));
            f.login(40000, "198.51.100.20", 21);
            f.command("PORT " + Wire.portArgs("192.0.2.10", 50000) + "\r\n");
            return new ArrayList<>(net.inputs);
        }
    }

    void feed(List<SimNet.Frame> frames) {
        for (SimNet.Frame f : frames) {
            clock[0] = f.timeNanos();
            (f.port() == PacketSlot.PORT_INSIDE ? inside : outside).inject(f.bytes());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!(inside.drained() && outside.drained()) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
    }

    record Run(int exit, String out, String err) {}

    Run conntrack(String... args) {
        ConntrackCommand cmd = new ConntrackCommand();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        cmd.out = new PrintStream(o, true, StandardCharsets.UTF_8);
        cmd.err = new PrintStream(e, true, StandardCharsets.UTF_8);
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--socket");
        a.add(socket.toString());
        int rc = new CommandLine(cmd).execute(a.toArray(String[]::new));
        return new Run(rc, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** Waits (bounded) until -C says n flows: frames are processed asynchronously. */
    void awaitFlows(int n) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (conntrack("-C").out().trim().equals(String.valueOf(n))) {
                return;
            }
            Thread.sleep(20);
        }
        assertEquals(String.valueOf(n), conntrack("-C").out().trim());
    }

    @Test
    void socketIsRootOnly() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
    }

    @Test
    void listsFlowsAndExpectationsLikeConntrack() throws Exception {
        feed(loginAndPort());
        awaitFlows(1);
        Run l = conntrack("-L");
        assertEquals(0, l.exit(), l.err());
        String line = l.out().trim();
        assertTrue(line.startsWith("tcp      6 "), line);
        assertTrue(
                line.contains(" ESTABLISHED src=192.0.2.10 dst=198.51.100.20 sport=40000 dport=21"
                        + " src=198.51.100.20 dst=203.0.113.1 sport=21 dport=40000 [ASSURED] [FTP-CONTROL]"),
                line);
        assertTrue(l.err().contains("1 flow entries have been shown."), l.err());

        Run filtered = conntrack("-L", "--dport", "80");
        assertEquals("", filtered.out());
        assertEquals(
                1,
                conntrack("-L", "-s", "192.0.2.10", "-p", "tcp").out().lines().count());

        Run e = conntrack("-L", "expect");
        assertEquals(0, e.exit(), e.err());
        String x = e.out().trim();
        assertTrue(
                x.contains("proto=6 src=198.51.100.20 dst=203.0.113.1 sport=0 dport=50000 nat-dst=192.0.2.10"
                        + " nat-dport=50000"),
                x);
        assertTrue(x.contains("master-src=192.0.2.10 master-dst=198.51.100.20 sport=40000 dport=21"), x);

        JsonNode flow =
                ControlServer.JSON.readTree(conntrack("-L", "-o", "json").out());
        JsonNode exp = ControlServer.JSON.readTree(
                conntrack("-L", "expect", "-o", "json").out());
        assertEquals(flow.get("id").asLong(), exp.get("master").asLong(), "expectation names its control flow");
        assertEquals("control", flow.get("ftp").asText());
        assertTrue(flow.get("timeout").asLong() > 0);

        Run s = conntrack("-S");
        assertTrue(s.out().contains("worker=0 "), s.out());
        assertTrue(s.out().contains("worker=1 "), s.out());
        assertTrue(s.out().contains("expect-created=1"), s.out());
        assertTrue(s.out().contains("pipeline "), s.out());
    }

    @Test
    void deleteAndFlush() throws Exception {
        feed(loginAndPort());
        awaitFlows(1);
        Run f = conntrack("-F", "expect");
        assertEquals(0, f.exit(), f.err());
        assertTrue(f.err().contains("1 removed"), f.err());
        assertEquals("", conntrack("-L", "expect").out());
        assertTrue(conntrack("-D", "--dport", "80").err().contains("0 flow entries have been deleted."));
        Run d = conntrack("-D", "--dport", "21");
        assertTrue(d.err().contains("1 flow entries have been deleted."), d.err());
        assertEquals("0", conntrack("-C").out().trim());
    }

    @Test
    void eventStreamShowsNewFlowExpectationAndRewrite() throws Exception {
        List<JsonNode> got = new ArrayList<>();
        try (ControlClient c = new ControlClient(socket)) {
            c.send(ControlServer.JSON.createObjectNode().put("cmd", "events"));
            assertTrue(c.next().has("subscribed"));
            feed(loginAndPort());
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline) {
                JsonNode n = c.next();
                if (n.has("heartbeat")) {
                    continue;
                }
                got.add(n);
                if ("ftp_rewrite".equals(n.path("event_type").asText())) {
                    break;
                }
            }
        }
        List<String> types =
                got.stream().map(n -> n.path("event_type").asText()).toList();
        assertTrue(
                types.contains("flow") && types.contains("expectation") && types.contains("ftp_rewrite"), "" + types);
        JsonNode newFlow = got.get(types.indexOf("flow"));
        assertEquals("new", newFlow.at("/flow/action").asText());
        assertEquals("192.0.2.10", newFlow.get("src_ip").asText());
        assertEquals(21, newFlow.get("dest_port").asInt());
        assertEquals("203.0.113.1", newFlow.at("/nat/dest_ip").asText());
        JsonNode rw = got.get(types.indexOf("ftp_rewrite"));
        assertEquals("PORT 192,0,2,10,195,80", rw.at("/ftp/before").asText());
        assertEquals("PORT 203,0,113,1,195,80", rw.at("/ftp/after").asText());
        assertEquals(newFlow.get("flow_id").asLong(), rw.get("flow_id").asLong());
        assertTrue(rw.get("timestamp")
                .asText()
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}[+-]\\d\\d:\\d\\d"));
        JsonNode ex = got.get(types.indexOf("expectation"));
        assertEquals("created", ex.at("/expectation/action").asText());
        assertEquals(50000, ex.at("/expectation/dest_port").asInt());
        assertEquals("192.0.2.10", ex.at("/expectation/nat_dest_ip").asText());
    }

    @Test
    void errorsAreOneLineAndExitOne() throws Exception {
        Run bad = conntrack("-L", "-s", "not-an-address");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().startsWith("ftp-alg conntrack: src: not an IP address"), bad.err());
        server.close();
        Run gone = conntrack("-L");
        assertEquals(1, gone.exit());
        assertTrue(gone.err().contains("cannot talk to a gateway on"), gone.err());
    }
}
