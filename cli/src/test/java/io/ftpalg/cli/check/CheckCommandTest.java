package io.ftpalg.cli.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ftp-alg check}: exit 0 for a usable config, 2 with FILE:LINE lines for every error. */
class CheckCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    Run check(String config) throws Exception {
        Path f = dir.resolve("gw.conf");
        Files.writeString(f, config);
        CheckCommand c = new CheckCommand();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        c.out = new PrintStream(o, true, StandardCharsets.UTF_8);
        c.err = new PrintStream(e, true, StandardCharsets.UTF_8);
        int code = new CommandLine(c).execute("--config", f.toString());
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    static final String GOOD = """
            mode router
            port inside  interface eth1 address 192.0.2.1/24
            port outside interface eth2 address 198.51.100.1/24
            route 0.0.0.0/0 via 198.51.100.254
            snat from 192.0.2.0/24 to 203.0.113.1
            """;

    @Test
    void goodConfigIsOk() throws Exception {
        Run r = check(GOOD);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("configuration OK (router mode, 1 worker(s))"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void syntaxErrorsNameFileAndLine() throws Exception {
        Run r = check(GOOD + "snat from 192.0.2.0/24 too 203.0.113.1\n");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("ftp-alg check: " + dir.resolve("gw.conf") + ":6: "), r.err());
    }

    @Test
    void routeWithUnreachableNextHopAndSharedInterface() throws Exception {
        Run r = check("""
                mode router
                port inside  interface eth1 address 192.0.2.1/24
                port outside interface eth1 address 198.51.100.1/24
                # upstream
                route 0.0.0.0/0 via 198.51.100.254
                route 2001:db8:9::/48 via 2001:db8:5::1
                """);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("gw.conf:3: both ports are on interface eth1"), r.err());
        assertTrue(
                r.err()
                        .contains("gw.conf:6: route 2001:db8:9::/48 via 2001:db8:5::1: the next hop is on no"
                                + " connected network"),
                r.err());
        assertTrue(!r.err().contains("198.51.100.254"), "an on-link next hop is fine: " + r.err());
        assertTrue(r.err().contains(": 2 error(s)"), r.err());
    }

    @Test
    void missingFile() {
        CheckCommand c = new CheckCommand();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        c.err = new PrintStream(e, true, StandardCharsets.UTF_8);
        int code =
                new CommandLine(c).execute("--config", dir.resolve("nope.conf").toString());
        assertEquals(2, code);
        assertTrue(e.toString(StandardCharsets.UTF_8).contains("nope.conf: no such file"), e.toString());
    }
}
