package io.ftpalg.engine.ftp;

import io.ftpalg.bench.ChronicleForked;
import io.ftpalg.bench.Tcp;
import io.ftpalg.engine.codec.Bytes;
import io.ftpalg.engine.codec.Checksum;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.pipeline.Engine;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.stats.Counter;
import java.nio.charset.StandardCharsets;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * FTP control segments through source NAT: client 192.0.2.10:40000 to server 198.51.100.20:21, translated to
 * 203.0.113.1. Results are per packet.
 *
 * <ul>
 *   <li>{@link #portRewrite}: each operation is a NEW client segment {@code "PORT 192,0,2,10,h,l\r\n"} (25
 *       bytes, one line, the next bytes of the stream: its sequence number advances by 25 every operation). It
 *       is parsed, rewritten to {@code "PORT 203,0,113,1,h,l\r\n"} (+1 byte), logged for retransmission,
 *       shifted by the cumulative sequence delta, and it creates an expectation in the Chronicle Map; with the
 *       default {@code ftp max-expect-per-session 4} every creation also replaces the session's oldest. The port
 *       {@code h,l} cycles through {@value #PORTS} values (h and l three digits each, so the length is fixed).
 *       The frames are pre-built with a base sequence number; per operation the copy into the slot and the
 *       sequence patch (with an incremental checksum update) are part of the cost.
 *   <li>{@link #serverAck}: the answering direction, a pure ACK from the server whose acknowledgement number
 *       (in the client's translated sequence space) is mapped back through 16 rewrites of history (a full
 *       {@code SeqAdjust} lane). Each operation copies the same pre-built frame and processes it.
 * </ul>
 *
 * The ALG checks the TCP checksum of every control segment with payload ({@code ftp verify-checksum yes}, the
 * default), so the patched frames must be exact; tear-down checks one rewrite and one expectation per operation.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar FtpControlRewrite -prof gc</pre>
 */
@State(Scope.Thread)
// Chronicle Map's query code is large and slow to compile: on a loaded 2-core machine 3 x 2 s of warm-up left the
// measured iterations still falling from ~30 us to ~6 us per operation. Warm up longer.
@Warmup(iterations = 10, time = 2)
public class FtpControlRewriteBenchmark extends ChronicleForked {
    static final int BATCH = 64;
    /** Distinct PORT arguments cycled through. */
    static final int PORTS = 1024;

    static final String CLIENT = "192.0.2.10";
    static final int CLIENT_PORT = 40000;
    static final String SERVER = "198.51.100.20";
    static final long CLIENT_ISN = 1000;
    static final long SERVER_ISN = 5000;
    static final long BASE_SEQ = CLIENT_ISN + 1;
    static final int LINE = "PORT 192,0,2,10,100,100\r\n".length();
    /** PORT lines sent before {@link #serverAck} is measured: fills a SeqAdjust lane (HISTORY = 16). */
    static final int HISTORY_LINES = 16;

    private Engine engine;
    private final PacketSlot slot = new PacketSlot(2048);
    private final byte[][] lines = new byte[PORTS][];
    private byte[] serverAckFrame;
    private String nat;
    private int natPort;
    private long seq;
    private int next;
    private long now;
    private long rewritesBefore;
    private long expectationsBefore;
    private long ops;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        engine = new Engine(ConfigParser.parse(Tcp.CONFIG, "bench"), EventSink.NONE, 2048);
        now = 1_700_000_000_000_000_000L;
        Tcp.forward(
                engine,
                slot,
                Tcp.fromClient(CLIENT, CLIENT_PORT, SERVER, 21, CLIENT_ISN, 0, TcpHeader.SYN)
                        .build(),
                PacketSlot.PORT_INSIDE,
                now);
        nat = Tcp.sourceAddress(slot);
        natPort = Tcp.sourcePort(slot);
        Tcp.forward(
                engine,
                slot,
                Tcp.fromServer(SERVER, 21, nat, natPort, SERVER_ISN, BASE_SEQ, TcpHeader.SYN | TcpHeader.ACK)
                        .build(),
                PacketSlot.PORT_OUTSIDE,
                now);
        Tcp.forward(engine, slot, clientSegment(BASE_SEQ, TcpHeader.ACK, ""), PacketSlot.PORT_INSIDE, now);
        for (int k = 0; k < PORTS; k++) {
            int h = 100 + k / 156;
            int l = 100 + k % 156;
            lines[k] =
                    clientSegment(BASE_SEQ, TcpHeader.ACK | TcpHeader.PSH, "PORT 192,0,2,10," + h + "," + l + "\r\n");
            if (lines[k].length != lines[0].length) {
                throw new AssertionError("PORT lines must all have one length");
            }
        }
        seq = BASE_SEQ;
        // The first line, checked: rewritten and one byte longer.
        sendLine();
        String out = new String(slot.data, slot.payloadOffset, LINE + 1, StandardCharsets.US_ASCII);
        if (!out.equals("PORT 203,0,113,1,100,100\r\n") || slot.length != lines[0].length + 1) {
            throw new IllegalStateException("PORT not rewritten: \"" + out + "\"");
        }
        for (int i = 1; i < HISTORY_LINES; i++) {
            sendLine();
        }
        // The server acknowledges everything so far, in the translated space: 16 lines, each one byte longer.
        long ackTranslated = (BASE_SEQ + (long) HISTORY_LINES * (LINE + 1)) & 0xFFFF_FFFFL;
        serverAckFrame = Tcp.fromServer(SERVER, 21, nat, natPort, SERVER_ISN + 1, ackTranslated, TcpHeader.ACK)
                .build();
        Tcp.forward(engine, slot, serverAckFrame, PacketSlot.PORT_OUTSIDE, now);
        if (Bytes.u32(slot.data, Tcp.ACK_FIELD) != seq) {
            throw new IllegalStateException(
                    "server ack mapped to " + Bytes.u32(slot.data, Tcp.ACK_FIELD) + ", expected " + seq);
        }
    }

    private byte[] clientSegment(long sq, int flags, String payload) {
        return Tcp.fromClient(CLIENT, CLIENT_PORT, SERVER, 21, sq, SERVER_ISN + 1, flags)
                .payload(payload)
                .build();
    }

    @Setup(Level.Iteration)
    public void countersBefore() {
        rewritesBefore = engine.counters().get(Counter.FTP_REWRITES);
        expectationsBefore = engine.counters().get(Counter.EXPECT_CREATED);
        ops = 0;
    }

    /** Every {@link #portRewrite} operation must have rewritten one line and created one expectation. */
    @TearDown(Level.Iteration)
    public void checkCounters() {
        if (ops == 0) {
            return; // serverAck
        }
        long rewrites = engine.counters().get(Counter.FTP_REWRITES) - rewritesBefore;
        long created = engine.counters().get(Counter.EXPECT_CREATED) - expectationsBefore;
        if (rewrites != ops || created != ops) {
            throw new IllegalStateException(
                    ops + " PORT segments: " + rewrites + " rewrites, " + created + " expectations created");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    /** Sends the next PORT line: copy, patch seq (incremental checksum), process; fails unless forwarded. */
    private void sendLine() {
        PacketSlot s = slot;
        byte[] d = s.data;
        byte[] frame = lines[next];
        next = (next + 1) & (PORTS - 1);
        System.arraycopy(frame, 0, d, 0, frame.length);
        long sq = seq;
        Bytes.u32(d, Tcp.SEQ_FIELD, sq);
        Bytes.u16(d, Tcp.CHECKSUM_FIELD, Checksum.update32(Bytes.u16(d, Tcp.CHECKSUM_FIELD), BASE_SEQ, sq));
        seq = (sq + LINE) & 0xFFFF_FFFFL;
        s.length = frame.length;
        s.ingressPort = PacketSlot.PORT_INSIDE;
        s.timestampNanos = now += 1000;
        if (engine.process(s) != Engine.FORWARD) {
            throw new IllegalStateException("PORT segment not forwarded: " + engine.lastDrop());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int portRewrite() {
        int acc = 0;
        for (int i = 0; i < BATCH; i++) {
            sendLine();
            acc += slot.length + Bytes.i32(slot.data, Tcp.SEQ_FIELD);
        }
        ops += BATCH;
        return acc;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int serverAck() {
        PacketSlot s = slot;
        byte[] d = s.data;
        byte[] frame = serverAckFrame;
        int acc = 0;
        for (int i = 0; i < BATCH; i++) {
            System.arraycopy(frame, 0, d, 0, frame.length);
            s.length = frame.length;
            s.ingressPort = PacketSlot.PORT_OUTSIDE;
            s.timestampNanos = now += 1000;
            if (engine.process(s) != Engine.FORWARD) {
                throw new IllegalStateException("server ACK not forwarded: " + engine.lastDrop());
            }
            acc += Bytes.i32(d, Tcp.ACK_FIELD) + Bytes.u16(d, Tcp.CHECKSUM_FIELD);
        }
        return acc;
    }
}
