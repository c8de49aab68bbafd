package io.ftpalg.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.pipeline.Engine;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.Frames;
import io.ftpalg.engine.testing.SimNet;
import io.ftpalg.engine.testing.SimNet.Conn;
import io.ftpalg.engine.testing.SimNet.Host;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Several FTP control connections at once, through source NAT (two inside clients to one outside server) and
 * destination NAT (an outside client to an inside server published at 203.0.113.1:21), both sides of each driven
 * by the fuzzer: FTP lines, fragments and multi-line reply blocks, split where it says; segments no stack
 * delivers (data on a RST, data without ACK, a SYN again, a blind RST); retransmissions with the same or changed
 * bytes; loss; time; FIN and RST.
 *
 * <p>The input is a small script, one op at a time: {@code [op][arguments]}; the op byte's low 4 bits pick the
 * action, bits 4-5 the connection, bit 6 the side (see {@link #step}). A plain byte script, not a
 * FuzzedDataProvider, so that seeds are easy to write by hand and every byte mutates one decision.
 *
 * <p>The pinhole invariant, checked whenever an expectation was created: every live expectation
 *
 * <ul>
 *   <li>is for the control peer of the side that announced it, to that side as the peer knows it (never a third
 *       address: FTP bounce), on a port of at least 1024;
 *   <li>names a port that a <em>complete</em> PORT/EPRT command or a <em>complete</em> 227/229 reply, as framed by
 *       an independent reference reading of RFC 959 (lines end at LF; a multi-line reply's inner lines are text),
 *       actually delivered to the receiving application of that very connection, named. Bytes on a RST, on a
 *       segment without ACK, after an accepted RST, inside a multi-line reply, or in a segment the gateway dropped
 *       were never delivered as such, so nothing in them may open anything.
 * </ul>
 *
 * Also: nothing throws; endpoints never see a bad checksum, an ack beyond what their peer sent, or a sequence gap
 * without a segment really missing (the harness lost one, or the engine dropped one). One engine serves the run;
 * each input starts after every timeout has passed and everything was expired.
 */
class SessionsFuzzTest {
    static final String CONFIG = """
            mode router
            port inside mac 02:00:00:00:00:01
            port outside mac 02:00:00:00:00:02
            snat from 192.0.2.0/24 to 203.0.113.1
            dnat to 203.0.113.1 port 21 -> 192.0.2.20
            flows max 1024
            ftp sessions 16
            ftp max-expect 64
            timeout tcp-established 2m
            """;

    static final String NAT = "203.0.113.1";
    static final String OUT_SERVER = "198.51.100.20";
    static final String OUT_CLIENT = "198.51.100.10";
    static final String IN_SERVER = "192.0.2.20";
    static final String[] IN_CLIENTS = {"192.0.2.10", "192.0.2.11"};
    static final int MIN_DATA_PORT = 1024;
    static final int MAX_STEPS = 48;
    static final long EPOCH_NANOS = 10L * 60 * 1_000_000_000L;

    static final Pattern LIVE = Pattern.compile("tcp (\\S+) -> (\\S+):(\\d+)");

    static final String[] CLIENT_WORDS = {
        "PORT 192,0,2,10,195,80\r\n",
        "PORT 192,0,2,11,195,81\r\n",
        "PORT 198,51,100,10,195,82\r\n",
        "PORT 192,0,2,99,195,83\r\n",
        "PORT 192,0,2,10,0,21\r\n",
        "PORT ",
        "EPRT |1|192.0.2.10|50004|\r\n",
        "EPRT |1|198.51.100.10|50005|\r\n",
        "EPRT |1|",
        "PASV\r\n",
        "EPSV\r\n",
        "STAT\r\n",
        "AUTH TLS\r\n",
        "NOOP\r\n",
        "\r\n",
        "\n",
        ",",
        "|",
        "195,80",
        "\u00ff\u00f4\u00ff\u00f2",
    };

    static final String[] SERVER_WORDS = {
        "227 Entering Passive Mode (198,51,100,20,117,48).\r\n",
        "227 Entering Passive Mode (192,0,2,20,117,49).\r\n",
        "227 Entering Passive Mode (203,0,113,1,117,50)\r\n",
        "227 Entering Passive Mode (192,0,2,99,117,51)\r\n",
        "227 (",
        "229 Entering Extended Passive Mode (|||30004|)\r\n",
        "229 Entering Extended Passive Mode (|||30005|x)\r\n",
        "229 (|||",
        "234 AUTH TLS OK.\r\n",
        "200 OK\r\n",
        "211-",
        "211 ",
        "211 End\r\n",
        "250-",
        "250 ",
        "550-",
        "\r\n",
        "\n",
        ",",
        "30006",
    };

    /** Multi-line reply codes the block op uses. */
    static final String[] BLOCK_CODES = {"211", "214", "250", "257", "550", "227", "229"};

    private static Engine engine;
    private static long clockNanos = 1_700_000_000_000_000_000L;
    private static final Counter[] DROPS =
            java.util.Arrays.stream(Counter.values()).filter(Counter::isDrop).toArray(Counter[]::new);

    private static synchronized Engine engine() throws Exception {
        if (engine == null) {
            engine = new Engine(ConfigParser.parse(CONFIG, "fuzz-sessions"), EventSink.NONE, Frames.SLOT_CAPACITY);
        }
        return engine;
    }

    /** One control connection: its two ends, the addresses its expectations may name, what each end sent. */
    private static final class Session {
        final Conn client;
        final Conn server;
        /** Allowed "peer -> dest" of an active-mode pinhole (the server connects back) and a passive one. */
        final String active;

        final String passive;
        final ByteArrayOutputStream clientSent = new ByteArrayOutputStream();
        final ByteArrayOutputStream serverSent = new ByteArrayOutputStream();
        final long clientBase;
        final long serverBase;

        Session(Conn client, Conn server, String active, String passive) {
            this.client = client;
            this.server = server;
            this.active = active;
            this.passive = passive;
            this.clientBase = client.sndNxt();
            this.serverBase = server.sndNxt();
        }
    }

    /** Reads the script. */
    private static final class Script {
        final byte[] b;
        int p;

        Script(byte[] b) {
            this.b = b;
        }

        boolean more() {
            return p < b.length;
        }

        int u8() {
            return p < b.length ? b[p++] & 0xFF : 0;
        }

        int upTo(int n) {
            return n <= 0 ? 0 : u8() % (n + 1);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void sessions(byte[] input) throws Exception {
        Engine e = engine();
        clockNanos += EPOCH_NANOS;
        e.expireAll(clockNanos / 1_000_000L);
        assertEquals(0, e.expectations().size(), "state left over from an earlier input");

        SimNet net = new SimNet(e); // shares the engine: not closed here
        net.setClock(clockNanos);
        Host outServer = net.host("out-server", OUT_SERVER, PacketSlot.PORT_OUTSIDE);
        Host inServer = net.host("in-server", IN_SERVER, PacketSlot.PORT_INSIDE);
        Host outClient = net.host("out-client", OUT_CLIENT, PacketSlot.PORT_OUTSIDE);
        outServer.listen(21);
        inServer.listen(21);
        Session[] sessions = new Session[3];
        for (int k = 0; k < 2; k++) {
            Host c = net.host("in-client-" + k, IN_CLIENTS[k], PacketSlot.PORT_INSIDE);
            Conn cc = c.connect(40_000 + k, OUT_SERVER, 21);
            sessions[k] = new Session(
                    cc, outServer.lastAccepted(21), OUT_SERVER + " -> " + NAT, IN_CLIENTS[k] + " -> " + OUT_SERVER);
        }
        Conn dc = outClient.connect(40_010, NAT, 21);
        sessions[2] =
                new Session(dc, inServer.lastAccepted(21), IN_SERVER + " -> " + OUT_CLIENT, OUT_CLIENT + " -> " + NAT);
        for (Session s : sessions) {
            s.server.send("220 ready\r\n");
        }
        assertEquals(List.of(), net.errors, "start");
        for (Session s : sessions) {
            s.client.take();
        }

        Script in = new Script(input);
        boolean missing = false;
        long dropsAtStart = drops(e);
        long created = e.counters().get(Counter.EXPECT_CREATED);
        try {
            for (int step = 0; step < MAX_STEPS && in.more(); step++) {
                int errorsBefore = net.errors.size();
                int op = in.u8();
                Session s = sessions[((op >>> 4) & 3) % 3];
                boolean server = (op & 0x40) != 0;
                Conn conn = server ? s.server : s.client;
                ByteArrayOutputStream sent = server ? s.serverSent : s.clientSent;
                switch (op & 0x0F) {
                    case 0, 1 -> send(in, conn, sent, words(in, server), true);
                    case 2 -> send(in, conn, sent, raw(in), true);
                    case 3 -> send(in, conn, sent, server ? block(in) : words(in, false), true);
                    case 4 -> conn.resetWith(text(words(in, server))); // its own stack is closed after it
                    case 5 -> conn.sendRaw(TcpHeader.PSH, conn.sndNxt(), 0, text(words(in, server)));
                    case 6 -> {
                        // A late SYN on a live connection. After a RST the tuple is free: a SYN there opens a new
                        // connection (the gateway makes a new flow, as Linux), which SimNet's ends cannot follow.
                        if (!conn.closedByReset() && !(server ? s.client : s.server).closedByReset()) {
                            conn.retransmitSyn(server);
                        }
                    }
                    case 7 -> conn.sendRaw(TcpHeader.RST, (conn.sndNxt() + 1 + in.u8() * 977L) & 0xFFFF_FFFFL, 0, "");
                    case 8 -> retransmit(in, conn, sent, server ? s.serverBase : s.clientBase);
                    case 9 -> {
                        net.loseNext();
                        missing = true;
                        send(in, conn, sent, words(in, server), true);
                    }
                    case 10 -> net.advanceMillis(in.u8() * 100L);
                    case 11 -> conn.close();
                    case 12 -> conn.reset();
                    default -> send(in, conn, sent, words(in, server), false);
                }
                boolean segmentMissing = missing || drops(e) != dropsAtStart;
                long nowCreated = e.counters().get(Counter.EXPECT_CREATED);
                if (nowCreated != created) {
                    created = nowCreated;
                    checkPinholes(e, sessions);
                }
                for (String err : net.errors.subList(errorsBefore, net.errors.size())) {
                    if (!err.contains("(gap of ") || !segmentMissing) {
                        fail("endpoint error " + err + " (segment missing: " + segmentMissing + ")");
                    }
                }
            }
        } finally {
            clockNanos = Math.max(clockNanos, net.clock());
        }
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Sends {@code bytes}, split into up to 4 segments where the script says (or in one, {@code split} false). */
    private static void send(Script in, Conn conn, ByteArrayOutputStream sent, byte[] bytes, boolean split) {
        if (bytes.length == 0 || !conn.canSend()) {
            return; // after its FIN or a reset an end sends nothing new (injections still go: sendRaw)
        }
        sent.writeBytes(bytes);
        int pieces = split ? 1 + in.upTo(3) : 1;
        int off = 0;
        for (int i = 0; i < pieces && off < bytes.length && conn.canSend(); i++) {
            int n = i == pieces - 1 ? bytes.length - off : 1 + in.upTo(bytes.length - off - 1);
            conn.sendPieces(new String(bytes, off, n, StandardCharsets.ISO_8859_1));
            off += n;
        }
    }

    private static byte[] words(Script in, boolean server) {
        String[] dict = server ? SERVER_WORDS : CLIENT_WORDS;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int n = 1 + in.upTo(4);
        for (int i = 0; i < n; i++) {
            b.writeBytes(dict[in.upTo(dict.length - 1)].getBytes(StandardCharsets.ISO_8859_1));
        }
        return b.toByteArray();
    }

    private static byte[] raw(Script in) {
        int n = in.u8();
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) in.u8();
        }
        return b;
    }

    /** A multi-line reply: "ddd-text", inner lines (server words), and most of the time its closing "ddd End". */
    private static byte[] block(Script in) {
        String code = BLOCK_CODES[in.upTo(BLOCK_CODES.length - 1)];
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((code + "-Status\r\n").getBytes(StandardCharsets.ISO_8859_1));
        b.writeBytes(words(in, true));
        if (in.upTo(3) != 0) {
            b.writeBytes((code + " End\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        return b.toByteArray();
    }

    /** Resends a range of what this end sent, as it was or with up to 3 bytes changed. */
    private static void retransmit(Script in, Conn conn, ByteArrayOutputStream sent, long base) {
        byte[] all = sent.toByteArray();
        if (all.length == 0) {
            return;
        }
        int from = ((in.u8() << 8) | in.u8()) % all.length;
        int n = 1 + in.upTo(Math.min(1400, all.length - from) - 1);
        byte[] seg = java.util.Arrays.copyOfRange(all, from, from + n);
        int changes = in.upTo(3);
        for (int i = 0; i < changes; i++) {
            seg[in.upTo(n - 1)] = (byte) in.u8();
        }
        conn.retransmit((base + from) & 0xFFFF_FFFFL, text(seg));
    }

    private static long drops(Engine e) {
        long n = 0;
        for (Counter c : DROPS) {
            n += e.counters().get(c);
        }
        return n;
    }

    private static void checkPinholes(Engine e, Session[] sessions) {
        List<String> live = e.expectations().describeLive();
        for (String x : live) {
            Matcher m = LIVE.matcher(x);
            if (!m.matches()) {
                fail("unexpected expectation format: " + x);
            }
            String pair = m.group(1) + " -> " + m.group(2);
            int port = Integer.parseInt(m.group(3));
            assertTrue(port >= MIN_DATA_PORT, "pinhole to a low port: " + x);
            boolean found = false;
            for (Session s : sessions) {
                boolean active = pair.equals(s.active);
                boolean passive = pair.equals(s.passive);
                if (!active && !passive) {
                    continue;
                }
                // Active: the client's PORT/EPRT, as the server received it. Passive: the 227/229 the client received.
                Set<Integer> ports = active
                        ? negotiated(s.server.receivedBytes(), false)
                        : negotiated(s.client.receivedBytes(), true);
                if (ports.contains(port)) {
                    found = true;
                    break;
                }
            }
            assertTrue(
                    found,
                    "pinhole " + x + " that no complete command or reply delivered to its receiver named (all: " + live
                            + ")");
        }
    }

    /**
     * Reference framing (independent of the engine's): the ports that complete negotiation lines in a delivered
     * stream name. Lines end at LF; a server's multi-line reply runs from "ddd-" to "ddd " and only that last line
     * is a reply. Over-approximates the port (every number, and every pair of comma-separated numbers as p1*256+p2)
     * so that it never depends on the engine's parser details: it only tells lines apart.
     */
    static Set<Integer> negotiated(byte[] stream, boolean fromServer) {
        Set<Integer> ports = new HashSet<>();
        int multi = -1;
        int start = 0;
        for (int i = 0; i < stream.length; i++) {
            if (stream[i] != '\n') {
                continue;
            }
            int end = i > start && stream[i - 1] == '\r' ? i - 1 : i;
            String line = new String(stream, start, end - start, StandardCharsets.ISO_8859_1);
            start = i + 1;
            if (fromServer) {
                int code = line.length() >= 3 && line.substring(0, 3).chars().allMatch(Character::isDigit)
                        ? Integer.parseInt(line.substring(0, 3))
                        : -1;
                boolean last = code >= 0 && (line.length() == 3 || line.charAt(3) == ' ');
                if (multi >= 0) {
                    if (code == multi && last) {
                        multi = -1;
                        addPorts(line, code == 227 || code == 229, ports);
                    }
                    continue;
                }
                if (code >= 0 && line.length() > 3 && line.charAt(3) == '-') {
                    multi = code;
                    continue;
                }
                addPorts(line, last && (code == 227 || code == 229), ports);
            } else {
                String v = line.length() >= 5 ? line.substring(0, 5).toUpperCase(java.util.Locale.ROOT) : "";
                addPorts(line, v.equals("PORT ") || v.equals("EPRT "), ports);
            }
        }
        return ports;
    }

    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final Pattern PAIR = Pattern.compile("(\\d+),(\\d+)");

    private static void addPorts(String line, boolean negotiates, Set<Integer> ports) {
        if (!negotiates) {
            return;
        }
        Matcher n = NUMBER.matcher(line);
        while (n.find()) {
            if (n.group().length() <= 5) {
                ports.add(Integer.parseInt(n.group()));
            }
        }
        for (int from = 0; from < line.length(); from++) {
            Matcher p = PAIR.matcher(line);
            if (!p.find(from)) {
                break;
            }
            if (p.group(1).length() <= 3 && p.group(2).length() <= 3) {
                ports.add(Integer.parseInt(p.group(1)) * 256 + Integer.parseInt(p.group(2)));
            }
            from = p.start();
        }
    }
}
