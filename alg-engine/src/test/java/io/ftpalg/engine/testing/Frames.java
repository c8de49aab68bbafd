package io.ftpalg.engine.testing;

import io.ftpalg.engine.pipeline.PacketSlot;
import java.util.HexFormat;

/** Small helpers around {@link PacketBuilder}: slots, hex, and the addresses tests use (RFC 5737, RFC 3849). */
public final class Frames {
    public static final String CLIENT4 = "192.0.2.10";
    public static final String SERVER4 = "198.51.100.20";
    public static final String CLIENT6 = "2001:db8:1::10";
    public static final String SERVER6 = "2001:db8:2::20";

    /** Room for a grown FTP rewrite beyond a full-size frame. */
    public static final int SLOT_CAPACITY = 2048;

    private Frames() {}

    /** A fresh slot holding {@code frame}. */
    public static PacketSlot slot(byte[] frame) {
        PacketSlot s = new PacketSlot(Math.max(SLOT_CAPACITY, frame.length + 256));
        System.arraycopy(frame, 0, s.data, 0, frame.length);
        s.length = frame.length;
        return s;
    }

    /** The frame currently in {@code s}, copied out. */
    public static byte[] bytes(PacketSlot s) {
        return java.util.Arrays.copyOf(s.data, s.length);
    }

    /** Hex, whitespace ignored: {@code "45 00 00 28 ..."}. */
    public static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s", ""));
    }

    public static String hex(byte[] b) {
        return HexFormat.ofDelimiter(" ").formatHex(b);
    }

    /** A TCP/IPv4 segment from {@link #CLIENT4} to {@link #SERVER4}. */
    public static PacketBuilder tcp4(int sport, int dport, long seq, long ack, int flags) {
        return PacketBuilder.ethernet().ipv4(CLIENT4, SERVER4).tcp(sport, dport, seq, ack, flags);
    }

    /** A TCP/IPv6 segment from {@link #CLIENT6} to {@link #SERVER6}. */
    public static PacketBuilder tcp6(int sport, int dport, long seq, long ack, int flags) {
        return PacketBuilder.ethernet().ipv6(CLIENT6, SERVER6).tcp(sport, dport, seq, ack, flags);
    }
}
