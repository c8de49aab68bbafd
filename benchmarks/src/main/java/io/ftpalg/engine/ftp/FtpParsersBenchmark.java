package io.ftpalg.engine.ftp;

import io.ftpalg.bench.ChronicleForked;
import java.nio.charset.StandardCharsets;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The four endpoint parsers of {@link FtpParsers} on a table of {@value #LINES} wire lines each, lenient mode (the
 * default). Results are per line. The argument starts where the engine starts it: after {@code "PORT "},
 * {@code "EPRT "}, {@code "227 "}, {@code "229 "}; the CRLF is not part of it.
 *
 * <pre>
 * PORT 192,0,2,10,195,80                               parsePort
 * EPRT |1|192.0.2.10|50000|   EPRT |2|2001:db8::a|50000|   parseEprt (half IPv4, half IPv6)
 * 227 Entering Passive Mode (192,0,2,10,195,80).        parse227
 * 229 Entering Extended Passive Mode (|||50000|)        parse229
 * </pre>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar FtpParsersBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
public class FtpParsersBenchmark extends ChronicleForked {
    static final int LINES = 64;

    @Param({"PORT", "EPRT", "227", "229"})
    String kind;

    private final byte[][] lines = new byte[LINES][];
    private int from;
    private final FtpEndpoint out = new FtpEndpoint();

    @Setup(Level.Trial)
    public void setUp() {
        for (int i = 0; i < LINES; i++) {
            int host = 1 + i * 3;
            int port = 1024 + i * 997;
            String line;
            switch (kind) {
                case "PORT":
                    line = "PORT 192,0,2," + host + "," + (port >> 8) + "," + (port & 255);
                    from = 5;
                    break;
                case "EPRT":
                    line = i % 2 == 0
                            ? "EPRT |1|192.0.2." + host + "|" + port + "|"
                            : "EPRT |2|2001:db8::" + Integer.toHexString(host) + "|" + port + "|";
                    from = 5;
                    break;
                case "227":
                    line = "227 Entering Passive Mode (192,0,2," + host + "," + (port >> 8) + "," + (port & 255) + ").";
                    from = 4;
                    break;
                case "229":
                    line = "229 Entering Extended Passive Mode (|||" + port + "|)";
                    from = 4;
                    break;
                default:
                    throw new IllegalArgumentException(kind);
            }
            lines[i] = line.getBytes(StandardCharsets.US_ASCII);
            if (!parse(lines[i]) || out.port != port) {
                throw new IllegalStateException("not parsed: " + line + " -> " + out);
            }
        }
    }

    private boolean parse(byte[] b) {
        switch (kind) {
            case "PORT":
                return FtpParsers.parsePort(b, from, b.length, false, out);
            case "EPRT":
                return FtpParsers.parseEprt(b, from, b.length, false, out);
            case "227":
                return FtpParsers.parse227(b, from, b.length, false, out);
            default:
                return FtpParsers.parse229(b, from, b.length, false, out);
        }
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public int parse() {
        int acc = 0;
        for (byte[] b : lines) {
            if (!parse(b)) {
                throw new IllegalStateException("not parsed");
            }
            acc += out.port + (int) out.addrLo + out.spanEnd;
        }
        return acc;
    }
}
