package io.ftpalg.bench;

import io.ftpalg.engine.codec.Bytes;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.flow.Addresses;
import io.ftpalg.engine.pipeline.Engine;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.testing.PacketBuilder;

/**
 * Set-up helpers shared by the engine benchmarks: frames built with the alg-engine test {@link PacketBuilder} and
 * pushed through an {@link Engine} one at a time (set-up only, never inside a measured method).
 */
public final class Tcp {
    /** MACs of the engine's ports (see {@link #CONFIG}) and of the hosts on each side. */
    public static final String INSIDE_MAC = "02:00:00:00:00:01";

    public static final String OUTSIDE_MAC = "02:00:00:00:00:02";
    public static final String CLIENT_MAC = "02:00:00:00:00:10";
    public static final String SERVER_MAC = "02:00:00:00:00:20";

    /** Router with source NAT of the inside /24 to one address; {@code flows max} is appended by the caller. */
    public static final String CONFIG = "mode router\n"
            + "port inside mac " + INSIDE_MAC + "\n"
            + "port outside mac " + OUTSIDE_MAC + "\n"
            + "snat from 192.0.2.0/24 to 203.0.113.1\n";

    /** Untagged Ethernet + IPv4 without options: where the L4 header starts. */
    public static final int L4 = 14 + 20;

    public static final int SEQ_FIELD = L4 + TcpHeader.SEQ_OFFSET;
    public static final int ACK_FIELD = L4 + TcpHeader.ACK_OFFSET;
    public static final int CHECKSUM_FIELD = L4 + TcpHeader.CHECKSUM_OFFSET;

    private Tcp() {}

    public static PacketBuilder fromClient(
            String client, int sport, String server, int dport, long seq, long ack, int fl) {
        return PacketBuilder.ethernet(CLIENT_MAC, INSIDE_MAC)
                .ipv4(client, server)
                .tcp(sport, dport, seq, ack, fl);
    }

    public static PacketBuilder fromServer(
            String server, int sport, String nat, int dport, long seq, long ack, int fl) {
        return PacketBuilder.ethernet(SERVER_MAC, OUTSIDE_MAC).ipv4(server, nat).tcp(sport, dport, seq, ack, fl);
    }

    /** Copies {@code frame} into {@code s} and processes it; fails unless the engine forwards it. */
    public static void forward(Engine engine, PacketSlot s, byte[] frame, int ingress, long nowNanos) {
        System.arraycopy(frame, 0, s.data, 0, frame.length);
        s.length = frame.length;
        s.ingressPort = ingress;
        s.timestampNanos = nowNanos;
        int v = engine.process(s);
        if (v != Engine.FORWARD) {
            throw new IllegalStateException("set-up packet not forwarded: verdict " + v + ", " + engine.lastDrop());
        }
    }

    /** The translated source address of the IPv4/TCP frame now in {@code s}, dotted. */
    public static String sourceAddress(PacketSlot s) {
        return Addresses.format(4, 0, Bytes.u32(s.data, 14 + 12), -1);
    }

    public static int sourcePort(PacketSlot s) {
        return Bytes.u16(s.data, L4 + TcpHeader.SRC_PORT_OFFSET);
    }
}
