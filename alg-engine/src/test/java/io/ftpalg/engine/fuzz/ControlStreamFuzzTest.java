package io.ftpalg.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.pipeline.Engine;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.Frames;
import io.ftpalg.engine.testing.FtpDriver;
import io.ftpalg.engine.testing.SimNet;
import io.ftpalg.engine.testing.SimNet.Conn;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An FTP control connection through source NAT (client 192.0.2.10 inside, server 198.51.100.20 outside, NAT
 * address 203.0.113.1), past its greeting, then driven by the fuzzer: either side sends bytes (arbitrary, or pieced
 * together from FTP lines and fragments, TLS records), split into segments where the fuzzer says, retransmits
 * earlier ranges with the same or different bytes, loses a segment, closes; time advances.
 *
 * <p>Invariants, checked after every step:
 *
 * <ul>
 *   <li>nothing throws;
 *   <li>every live expectation (pinhole) is for the control peer of the side that announced it, to that side as
 *       the peer knows it: {@code tcp 198.51.100.20 -> 203.0.113.1:P} (the client's PORT/EPRT: only the server may
 *       connect, only to the NAT address) or {@code tcp 192.0.2.10 -> 198.51.100.20:P} (the server's 227/229: only
 *       the client may connect, only to the server), with {@code P >= 1024} (ftp min-data-port). Never a third
 *       address (FTP bounce), never a low port, whatever the bytes, splits and retransmissions;
 *   <li>at most {@code ftp max-expect-per-session} live expectations (only this session is alive);
 *   <li>the endpoints never get a bad checksum, an ack for data their peer never sent, or a segment for no
 *       connection;
 *   <li>the receiving endpoint sees a sequence gap only if a segment was really missing: the harness lost one, or
 *       the engine dropped one (a drop counter moved). Drops are allowed here because the fuzzer can make the
 *       endpoints themselves inconsistent (retransmitting different bytes over a rewritten span must be dropped,
 *       not forwarded; SimNet has no retransmission timer to repair a drop), and the engine then rightly refuses
 *       to forward. Without any loss or drop, a gap can only come from a wrong sequence shift, and fails the test.
 *       (Overlaps are not flagged by the endpoints, so they are not checked here.)
 * </ul>
 *
 * One engine serves the whole run. Each input starts a fresh control connection after moving the clock past every
 * timeout and expiring everything, so inputs do not see each other's flows, sessions or expectations.
 */
class ControlStreamFuzzTest {
    static final String CONFIG = """
            mode router
            port inside mac 02:00:00:00:00:01
            port outside mac 02:00:00:00:00:02
            snat from 192.0.2.0/24 to 203.0.113.1
            flows max 1024
            ftp sessions 16
            ftp max-expect 64
            timeout tcp-established 2m
            """;

    static final String CLIENT = "192.0.2.10";
    static final String SERVER = "198.51.100.20";
    static final String NAT = "203.0.113.1";
    static final int MAX_PER_SESSION = 4; // the default ftp max-expect-per-session
    static final int MIN_DATA_PORT = 1024;
    static final int MAX_STEPS = 40;
    /** Past every timeout of {@link #CONFIG} (the longest is ftp expect-timeout, 5 minutes). */
    static final long EPOCH_NANOS = 10L * 60 * 1_000_000_000L;

    /** {@code -Dfuzz.trace=true} prints each step (to read a reproducer). */
    static final boolean TRACE = Boolean.getBoolean("fuzz.trace");

    static final Pattern LIVE = Pattern.compile("tcp (\\S+) -> (\\S+):(\\d+)");

    static final String[] CLIENT_WORDS = {
        "PORT 192,0,2,10,195,80\r\n",
        "PORT 192,0,2,10,",
        "PORT ",
        "PORT 198,51,100,99,0,21\r\n",
        "PORT 192,0,2,10,0,21\r\n",
        "port 192,0,2,10,4,1\n",
        "EPRT |1|192.0.2.10|50000|\r\n",
        "EPRT |1|",
        "EPRT |2|2001:db8::1|50000|\r\n",
        "PASV\r\n",
        "EPSV\r\n",
        "AUTH TLS\r\n",
        "CCC\r\n",
        "USER x\r\n",
        "NOOP\r\n",
        "\r\n",
        "\n",
        "\r",
        ",",
        "|",
        "1",
        "255",
        "195,80",
        "\u00ff\u00f4\u00ff\u00f2",
        "GET / HTTP/1.1\r\n",
    };

    static final String[] SERVER_WORDS = {
        "227 Entering Passive Mode (198,51,100,20,195,80).\r\n",
        "227 (",
        "227 Entering Passive Mode (192,0,2,10,4,0)\r\n",
        "227 (203,0,113,1,195,81)\r\n",
        "229 Entering Extended Passive Mode (|||50000|)\r\n",
        "229 (|||",
        "234 AUTH TLS OK.\r\n",
        "200 OK\r\n",
        "200 PORT command successful.\r\n",
        "230-",
        "230 ",
        "215 UNIX Type: L8\r\n",
        "500 no\r\n",
        "\r\n",
        "\n",
        ",",
        "|",
        "1",
        "50000",
    };

    /** TLS records: a handshake record header, an alert (close_notify) and application data. */
    static final byte[][] TLS = {
        {0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5},
        {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00},
        {0x17, 0x03, 0x03, 0x00, 0x03, 'a', 'b', 'c'},
        {0x16, 0x03},
    };

    private static Engine engine;
    private static long clockNanos = 1_700_000_000_000_000_000L;

    private static synchronized Engine engine() throws Exception {
        if (engine == null) {
            engine = new Engine(ConfigParser.parse(CONFIG, "fuzz-control"), EventSink.NONE, Frames.SLOT_CAPACITY);
        }
        return engine;
    }

    /** One direction of the control connection, with everything its sender sent since login. */
    private static final class Side {
        final Conn conn;
        final boolean client;
        final long base;
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();

        Side(Conn conn, boolean client) {
            this.conn = conn;
            this.client = client;
            this.base = conn.sndNxt();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void controlStream(FuzzedDataProvider data) throws Exception {
        Engine e = engine();
        clockNanos += EPOCH_NANOS;
        e.expireAll(clockNanos / 1_000_000L);
        assertEquals(List.of(), e.expectations().describeLive(), "state left over from an earlier input");

        SimNet net = new SimNet(e); // shares the engine: not closed here
        net.setClock(clockNanos);
        if (TRACE) {
            System.out.println("=== input of " + data.remainingBytes() + " bytes");
        }
        FtpDriver f = new FtpDriver(
                net,
                net.host("client", CLIENT, PacketSlot.PORT_INSIDE),
                net.host("server", SERVER, PacketSlot.PORT_OUTSIDE));
        // Greeting only, no USER/PASS: the ALG reads every line alike, and half the segments per input make the
        // target twice as fast.
        f.server.listen(21);
        f.c = f.client.connect(40000, SERVER, 21);
        f.s = f.server.lastAccepted(21);
        f.reply("220 (vsFTPd 3.0.3)\r\n");
        assertEquals(List.of(), net.errors, "greeting");
        Side client = new Side(f.c, true);
        Side server = new Side(f.s, false);
        boolean lost = false;
        long dropsAtStart = drops(e);
        created = e.counters().get(Counter.EXPECT_CREATED);
        try {
            for (int step = 0; step < MAX_STEPS && data.remainingBytes() > 0; step++) {
                int errorsBefore = net.errors.size();
                if (TRACE) {
                    System.out.println("counters: rewrites " + e.counters().get(Counter.FTP_REWRITES) + " held "
                            + e.counters().get(Counter.FTP_LINES_HELD) + " not-ftp "
                            + e.counters().get(Counter.FTP_NOT_FTP) + "; live "
                            + e.expectations().describeLive()
                            + "; errors " + net.errors);
                }
                int op = data.consumeInt(0, 9);
                Side side = (op & 1) == 0 ? client : server;
                switch (op) {
                    case 0, 1, 2, 3 -> send(data, side);
                    case 4, 5 -> retransmit(data, side);
                    case 6 -> {
                        net.loseNext();
                        lost = true;
                        trace(client, "next segment lost", new byte[0]);
                        send(data, data.consumeBoolean() ? client : server);
                    }
                    case 7 -> {
                        int ms = data.consumeInt(0, 15_000);
                        trace(side, "waits " + ms + " ms", new byte[0]);
                        net.advanceMillis(ms);
                    }
                    case 8 -> {
                        trace(side, "closes", new byte[0]);
                        side.conn.close();
                    }
                    default -> {
                        // Nothing sent: a later segment of the other side may still carry acks.
                    }
                }
                if (TRACE) {
                    System.out.println("  -> last drop " + e.lastDrop() + ", client sndNxt " + client.conn.sndNxt()
                            + ", server rcvNxt " + server.conn.rcvNxt() + ", errors " + net.errors);
                }
                check(e, net, errorsBefore, lost || drops(e) != dropsAtStart);
            }
        } finally {
            clockNanos = Math.max(clockNanos, net.clock());
        }
    }

    private static void send(FuzzedDataProvider data, Side side) {
        byte[] bytes = bytes(data, side.client);
        if (bytes.length == 0 || !side.conn.canSend()) {
            return; // after its FIN an end sends nothing new (its retransmissions and injections still go)
        }
        side.sent.writeBytes(bytes);
        trace(side, "sends", bytes);
        // Split into up to 4 segments at fuzzer-chosen points.
        int pieces = data.consumeInt(1, 4);
        int off = 0;
        for (int i = 0; i < pieces && off < bytes.length && side.conn.canSend(); i++) {
            int n = i == pieces - 1 ? bytes.length - off : data.consumeInt(1, bytes.length - off);
            side.conn.sendPieces(new String(bytes, off, n, StandardCharsets.ISO_8859_1));
            off += n;
        }
    }

    /** Some bytes for one side: a concatenation of dictionary words and TLS records, or arbitrary bytes. */
    private static byte[] bytes(FuzzedDataProvider data, boolean client) {
        if (data.consumeBoolean()) {
            return data.consumeBytes(data.consumeInt(1, 300));
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int words = data.consumeInt(1, 6);
        String[] dict = client ? CLIENT_WORDS : SERVER_WORDS;
        for (int i = 0; i < words; i++) {
            int w = data.consumeInt(0, dict.length + TLS.length - 1);
            b.writeBytes(w < dict.length ? dict[w].getBytes(StandardCharsets.ISO_8859_1) : TLS[w - dict.length]);
        }
        return b.toByteArray();
    }

    /** Resends a range of what this side sent, as it was or with some bytes changed. */
    private static void retransmit(FuzzedDataProvider data, Side side) {
        byte[] all = side.sent.toByteArray();
        if (all.length == 0) {
            return;
        }
        int from = data.consumeInt(0, all.length - 1);
        int n = data.consumeInt(1, Math.min(1400, all.length - from));
        byte[] seg = java.util.Arrays.copyOfRange(all, from, from + n);
        int changes = data.consumeInt(0, 3);
        for (int i = 0; i < changes; i++) {
            seg[data.consumeInt(0, n - 1)] = data.consumeByte();
        }
        trace(side, "retransmits from " + from, seg);
        side.conn.retransmit((side.base + from) & 0xFFFF_FFFFL, new String(seg, StandardCharsets.ISO_8859_1));
    }

    private static void trace(Side side, String what, byte[] b) {
        if (TRACE) {
            StringBuilder sb = new StringBuilder();
            for (byte x : b) {
                int c = x & 0xFF;
                sb.append(c >= 32 && c < 127 ? String.valueOf((char) c) : String.format("\\x%02x", c));
            }
            System.out.println((side.client ? "client " : "server ") + what + " \"" + sb + "\"");
        }
    }

    private static final Counter[] DROPS =
            java.util.Arrays.stream(Counter.values()).filter(Counter::isDrop).toArray(Counter[]::new);

    /** Expectations created as of the last check: the table is only read again when one was made. */
    private static long created;

    private static long drops(Engine e) {
        long n = 0;
        for (Counter c : DROPS) {
            n += e.counters().get(c);
        }
        return n;
    }

    private static void check(Engine e, SimNet net, int errorsBefore, boolean segmentMissing) {
        long nowCreated = e.counters().get(Counter.EXPECT_CREATED);
        if (nowCreated != created) {
            created = nowCreated;
            checkPinholes(e);
        }
        for (String err : net.errors.subList(errorsBefore, net.errors.size())) {
            boolean gap = err.contains("(gap of ");
            if (!gap || !segmentMissing) {
                fail("endpoint error " + err + " (segment missing: " + segmentMissing + "; all: " + net.errors + ")");
            }
        }
    }

    private static void checkPinholes(Engine e) {
        List<String> live = e.expectations().describeLive();
        assertTrue(live.size() <= MAX_PER_SESSION, "more than " + MAX_PER_SESSION + " expectations: " + live);
        for (String x : live) {
            Matcher m = LIVE.matcher(x);
            if (!m.matches()) {
                fail("unexpected expectation format: " + x);
            }
            String peer = m.group(1);
            String dst = m.group(2);
            int port = Integer.parseInt(m.group(3));
            boolean fromServer = peer.equals(SERVER) && dst.equals(NAT);
            boolean fromClient = peer.equals(CLIENT) && dst.equals(SERVER);
            assertTrue(fromServer || fromClient, "pinhole for a third party: " + x + " (all: " + live + ")");
            assertTrue(port >= MIN_DATA_PORT, "pinhole to a low port: " + x);
        }
    }
}
