package io.ftpalg.pcap;

import io.ftpalg.bindings.pcap.NativePcapFileReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;

/**
 * Reading a whole classic pcap of {@value #PACKETS} Ethernet/IPv4/TCP frames (60-1514 bytes, ~80 MB, in
 * the page cache after the first pass) three ways; results are per packet. Run with {@code -prof gc} to
 * see bytes allocated per packet (the iteration settings below are those of the published runs; without them JMH's
 * defaults, 5 forks of 5 × 10 s + 5 × 10 s, would take 25 minutes):
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar PcapRead -f 1 -wi 2 -i 3 -w 1 -r 2 -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class PcapReadBenchmark {
    static final int PACKETS = 100_000;

    private Path file;
    private final byte[] dst = new byte[65536];
    private final PcapRecord record = new PcapRecord(65536);

    @Setup(Level.Trial)
    public void writeCapture() throws IOException {
        file = Files.createTempFile("ftpalg-pcapread-", ".pcap");
        SplittableRandom rnd = new SplittableRandom(7);
        byte[] frame = new byte[1514];
        for (int i = 54; i < frame.length; i++) {
            frame[i] = (byte) rnd.nextInt(256);
        }
        long t = 1_700_000_000_000_000_000L;
        try (PcapWriter w = new PcapWriter(file, LinkType.ETHERNET, 0)) {
            for (int i = 0; i < PACKETS; i++) {
                int len = 60 + rnd.nextInt(1514 - 60 + 1);
                tcpFrame(frame, len, i);
                w.write(t += 1 + rnd.nextInt(20_000), frame, 0, len);
            }
        }
    }

    @TearDown(Level.Trial)
    public void deleteCapture() throws IOException {
        Files.deleteIfExists(file);
    }

    /** (a) pcap4j 1.8.2: a new byte[] (plus header objects inside pcap4j) per packet. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void pcap4jGetNextRawPacket(Blackhole bh) throws Exception {
        PcapHandle h = Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.NANO);
        try {
            int n = 0;
            byte[] p;
            while ((p = h.getNextRawPacket()) != null) {
                bh.consume(p);
                n++;
            }
            check(n);
        } finally {
            h.close();
        }
    }

    /** (b) libpcap pcap_next_ex through our direct JNA binding, copied into one reused array. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void jnaNativePcapFileReader(Blackhole bh) throws IOException {
        try (NativePcapFileReader r = NativePcapFileReader.open(file)) {
            int n = 0;
            while (r.next(dst)) {
                bh.consume(dst[r.capturedLength() - 1]);
                bh.consume(r.timestampNanos());
                n++;
            }
            check(n);
        }
    }

    /** (c) our pure-Java reader through a FileChannel and one direct buffer. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void javaCaptureReader(Blackhole bh) throws IOException {
        try (CaptureReader r = CaptureReader.open(file)) {
            int n = 0;
            while (r.next(record)) {
                bh.consume(record.data[record.capturedLength - 1]);
                bh.consume(record.timestampNanos);
                n++;
            }
            check(n);
        }
    }

    private static void check(int n) {
        if (n != PACKETS) {
            throw new IllegalStateException("read " + n + " packets, expected " + PACKETS);
        }
    }

    /** Ethernet II / IPv4 (20 bytes) / TCP (20 bytes) headers for a frame of {@code len} bytes. */
    private static void tcpFrame(byte[] f, int len, int i) {
        // Ethernet: dst 02:00:00:00:00:02, src 02:00:00:00:00:01, type 0x0800
        f[0] = 2;
        f[5] = 2;
        f[6] = 2;
        f[11] = 1;
        f[12] = 0x08;
        f[13] = 0x00;
        int ipLen = len - 14;
        f[14] = 0x45;
        f[16] = (byte) (ipLen >>> 8);
        f[17] = (byte) ipLen;
        f[18] = (byte) (i >>> 8);
        f[19] = (byte) i;
        f[22] = 64; // TTL
        f[23] = 6; // TCP
        f[24] = 0;
        f[25] = 0;
        f[26] = 10; // 10.0.0.1 -> 192.0.2.1
        f[29] = 1;
        f[30] = (byte) 192;
        f[32] = 2;
        f[33] = 1;
        int sum = 0;
        for (int k = 14; k < 34; k += 2) {
            sum += ((f[k] & 0xFF) << 8) | (f[k + 1] & 0xFF);
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = ~((sum & 0xFFFF) + (sum >>> 16));
        f[24] = (byte) (sum >>> 8);
        f[25] = (byte) sum;
        int sport = 40000 + (i & 1023);
        f[34] = (byte) (sport >>> 8);
        f[35] = (byte) sport;
        f[36] = 0;
        f[37] = 21;
        f[38] = (byte) (i >>> 24);
        f[39] = (byte) (i >>> 16);
        f[40] = (byte) (i >>> 8);
        f[41] = (byte) i;
        f[46] = 0x50; // data offset 5
        f[47] = 0x18; // PSH ACK
        f[48] = (byte) 0xFF;
        f[49] = (byte) 0xFF;
    }
}
