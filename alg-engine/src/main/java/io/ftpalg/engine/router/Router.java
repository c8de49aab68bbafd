package io.ftpalg.engine.router;

import io.ftpalg.engine.codec.Bytes;
import io.ftpalg.engine.codec.Checksum;
import io.ftpalg.engine.codec.Decoder;
import io.ftpalg.engine.codec.EthernetHeader;
import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.config.DnatRule;
import io.ftpalg.engine.config.IpAddress;
import io.ftpalg.engine.config.PortAddress;
import io.ftpalg.engine.config.PortConfig;
import io.ftpalg.engine.config.Route;
import io.ftpalg.engine.config.SnatRule;
import io.ftpalg.engine.config.StaticNat;
import io.ftpalg.engine.pipeline.Emitter;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.stats.Counters;
import java.util.ArrayList;
import java.util.List;

/**
 * Router mode's own traffic and link layer: what a host on either network expects from "the router".
 *
 * <ul>
 *   <li><b>ARP</b> (RFC 826) and <b>neighbour discovery</b> (RFC 4861 sections 4.3, 4.4, 7.2): answers requests
 *       for the port's addresses and, on the outside, for every NAT address (source NAT pools, destination NAT
 *       and static outside addresses), so that the other side can reach them on-link; learns senders.
 *   <li><b>Next hop</b>: a destination on one of the egress port's networks is its own next hop; otherwise the
 *       longest matching {@code route ... via} whose router is on that port; otherwise no route (dropped,
 *       counted). The next hop's MAC comes from the neighbour table; while it is unknown the packet waits (one
 *       per next hop) and a request goes out.
 *   <li><b>TTL</b>: a packet that would leave with TTL/hop limit 0 is answered with ICMP time exceeded (RFC 792,
 *       RFC 4443 section 3.3) from the ingress port's address, quoting the packet.
 * </ul>
 *
 * A port with no {@code address} keeps the replay-friendly behaviour: no requests, next hop = destination, MAC
 * from what was seen sending from it, else the frame's own destination MAC.
 */
public final class Router {
    private static final int ETH_ARP = 0x0806;
    private static final int ETH_IPV4 = 0x0800;
    private static final int ETH_IPV6 = 0x86DD;

    private final Counters counters;
    private final Neighbors neighbors = new Neighbors(4096);
    private final Decoder decoder = new Decoder();
    private final long[] portMac = {-1, -1};
    private final PortAddress[][] addresses = new PortAddress[2][];
    /** Addresses answered for on each port: the port's own and, outside, the NAT addresses. */
    private final IpAddress[][] owned = new IpAddress[2][];

    private final Route[] routes;
    private final PacketSlot out = new PacketSlot(2048);
    private final byte[] parked = new byte[Neighbors.PENDING_BYTES];
    private Emitter emitter = Emitter.NONE;

    public Router(Config config, Counters counters) {
        this.counters = counters;
        PortConfig[] ports = {config.inside(), config.outside()};
        for (int p = 0; p < 2; p++) {
            portMac[p] = ports[p].mac() == null ? -1 : ports[p].mac().value();
            addresses[p] = ports[p].addresses().toArray(new PortAddress[0]);
            List<IpAddress> own = new ArrayList<>();
            for (PortAddress a : addresses[p]) {
                own.add(a.address());
            }
            if (p == PacketSlot.PORT_OUTSIDE) {
                for (SnatRule r : config.snat()) {
                    own.addAll(r.to());
                }
                for (DnatRule r : config.dnat()) {
                    own.add(r.externalAddress());
                }
                for (StaticNat st : config.statics()) {
                    own.add(st.outside());
                }
            }
            owned[p] = own.toArray(new IpAddress[0]);
        }
        this.routes = config.routes().toArray(new Route[0]);
    }

    public void setEmitter(Emitter emitter) {
        this.emitter = emitter;
    }

    private boolean owns(int p, int v, long hi, long lo) {
        for (IpAddress a : owned[p]) {
            if (a.version() == v && a.hi() == hi && a.lo() == lo) {
                return true;
            }
        }
        return false;
    }

    /**
     * True for what a router never forwards: IPv4 multicast (224.0.0.0/4), limited broadcast and a destination
     * or source in 0.0.0.0/8 or 169.254.0.0/16; IPv6 multicast (ff00::/8), link-local (fe80::/10) source or
     * destination, and the unspecified source (RFC 1812 5.3.7, RFC 4291 2.5.6). Nor is it answered with ICMP errors
     * (RFC 4443 2.4 (e)).
     */
    public static boolean linkScope(PacketSlot s) {
        if (s.ipVersion == 4) {
            long d = s.dstLo;
            long src = s.srcLo;
            return (d >>> 28) == 0xE
                    || d == 0xFFFF_FFFFL
                    || (d >>> 24) == 0
                    || (d >>> 16) == 0xA9FE
                    || (src >>> 16) == 0xA9FE;
        }
        return (s.dstHi >>> 56) == 0xFF
                || (s.dstHi >>> 54) == 0x3FA
                || (s.srcHi >>> 54) == 0x3FA
                || (s.srcHi == 0 && s.srcLo == 0);
    }

    /** True if the packet is addressed to one of the gateway's own port addresses (on either port). */
    public boolean toGateway(PacketSlot s) {
        for (int p = 0; p < 2; p++) {
            for (PortAddress a : addresses[p]) {
                IpAddress ip = a.address();
                if (ip.version() == s.ipVersion && ip.hi() == s.dstHi && ip.lo() == s.dstLo) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Answers an ICMP/ICMPv6 echo request addressed to the gateway (RFC 792, RFC 4443 4.2) by turning the frame
     * around in place and emitting it on the port it came from.
     *
     * @return true if it was an echo request and was answered
     */
    public boolean echo(PacketSlot s) {
        boolean v4 = s.ipVersion == 4;
        if (!(v4 ? s.l4Proto == 1 && s.icmpType == 8 : s.l4Proto == 58 && s.icmpType == 128)) {
            return false;
        }
        byte[] b = s.data;
        long dmac = EthernetHeader.dstMac(b, 0);
        EthernetHeader.dstMac(b, 0, EthernetHeader.srcMac(b, 0));
        EthernetHeader.srcMac(b, 0, portMac[s.ingressPort] >= 0 ? portMac[s.ingressPort] : dmac);
        int l3 = s.l3Offset;
        if (v4) {
            long src = Bytes.u32(b, l3 + 12);
            Bytes.u32(b, l3 + 12, Bytes.u32(b, l3 + 16));
            Bytes.u32(b, l3 + 16, src);
            b[l3 + 8] = 64;
            Checksum.setIpv4Header(b, l3);
            b[s.l4Offset] = 0;
        } else {
            for (int i = 0; i < 16; i += 8) {
                long src = Bytes.i64(b, l3 + 8 + i);
                Bytes.i64(b, l3 + 8 + i, Bytes.i64(b, l3 + 24 + i));
                Bytes.i64(b, l3 + 24 + i, src);
            }
            b[l3 + 7] = 64;
            b[s.l4Offset] = (byte) 129;
        }
        long sh = s.srcHi;
        long sl = s.srcLo;
        s.srcHi = s.dstHi;
        s.srcLo = s.dstLo;
        s.dstHi = sh;
        s.dstLo = sl;
        Checksum.computeL4(s);
        emitter.emit(b, 0, s.l3Offset + s.l3Length, s.ingressPort);
        counters.inc(Counter.ROUTER_ECHO_REPLIES);
        return true;
    }

    private boolean onLink(int p, int v, long hi, long lo) {
        for (PortAddress a : addresses[p]) {
            if (a.onLink(v, hi, lo)) {
                return true;
            }
        }
        return false;
    }

    private PortAddress source(int p, int v) {
        for (PortAddress a : addresses[p]) {
            if (a.address().version() == v) {
                return a;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Link layer in: ARP and neighbour discovery
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Handles an ARP frame (the decoder passed it as non-IP). ARP over Ethernet:
     *
     * <pre>
     *  htype 1 | ptype 0x0800 | hlen 6 | plen 4 | op (1 request, 2 reply) | sha(6) spa(4) tha(6) tpa(4)
     * </pre>
     *
     * @return true if it was ARP (consumed: answered and/or learnt)
     */
    public boolean arp(PacketSlot s, long nowMs) {
        if (s.etherType != ETH_ARP) {
            return false;
        }
        byte[] b = s.data;
        int a = s.l3Offset;
        if (a + 28 > s.length
                || Bytes.u16(b, a) != 1
                || Bytes.u16(b, a + 2) != ETH_IPV4
                || b[a + 4] != 6
                || b[a + 5] != 4) {
            counters.inc(Counter.DROP_ARP_MALFORMED);
            return true;
        }
        int op = Bytes.u16(b, a + 6);
        long sha = mac(b, a + 8);
        long spa = Bytes.u32(b, a + 14);
        long tpa = Bytes.u32(b, a + 24);
        int p = s.ingressPort;
        if (spa != 0) {
            learned(p, 0, spa, sha, nowMs);
        }
        if (op == 1 && owns(p, 4, 0, tpa) && portMac[p] >= 0) {
            emitter.emit(out.data, 0, arpFrame(sha, 2, portMac[p], tpa, sha, spa), p);
            counters.inc(Counter.ROUTER_ARP_REPLIES);
        }
        return true;
    }

    /**
     * Handles ICMPv6 neighbour discovery (types 133-137): answers a neighbour solicitation for an owned address
     * with an advertisement (solicited, override, router flags), learns from solicitations' source link-layer
     * option and advertisements' target link-layer option; router solicitations/advertisements are consumed.
     *
     * @return true if it was neighbour discovery (consumed)
     */
    public boolean ndp(PacketSlot s, long nowMs) {
        // A small test that the JIT inlines into every packet's path; the body is a call only for ND messages.
        if (s.ipVersion != 6 || s.l4Proto != 58 || s.icmpType < 133 || s.icmpType > 137) {
            return false;
        }
        return ndpMessage(s, nowMs);
    }

    private boolean ndpMessage(PacketSlot s, long nowMs) {
        byte[] b = s.data;
        int icmp = s.l4Offset;
        int end = s.l3Offset + s.l3Length;
        int p = s.ingressPort;
        if (s.ttl != 255 || icmp + 24 > end) {
            counters.inc(Counter.DROP_NDP_MALFORMED); // RFC 4861 7.1.1: hop limit must be 255
            return true;
        }
        long tHi = Bytes.i64(b, icmp + 8);
        long tLo = Bytes.i64(b, icmp + 16);
        long lladdr = option(b, icmp + 24, end, s.icmpType == 135 ? 1 : 2);
        if (s.icmpType == 135) {
            boolean dad = s.srcHi == 0 && s.srcLo == 0;
            if (!dad && lladdr >= 0) {
                learned(p, s.srcHi, s.srcLo, lladdr, nowMs);
            }
            if (!dad && owns(p, 6, tHi, tLo) && portMac[p] >= 0) {
                long dstMac = lladdr >= 0 ? lladdr : EthernetHeader.srcMac(b, 0);
                int f = ipv6(dstMac, portMac[p], tHi, tLo, s.srcHi, s.srcLo, 32);
                // Router, solicited, override; the target link-layer address option (type 2).
                ndMessage(f, 136, 0xE000_0000L, tHi, tLo, 2, portMac[p]);
                emitIcmp6(f + 32, p);
                counters.inc(Counter.ROUTER_NDP_ADVERTISEMENTS);
            }
        } else if (s.icmpType == 136 && lladdr >= 0) {
            learned(p, tHi, tLo, lladdr, nowMs);
        }
        return true;
    }

    private static long option(byte[] b, int off, int end, int type) {
        while (off + 8 <= end) {
            int t = b[off] & 0xFF;
            int len = (b[off + 1] & 0xFF) * 8;
            if (len == 0) {
                return -1;
            }
            if (t == type && len >= 8) {
                return mac(b, off + 2);
            }
            off += len;
        }
        return -1;
    }

    /** Passive learning from a received IP frame's source (on-link sources only when the port has addresses). */
    public void learn(PacketSlot s, long nowMs) {
        int p = s.ingressPort;
        if (addresses[p].length > 0 && !onLink(p, s.ipVersion, s.srcHi, s.srcLo)) {
            return;
        }
        long src = EthernetHeader.srcMac(s.data, 0);
        if (src == portMac[0] || src == portMac[1]) {
            return;
        }
        learned(p, s.srcHi, s.srcLo, src, nowMs);
    }

    private void learned(int p, long hi, long lo, long m, long nowMs) {
        if (neighbors.current(p, hi, lo, m, nowMs)) {
            return;
        }
        int j = neighbors.learn(p, hi, lo, m, nowMs);
        int len = neighbors.takePending(j, parked);
        if (len > 0) {
            if (portMac[p] >= 0) {
                EthernetHeader.srcMac(parked, 0, portMac[p]);
            }
            EthernetHeader.dstMac(parked, 0, m);
            emitter.emit(parked, 0, len, p);
            counters.inc(Counter.ROUTER_PENDING_SENT);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Forwarding out
    // ------------------------------------------------------------------------------------------------------------

    /** Result of {@link #resolve}. */
    public static final int SEND = 0;

    public static final int WAIT = 1;
    public static final int NO_ROUTE = 2;

    /**
     * Sets the frame's MACs for its egress port, choosing the next hop.
     *
     * @return {@link #SEND}, {@link #WAIT} (the packet was parked while the next hop is resolved) or
     *     {@link #NO_ROUTE}
     */
    public int resolve(PacketSlot s, long nowMs) {
        int p = s.egressPort;
        byte[] b = s.data;
        if (portMac[p] >= 0) {
            EthernetHeader.srcMac(b, 0, portMac[p]);
        }
        if (addresses[p].length == 0) {
            // No addresses (replay-friendly): the destination is the next hop, and an unknown one keeps the
            // frame's own destination MAC. Kept small so that it inlines into the forwarding path.
            long m = neighbors.lookup(p, s.dstHi, s.dstLo, nowMs);
            if (m >= 0) {
                EthernetHeader.dstMac(b, 0, m);
            }
            return SEND;
        }
        return resolveConfigured(s, p, nowMs);
    }

    /** {@link #resolve} for a port with addresses: on-link or routed next hop, resolved or parked. */
    private int resolveConfigured(PacketSlot s, int p, long nowMs) {
        byte[] b = s.data;
        int v = s.ipVersion;
        long hi = s.dstHi;
        long lo = s.dstLo;
        if (!onLink(p, v, hi, lo)) {
            Route best = null;
            for (Route r : routes) {
                IpAddress via = r.via();
                if (r.destination().contains(v, hi, lo)
                        && onLink(p, via.version(), via.hi(), via.lo())
                        && (best == null
                                || r.destination().length() > best.destination().length())) {
                    best = r;
                }
            }
            if (best == null) {
                return NO_ROUTE;
            }
            hi = best.via().hi();
            lo = best.via().lo();
        }
        long m = neighbors.lookup(p, hi, lo, nowMs);
        if (m >= 0) {
            EthernetHeader.dstMac(b, 0, m);
            return SEND;
        }
        if (portMac[p] < 0) {
            return SEND; // no MAC of its own to ask from: keep the frame's destination MAC
        }
        if (neighbors.park(p, hi, lo, b, s.length, nowMs)) {
            solicit(p, v, hi, lo);
        }
        counters.inc(Counter.ROUTER_NEIGHBOR_WAIT);
        return WAIT;
    }

    private void solicit(int p, int v, long hi, long lo) {
        PortAddress src = source(p, v);
        if (src == null) {
            return;
        }
        byte[] o = out.data;
        if (v == 4) {
            emitter.emit(
                    o,
                    0,
                    arpFrame(0xFFFF_FFFF_FFFFL, 1, portMac[p], src.address().lo(), 0, lo),
                    p);
        } else {
            // Solicited-node multicast ff02::1:ffXX:XXXX and its MAC 33:33:ff:XX:XX:XX (RFC 4291 2.7.1, RFC 2464 7).
            long low24 = lo & 0xFF_FFFFL;
            int f = ipv6(
                    0x3333_FF00_0000L | low24,
                    portMac[p],
                    src.address().hi(),
                    src.address().lo(),
                    0xFF02_0000_0000_0000L,
                    0x0000_0001_FF00_0000L | low24,
                    32);
            ndMessage(f, 135, 0, hi, lo, 1, portMac[p]); // the source link-layer address option (type 1)
            emitIcmp6(f + 32, p);
        }
        counters.inc(Counter.ROUTER_NEIGHBOR_REQUESTS);
    }

    /**
     * Answers a packet whose TTL/hop limit ran out with ICMP time exceeded, from the ingress port's address,
     * quoting as much of it as fits in 576 (IPv4, RFC 1812 4.3.2.3) or 1280 (IPv6, RFC 4443 2.4) bytes.
     */
    public void timeExceeded(PacketSlot s) {
        int p = s.ingressPort;
        PortAddress src = source(p, s.ipVersion);
        if (src == null || portMac[p] < 0) {
            return;
        }
        long prevHop = EthernetHeader.srcMac(s.data, 0);
        byte[] o = out.data;
        int quoteMax;
        int f;
        if (s.ipVersion == 4) {
            f = ethernet(prevHop, portMac[p], ETH_IPV4);
            quoteMax = 576 - 20 - 8;
        } else {
            f = 14;
            quoteMax = 1280 - 40 - 8;
        }
        int quote = Math.min(s.l3Length, quoteMax);
        int icmpLen = 8 + quote;
        int icmp;
        if (s.ipVersion == 4) {
            int ip = f;
            o[ip] = 0x45;
            o[ip + 1] = 0;
            Bytes.u16(o, ip + 2, 20 + icmpLen);
            Bytes.u32(o, ip + 4, 0);
            o[ip + 8] = 64;
            o[ip + 9] = 1;
            Bytes.u16(o, ip + 10, 0);
            Bytes.u32(o, ip + 12, src.address().lo());
            Bytes.u32(o, ip + 16, s.srcLo);
            Checksum.setIpv4Header(o, ip);
            icmp = ip + 20;
            o[icmp] = 11;
        } else {
            icmp = ipv6(prevHop, portMac[p], src.address().hi(), src.address().lo(), s.srcHi, s.srcLo, icmpLen);
            o[icmp] = 3;
        }
        o[icmp + 1] = 0;
        Bytes.u16(o, icmp + 2, 0);
        Bytes.u32(o, icmp + 4, 0);
        System.arraycopy(s.data, s.l3Offset, o, icmp + 8, quote);
        int len = icmp + icmpLen;
        out.length = len;
        if (decoder.decode(out) == null) {
            Checksum.computeL4(out);
            emitter.emit(o, 0, len, p);
            counters.inc(Counter.ROUTER_TIME_EXCEEDED_SENT);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Frame building
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Writes a neighbour solicitation (135) or advertisement (136) body at {@code f} (RFC 4861 4.3, 4.4): type,
     * code 0, checksum 0 (filled later), the flags word, the target address, and one link-layer address option.
     */
    private void ndMessage(int f, int type, long flags, long tHi, long tLo, int optionType, long mac) {
        byte[] o = out.data;
        o[f] = (byte) type;
        o[f + 1] = 0;
        Bytes.u16(o, f + 2, 0);
        Bytes.u32(o, f + 4, flags);
        Bytes.i64(o, f + 8, tHi);
        Bytes.i64(o, f + 16, tLo);
        o[f + 24] = (byte) optionType;
        o[f + 25] = 1;
        putMac(o, f + 26, mac);
    }

    /** Writes an Ethernet ARP frame (RFC 826, IPv4 over Ethernet) into {@link #out}; returns its length. */
    private int arpFrame(long dstMac, int op, long sha, long spa, long tha, long tpa) {
        int f = ethernet(dstMac, sha, ETH_ARP);
        byte[] o = out.data;
        Bytes.u16(o, f, 1);
        Bytes.u16(o, f + 2, ETH_IPV4);
        o[f + 4] = 6;
        o[f + 5] = 4;
        Bytes.u16(o, f + 6, op);
        putMac(o, f + 8, sha);
        Bytes.u32(o, f + 14, spa);
        putMac(o, f + 18, tha);
        Bytes.u32(o, f + 24, tpa);
        return f + 28;
    }

    private int ethernet(long dst, long src, int type) {
        byte[] o = out.data;
        putMac(o, 0, dst);
        putMac(o, 6, src);
        Bytes.u16(o, 12, type);
        return 14;
    }

    /** Writes Ethernet + IPv6 (hop limit 255, ICMPv6) and returns the ICMPv6 offset. */
    private int ipv6(long dstMac, long srcMac, long sHi, long sLo, long dHi, long dLo, int payloadLen) {
        int ip = ethernet(dstMac, srcMac, ETH_IPV6);
        byte[] o = out.data;
        Bytes.u32(o, ip, 0x6000_0000L);
        Bytes.u16(o, ip + 4, payloadLen);
        o[ip + 6] = 58;
        o[ip + 7] = (byte) 255;
        Bytes.i64(o, ip + 8, sHi);
        Bytes.i64(o, ip + 16, sLo);
        Bytes.i64(o, ip + 24, dHi);
        Bytes.i64(o, ip + 32, dLo);
        return ip + 40;
    }

    private void emitIcmp6(int end, int port) {
        out.length = end;
        if (decoder.decode(out) == null) {
            Checksum.computeL4(out);
            emitter.emit(out.data, 0, end, port);
        }
    }

    static long mac(byte[] b, int off) {
        return ((long) Bytes.u16(b, off) << 32) | Bytes.u32(b, off + 2);
    }

    static void putMac(byte[] b, int off, long m) {
        Bytes.u16(b, off, (int) (m >>> 32));
        Bytes.u32(b, off + 2, m & 0xFFFF_FFFFL);
    }
}
