package io.ftpalg.engine.fuzz;

import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.testing.PacketBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the seed inputs under {@code src/test/resources/io/ftpalg/engine/fuzz/<Class>Inputs/<method>/} (not a
 * test; run its {@code main} from the alg-engine directory after changing how a fuzz test reads its input). The
 * seeds make regression mode walk the interesting paths: a rewritten PORT split across segments, a 227, a bounce
 * attempt, AUTH TLS, a retransmission with changed bytes, frames that open a flow and carry a PORT.
 *
 * <p>{@link FuzzedDataProvider}-based targets read integers from the end of the input and byte arrays from the
 * front (libFuzzer's FuzzedDataProvider layout, which Jazzer's follows); {@link Fdp} builds inputs that way.
 */
final class SeedWriter {
    private SeedWriter() {}

    /** Builds an input for a FuzzedDataProvider consumer: byte arrays at the front, integers at the back. */
    static final class Fdp {
        private final ByteArrayOutputStream front = new ByteArrayOutputStream();
        private final List<Byte> back = new ArrayList<>(); // in consumption order

        Fdp intIn(long v, long min, long max) {
            long range = max - min;
            long x = v - min;
            int bytes = 0;
            while (bytes < 8 && (range >>> (8 * bytes)) > 0) {
                bytes++;
            }
            for (int i = bytes - 1; i >= 0; i--) {
                back.add((byte) (x >>> (8 * i)));
            }
            return this;
        }

        Fdp bool(boolean b) {
            back.add((byte) (b ? 1 : 0));
            return this;
        }

        Fdp raw(int n, long v) {
            for (int i = n - 1; i >= 0; i--) {
                back.add((byte) (v >>> (8 * i)));
            }
            return this;
        }

        Fdp bytes(byte[] b) {
            front.writeBytes(b);
            return this;
        }

        byte[] build() {
            byte[] f = front.toByteArray();
            byte[] out = new byte[f.length + back.size()];
            System.arraycopy(f, 0, out, 0, f.length);
            for (int i = 0; i < back.size(); i++) {
                out[out.length - 1 - i] = back.get(i);
            }
            return out;
        }
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources/io/ftpalg/engine/fuzz");
        parserSeeds(root.resolve("ParserFuzzTestInputs/parsers"));
        frameSeeds(root.resolve("EngineFrameFuzzTestInputs/frames"));
        controlSeeds(root.resolve("ControlStreamFuzzTestInputs/controlStream"));
    }

    private static void write(Path dir, String name, byte[] b) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), b);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    // ---- ParserFuzzTest: which, strict, lead, trail, int, long, long, port; then the line ----

    private static void parserSeeds(Path dir) throws IOException {
        String[][] lines = {
            {"0", "192,0,2,10,195,80"},
            {"0", "  192,0,2,10,195,80 "},
            {"1", "Entering Passive Mode (198,51,100,20,195,80)."},
            {"1", "=198,51,100,20,4,1"},
            {"2", "|1|192.0.2.10|50000|"},
            {"2", "|2|2001:db8::1|50000|"},
            {"2", "|2|::ffff:192.0.2.1|1|"},
            {"3", "Entering Extended Passive Mode (|||50000|)"},
            {"4", "PORT 1,2,3,4,5,6"},
            {"4", "227-x"},
        };
        int i = 0;
        for (String[] l : lines) {
            for (boolean strict : new boolean[] {false, true}) {
                byte[] seed = new Fdp()
                        .intIn(Integer.parseInt(l[0]), 0, 4)
                        .bool(strict)
                        .intIn(0, 0, 4)
                        .intIn(0, 0, 4)
                        .raw(4, 0xCB007101L)
                        .raw(8, 0x20010db800ff0000L)
                        .raw(8, 1)
                        .intIn(40000, 1, 65535)
                        .bytes(ascii(l[1]))
                        .build();
                write(dir, "seed-" + (i++), seed);
            }
        }
    }

    // ---- EngineFrameFuzzTest: [control][len16][frame]... ----

    private static void frameSeeds(Path dir) throws IOException {
        String inMac = "02:00:00:00:01:10";
        PacketBuilder syn = PacketBuilder.ethernet(inMac, "02:00:00:00:00:01")
                .ipv4("192.0.2.10", "198.51.100.20")
                .df()
                .tcp(40000, 21, 1000, 0, TcpHeader.SYN)
                .mss(1460)
                .sackPermitted();
        PacketBuilder synAck = PacketBuilder.ethernet("02:00:00:00:01:20", "02:00:00:00:00:02")
                .ipv4("198.51.100.20", "203.0.113.1")
                .tcp(21, 40000, 5000, 1001, TcpHeader.SYN | TcpHeader.ACK);
        PacketBuilder port = PacketBuilder.ethernet(inMac, "02:00:00:00:00:01")
                .ipv4("192.0.2.10", "198.51.100.20")
                .tcp(40000, 21, 1001, 5001, TcpHeader.ACK | TcpHeader.PSH)
                .payload("PORT 192,0,2,10,195,80\r\n");
        write(dir, "seed-router-port", records(0, syn.build(), 1, synAck.build(), 0, port.build()));
        write(
                dir,
                "seed-bridge-port",
                records(
                        2,
                        syn.build(),
                        3,
                        synAck.copy().ipv4("198.51.100.20", "192.0.2.10").build(),
                        2,
                        port.build()));
        write(
                dir,
                "seed-udp-zero-checksum",
                records(
                        0,
                        PacketBuilder.ethernet(inMac, "02:00:00:00:00:01")
                                .ipv4("192.0.2.10", "198.51.100.20")
                                .udp(5353, 53)
                                .payload("q")
                                .build()));
        write(
                dir,
                "seed-arp",
                records(
                        2,
                        PacketBuilder.ethernet().arp("192.0.2.10", "192.0.2.1").build()));
        write(
                dir,
                "seed-ipv6-syn",
                records(
                        0,
                        PacketBuilder.ethernet(inMac, "02:00:00:00:00:01")
                                .ipv6("2001:db8:1::10", "2001:db8:2::20")
                                .tcp(40001, 21, 1, 0, TcpHeader.SYN)
                                .build()));
    }

    private static byte[] records(Object... controlAndFrame) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < controlAndFrame.length; i += 2) {
            byte[] f = (byte[]) controlAndFrame[i + 1];
            b.write((Integer) controlAndFrame[i]);
            b.write(f.length >>> 8);
            b.write(f.length);
            b.writeBytes(f);
        }
        return b.toByteArray();
    }

    // ---- ControlStreamFuzzTest ----

    /** A client or server send of dictionary words, split as given (piece lengths, the last one implied). */
    private static Fdp words(Fdp d, int op, boolean client, int[] words, int... splits) {
        if (op >= 0) {
            d.intIn(op, 0, 9);
        }
        d.bool(false).intIn(words.length, 1, 6);
        int dictLen = (client ? ControlStreamFuzzTest.CLIENT_WORDS : ControlStreamFuzzTest.SERVER_WORDS).length;
        int total = 0;
        for (int w : words) {
            d.intIn(w, 0, dictLen + ControlStreamFuzzTest.TLS.length - 1);
            String[] dict = client ? ControlStreamFuzzTest.CLIENT_WORDS : ControlStreamFuzzTest.SERVER_WORDS;
            total += w < dictLen ? dict[w].length() : ControlStreamFuzzTest.TLS[w - dictLen].length;
        }
        d.intIn(splits.length + 1, 1, 4);
        int off = 0;
        for (int s : splits) {
            d.intIn(s, 1, total - off);
            off += s;
        }
        return d;
    }

    private static void controlSeeds(Path dir) throws IOException {
        // PORT split inside the address, then its 200.
        Fdp d = new Fdp();
        words(d, 0, true, new int[] {0}, 7, 5);
        words(d, 1, false, new int[] {8});
        write(dir, "seed-port-split", d.build());
        // PASV, 227 split after "227 (", EPSV, 229.
        d = new Fdp();
        words(d, 0, true, new int[] {9});
        words(d, 1, false, new int[] {0}, 26);
        words(d, 2, true, new int[] {10});
        words(d, 3, false, new int[] {4}, 40);
        write(dir, "seed-pasv-epsv", d.build());
        // Bounce attempt and low port: no expectation.
        d = new Fdp();
        words(d, 0, true, new int[] {3, 4, 6});
        write(dir, "seed-bounce", d.build());
        // PORT, then a retransmission of its bytes with one byte changed inside the rewritten span.
        d = new Fdp();
        words(d, 0, true, new int[] {0});
        d.intIn(4, 0, 9)
                .intIn(0, 0, 23)
                .intIn(24, 1, 24)
                .intIn(1, 0, 3)
                .intIn(8, 0, 23)
                .raw(1, '7');
        d.intIn(4, 0, 9).intIn(0, 0, 23).intIn(24, 1, 24).intIn(0, 0, 3);
        write(dir, "seed-port-retransmit", d.build());
        // AUTH TLS, 234, TLS records both ways, close_notify, CCC, clear-text PORT again.
        d = new Fdp();
        int tls = ControlStreamFuzzTest.CLIENT_WORDS.length;
        int stls = ControlStreamFuzzTest.SERVER_WORDS.length;
        words(d, 0, true, new int[] {11});
        words(d, 1, false, new int[] {6});
        words(d, 0, true, new int[] {tls, tls + 2});
        words(d, 1, false, new int[] {stls, stls + 2});
        words(d, 0, true, new int[] {tls + 1, 12});
        words(d, 0, true, new int[] {0});
        write(dir, "seed-auth-tls-ccc", d.build());
        // A held partial PORT released by time, then the rest; a lost segment; multi-line reply.
        d = new Fdp();
        words(d, 0, true, new int[] {1});
        d.intIn(7, 0, 9).intIn(12_000, 0, 15_000);
        words(d, 0, true, new int[] {22, 15});
        words(d, 1, false, new int[] {9, 13, 0});
        d.intIn(6, 0, 9);
        d.bool(true);
        words(d, -1, true, new int[] {0});
        write(dir, "seed-hold-timeout-loss", d.build());
    }
}
