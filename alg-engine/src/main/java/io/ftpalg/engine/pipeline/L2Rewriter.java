package io.ftpalg.engine.pipeline;

import io.ftpalg.engine.codec.EthernetHeader;

/**
 * Router mode's link layer, as far as the engine goes: a forwarded frame leaves with the egress port's own MAC as
 * its source and, as destination, the MAC last seen sending from the destination IP on that port (for a host on
 * a connected network, the host; for one behind a router, that router). Learning is passive, from the source
 * addresses of received IP frames; a destination not yet learned keeps the frame's destination MAC. Active
 * neighbour resolution (ARP, NDP) belongs to the live dataplane.
 *
 * <p>The table is open addressing over primitive arrays with a fixed capacity; when a probe run is full the
 * oldest slot of the run is overwritten (a cache, not state).
 */
public final class L2Rewriter {
    private static final int PROBE = 8;

    private final long[] portMac = new long[2];
    private final boolean[] hasPortMac = new boolean[2];
    private final long[] keyHi;
    private final long[] keyLo;
    private final long[] mac; // 0 = empty; stored as mac | 1L << 63 | port << 62
    private final int mask;

    /**
     * @param insideMac the inside port's MAC, or -1 if none is configured
     * @param outsideMac the outside port's MAC, or -1
     */
    public L2Rewriter(long insideMac, long outsideMac, int capacity) {
        int n = Integer.highestOneBit(Math.max(16, capacity - 1)) << 1;
        keyHi = new long[n];
        keyLo = new long[n];
        mac = new long[n];
        mask = n - 1;
        setPortMac(PacketSlot.PORT_INSIDE, insideMac);
        setPortMac(PacketSlot.PORT_OUTSIDE, outsideMac);
    }

    private void setPortMac(int port, long m) {
        hasPortMac[port] = m >= 0;
        portMac[port] = m;
    }

    /** Remembers who sends from the slot's source IP on its ingress port. Call after decoding. */
    public void learn(PacketSlot s) {
        if (s.ipVersion == 0) {
            return;
        }
        long srcMac = EthernetHeader.srcMac(s.data, 0);
        if (srcMac == portMac[0] && hasPortMac[0] || srcMac == portMac[1] && hasPortMac[1]) {
            return;
        }
        long value = srcMac | Long.MIN_VALUE | ((long) s.ingressPort << 62);
        int h = index(s.ingressPort, s.srcHi, s.srcLo);
        for (int i = 0; i < PROBE; i++) {
            int j = (h + i) & mask;
            if (mac[j] == 0 || keyHi[j] == s.srcHi && keyLo[j] == s.srcLo && port(mac[j]) == s.ingressPort) {
                keyHi[j] = s.srcHi;
                keyLo[j] = s.srcLo;
                mac[j] = value;
                return;
            }
        }
        keyHi[h] = s.srcHi;
        keyLo[h] = s.srcLo;
        mac[h] = value;
    }

    /** Sets the frame's MACs for its egress port; the slot's IP addresses are already translated. */
    public void rewrite(PacketSlot s) {
        int egress = s.egressPort;
        if (egress < 0 || !hasPortMac[egress]) {
            return;
        }
        EthernetHeader.srcMac(s.data, 0, portMac[egress]);
        if (s.ipVersion == 0) {
            return;
        }
        int h = index(egress, s.dstHi, s.dstLo);
        for (int i = 0; i < PROBE; i++) {
            int j = (h + i) & mask;
            long m = mac[j];
            if (m == 0) {
                return;
            }
            if (keyHi[j] == s.dstHi && keyLo[j] == s.dstLo && port(m) == egress) {
                EthernetHeader.dstMac(s.data, 0, m & 0xFFFF_FFFF_FFFFL);
                return;
            }
        }
    }

    private static int port(long m) {
        return (int) (m >>> 62) & 1;
    }

    private int index(int port, long hi, long lo) {
        long h = (lo * 0x9E3779B97F4A7C15L) ^ (hi * 0xC2B2AE3D27D4EB4FL) ^ port;
        return (int) (h ^ (h >>> 29)) & mask;
    }
}
