package io.ftpalg.engine.nat;

import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.config.DnatRule;
import io.ftpalg.engine.config.IpAddress;
import io.ftpalg.engine.config.SnatRule;
import io.ftpalg.engine.config.StaticNat;
import io.ftpalg.engine.flow.FlowTable;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.stats.Counter;

/**
 * Decides, for the first packet of a new flow, what the flow's REPLY tuple is: that is, which NAT applies and
 * whether the firewall admits the flow at all. Rules are compiled once into primitive arrays.
 *
 * <p>Order, for a flow that starts inside: firewall outbound policy (allow, deny, or only TCP to listed ports), static 1:1 (by inside address), source NAT
 * (first rule whose prefix holds the source). For a flow that starts outside: static 1:1 (by outside address),
 * destination NAT (protocol, address, port range; a pool member chosen by the rule's policy), then the inbound policy: with {@code firewall inbound deny}
 * (the default) an outside-initiated flow that no rule translates is refused. Expected FTP data connections are
 * admitted before this class is asked.
 *
 * <p>Source ports (RFC 4787 REQ-1 style endpoint-independent choice is not attempted): the original port is kept
 * when the resulting reply tuple is free, as Linux does; otherwise ports are tried from a hash of the tuple through
 * the rule's range, at most {@link #PORT_TRIES} of them. Among several external addresses a source host always
 * gets the same one (hash of the inside address), so that its control and data connections share an address.
 */
public final class NatPolicy {
    public static final int PORT_TRIES = 256;

    private final FlowTable flows;
    private final boolean inboundAllow;
    private final boolean outboundAllow;

    private final int[] inboundPorts;
    private final int[] outboundPorts;
    private final SnatRule[] snat;
    private final DnatRule[] dnat;
    private final StaticNat[] statics;
    /** Next member of each dnat rule's pool under round-robin (per engine, so per pipeline worker). */
    private final int[] roundRobin;
    /** False while {@link #check} plans without taking a round-robin turn. */
    private boolean advance = true;

    /** The reply tuple chosen by {@link #plan}. */
    public long replySrcHi, replySrcLo, replyDstHi, replyDstLo;

    public int replySport, replyDport;
    /** What was applied, for counters. */
    public boolean sourceMapped, destinationMapped, portRemapped;
    /** The destination was chosen from a load-balancing pool. */
    public boolean balanced;

    private int ruleLo, ruleHi;

    public NatPolicy(Config config, FlowTable flows) {
        this.flows = flows;
        this.inboundAllow = config.inboundAllow();
        this.outboundAllow = config.outboundAllow();
        this.inboundPorts =
                config.inboundPorts().stream().mapToInt(Integer::intValue).toArray();
        this.outboundPorts =
                config.outboundPorts().stream().mapToInt(Integer::intValue).toArray();
        this.snat = config.snat().toArray(new SnatRule[0]);
        this.dnat = config.dnat().toArray(new DnatRule[0]);
        this.statics = config.statics().toArray(new StaticNat[0]);
        this.roundRobin = new int[dnat.length];
    }

    /**
     * Whether a new flow would be admitted, like {@link #plan} but without moving a round-robin pool to its next
     * member (the engine asks this of a packet addressed to one of the gateway's own addresses, which may also be a
     * virtual address, before it plans the flow for real).
     */
    public Counter check(PacketSlot s) {
        advance = false;
        Counter c = plan(s);
        advance = true;
        return c;
    }

    /**
     * Plans NAT for a new flow whose first packet is in {@code s}.
     *
     * @return null when admitted (the reply tuple fields are set), else the drop counter
     */
    public Counter plan(PacketSlot s) {
        Counter c = decide(s);
        return c != null ? c : resolve(s);
    }

    /** The dnat rule {@link #decide} applied, or -1. */
    private int lastDnat;

    /**
     * What {@link #plan} decides before it makes the reply port unique: admitted (null, reply tuple fields set, the
     * reply port as the rule would take it) or the drop counter.
     */
    private Counter decide(PacketSlot s) {
        lastDnat = -1;
        int v = s.ipVersion;
        replySrcHi = s.dstHi;
        replySrcLo = s.dstLo;
        replySport = s.dstPort;
        replyDstHi = s.srcHi;
        replyDstLo = s.srcLo;
        replyDport = s.srcPort;
        sourceMapped = destinationMapped = portRemapped = balanced = false;
        ruleLo = 1024;
        ruleHi = 65535;

        if (s.ingressPort == PacketSlot.PORT_INSIDE) {
            if (!outboundAllow && !allowedPort(outboundPorts, s)) {
                return Counter.DROP_OUTBOUND_DENIED;
            }
            for (StaticNat st : statics) {
                IpAddress in = st.inside();
                if (in.version() == v && in.hi() == s.srcHi && in.lo() == s.srcLo) {
                    replyDstHi = st.outside().hi();
                    replyDstLo = st.outside().lo();
                    sourceMapped = true;
                    return null;
                }
            }
            for (SnatRule r : snat) {
                if (r.from().contains(v, s.srcHi, s.srcLo)) {
                    int n = r.to().size();
                    IpAddress ext = r.to().get(n == 1 ? 0 : Math.floorMod(mix(s.srcHi, s.srcLo), n));
                    replyDstHi = ext.hi();
                    replyDstLo = ext.lo();
                    ruleLo = r.portLo();
                    ruleHi = r.portHi();
                    sourceMapped = true;
                    return null;
                }
            }
            return null;
        }
        for (StaticNat st : statics) {
            IpAddress outside = st.outside();
            if (outside.version() == v && outside.hi() == s.dstHi && outside.lo() == s.dstLo) {
                replySrcHi = st.inside().hi();
                replySrcLo = st.inside().lo();
                destinationMapped = true;
                return null;
            }
        }
        for (int i = 0; i < dnat.length; i++) {
            DnatRule r = dnat[i];
            IpAddress ext = r.externalAddress();
            if (r.proto() == s.l4Proto
                    && ext.version() == v
                    && ext.hi() == s.dstHi
                    && ext.lo() == s.dstLo
                    && s.dstPort >= r.externalPortLo()
                    && s.dstPort <= r.externalPortHi()) {
                IpAddress in = r.pool().get(select(i, r, s));
                replySrcHi = in.hi();
                replySrcLo = in.lo();
                replySport = r.internalPortLo() + (s.dstPort - r.externalPortLo());
                destinationMapped = true;
                balanced = r.balanced();
                lastDnat = i;
                return null;
            }
        }
        if (!inboundAllow && !allowedPort(inboundPorts, s)) {
            return Counter.DROP_INBOUND_UNSOLICITED;
        }
        return null;
    }

    /**
     * The pool member of dnat rule {@code i} for a new flow: client-hash is a hash of the source address only (not
     * its port), so a client's every control connection meets the same server; round-robin takes the next member.
     * FTP data connections never come here: their expectation names the control connection's server.
     */
    private int select(int i, DnatRule r, PacketSlot s) {
        int n = r.pool().size();
        if (n == 1) {
            return 0;
        }
        if (r.select() == DnatRule.Select.ROUND_ROBIN) {
            int k = roundRobin[i];
            if (advance) {
                roundRobin[i] = k + 1 == n ? 0 : k + 1;
            }
            return k;
        }
        return Math.floorMod(mix(s.srcHi, s.srcLo), n);
    }

    /**
     * Whether the rules of this policy would still admit an existing flow, and translate it as it is translated: a
     * reload keeps a flow only then (as a restart of a stateful firewall with the new rules would treat its first
     * packet). {@code probe} is a scratch slot the caller owns. The NAT port a flow got stays its own: a
     * source-mapped flow passes when its port lies in the rule's range (or is its original port, kept); a flow behind
     * a load-balancing rule passes when its server is still in the pool. Expected FTP data connections are not asked
     * here (they live on with their control connection).
     */
    public boolean admits(FlowTable flows, int flow, PacketSlot probe) {
        int o = FlowTable.ORIGINAL;
        int r = FlowTable.REPLY;
        long m = flows.meta(flow, o);
        probe.ipVersion = FlowTable.metaVersion(m);
        probe.l4Proto = FlowTable.metaProto(m);
        probe.srcHi = flows.srcHi(flow, o);
        probe.srcLo = flows.srcLo(flow, o);
        probe.dstHi = flows.dstHi(flow, o);
        probe.dstLo = flows.dstLo(flow, o);
        probe.srcPort = FlowTable.metaSrcPort(m);
        probe.dstPort = FlowTable.metaDstPort(m);
        probe.ingressPort = flows.originPort(flow);
        advance = false;
        Counter c = decide(probe);
        advance = true;
        if (c != null) {
            return false;
        }
        long rm = flows.meta(flow, r);
        boolean echo = probe.l4Proto == 1 || probe.l4Proto == 58;
        boolean srcOk = replySrcHi == flows.srcHi(flow, r) && replySrcLo == flows.srcLo(flow, r);
        if (!srcOk && balanced && lastDnat >= 0) {
            for (IpAddress in : dnat[lastDnat].pool()) {
                if (in.hi() == flows.srcHi(flow, r) && in.lo() == flows.srcLo(flow, r)) {
                    srcOk = true;
                }
            }
        }
        if (!srcOk || replyDstHi != flows.dstHi(flow, r) || replyDstLo != flows.dstLo(flow, r)) {
            return false;
        }
        if (echo) {
            return true;
        }
        if (replySport != FlowTable.metaSrcPort(rm)) {
            return false;
        }
        int port = FlowTable.metaDstPort(rm);
        return sourceMapped ? port == probe.srcPort || (port >= ruleLo && port <= ruleHi) : port == replyDport;
    }

    /** A new TCP flow to one of the ports a restrictive firewall keeps open. */
    private static boolean allowedPort(int[] ports, PacketSlot s) {
        if (s.l4Proto != 6) {
            return false;
        }
        for (int p : ports) {
            if (p == s.dstPort) {
                return true;
            }
        }
        return false;
    }

    /**
     * Makes the planned reply tuple unique: if another flow already owns it, tries other source ports from the
     * range (only when this flow is source-mapped; otherwise the clash is the same connection seen twice and the
     * caller's lookup would have found it).
     */
    private Counter resolve(PacketSlot s) {
        return resolveReplyPort(s.ipVersion, s.l4Proto, sourceMapped, ruleLo, ruleHi)
                ? null
                : Counter.DROP_NAT_PORTS_EXHAUSTED;
    }

    /**
     * Ensures {@code replyDport} makes the reply tuple unique, remapping it within {@code [lo, hi]} when
     * {@code mayRemap}. Also used for FTP data connections admitted by an expectation.
     */
    public boolean resolveReplyPort(int ipVersion, int proto, boolean mayRemap, int lo, int hi) {
        if (free(ipVersion, proto, replyDport)) {
            return true;
        }
        if (!mayRemap || proto != 6 && proto != 17 && proto != 1 && proto != 58) {
            return false;
        }
        int span = hi - lo + 1;
        int start = Math.floorMod(mix(replyDstLo ^ replySrcLo, ((long) replySport << 16) ^ replyDport), span);
        int tries = Math.min(span, PORT_TRIES);
        for (int i = 0; i < tries; i++) {
            int p = lo + (start + i) % span;
            if (free(ipVersion, proto, p)) {
                replyDport = p;
                portRemapped = true;
                return true;
            }
        }
        return false;
    }

    private boolean free(int ipVersion, int proto, int dport) {
        int sport = replySport;
        if (proto == 1 || proto == 58) {
            // ICMP echo: the identifier stands for both ports.
            sport = dport;
        }
        return flows.lookup(
                        replySrcHi, replySrcLo, replyDstHi, replyDstLo, FlowTable.meta(ipVersion, proto, sport, dport))
                == FlowTable.NONE;
    }

    public void setReply(long srcHi, long srcLo, int sport, long dstHi, long dstLo, int dport) {
        replySrcHi = srcHi;
        replySrcLo = srcLo;
        replySport = sport;
        replyDstHi = dstHi;
        replyDstLo = dstLo;
        replyDport = dport;
        sourceMapped = destinationMapped = portRemapped = balanced = false;
    }

    static int mix(long a, long b) {
        long h = (a * 0x9E3779B97F4A7C15L) ^ (b * 0xC2B2AE3D27D4EB4FL);
        h ^= h >>> 29;
        return (int) (h ^ (h >>> 32));
    }
}
