package io.ftpalg.engine.codec;

import io.ftpalg.bench.ChronicleForked;
import io.ftpalg.bench.Tcp;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.PacketBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link Decoder#decode} alone: the flyweight pass that fills a slot's metadata (L2, optional VLAN tags, L3 with
 * the IPv4 header checksum check or the IPv6 extension-header walk, TCP with its options). Results are per frame.
 *
 * <ul>
 *   <li>{@code ipv4}: Ethernet + IPv4 (20 B) + TCP (20 B) + 64 B payload, 118 B, the fast path's data segment.
 *   <li>{@code ipv6}: Ethernet + IPv6 (40 B) + TCP (20 B) + 64 B payload, 138 B.
 *   <li>{@code ipv4vlan}: the IPv4 frame behind one 802.1Q tag, 122 B.
 * </ul>
 *
 * {@value #FRAMES} frames of the kind (different addresses and ports), each in its own slot, decoded in turn;
 * the decode does not write the frame, so the slots are built once. The fold of a few metadata fields keeps the
 * work alive.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar DecoderBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
public class DecoderBenchmark extends ChronicleForked {
    static final int FRAMES = 64;

    @Param({"ipv4", "ipv6", "ipv4vlan"})
    String frame;

    private final Decoder decoder = new Decoder();
    private final PacketSlot[] slots = new PacketSlot[FRAMES];

    @Setup(Level.Trial)
    public void setUp() {
        byte[] payload = new byte[64];
        for (int i = 0; i < FRAMES; i++) {
            PacketBuilder b = PacketBuilder.ethernet(Tcp.CLIENT_MAC, Tcp.INSIDE_MAC);
            if (frame.equals("ipv4vlan")) {
                b.vlan(100 + i);
            }
            if (frame.equals("ipv6")) {
                b.ipv6("2001:db8::" + Integer.toHexString(1 + i), "2001:db8:1::" + Integer.toHexString(1 + i));
            } else {
                b.ipv4("192.0.2." + (1 + i), "198.51.100." + (1 + i));
            }
            byte[] f =
                    b.tcp(10000 + i, 443, 1000 + i, 2000, 0x18).payload(payload).build();
            PacketSlot s = new PacketSlot(2048);
            System.arraycopy(f, 0, s.data, 0, f.length);
            s.length = f.length;
            s.ingressPort = PacketSlot.PORT_INSIDE;
            slots[i] = s;
            Counter c = decoder.decode(s);
            if (c != null || s.l4Proto != 6 || s.payloadLength != payload.length) {
                throw new IllegalStateException(frame + " frame not decoded: " + c);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int decode() {
        int acc = 0;
        for (PacketSlot s : slots) {
            if (decoder.decode(s) != null) {
                throw new IllegalStateException("not decoded");
            }
            acc += s.srcPort + s.payloadOffset + (int) s.dstLo;
        }
        return acc;
    }
}
