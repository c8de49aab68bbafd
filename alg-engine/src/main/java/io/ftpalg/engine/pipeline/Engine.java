package io.ftpalg.engine.pipeline;

import io.ftpalg.engine.codec.Checksum;
import io.ftpalg.engine.codec.Decoder;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.config.FtpConfig;
import io.ftpalg.engine.config.MacAddress;
import io.ftpalg.engine.config.Mode;
import io.ftpalg.engine.expect.Expectation;
import io.ftpalg.engine.expect.ExpectationTable;
import io.ftpalg.engine.flow.Addresses;
import io.ftpalg.engine.flow.FlowState;
import io.ftpalg.engine.flow.FlowTable;
import io.ftpalg.engine.flow.ResetResponder;
import io.ftpalg.engine.flow.SourceBudget;
import io.ftpalg.engine.flow.TcpTracker;
import io.ftpalg.engine.ftp.ControlKeepalive;
import io.ftpalg.engine.ftp.FtpControl;
import io.ftpalg.engine.ftp.FtpDetector;
import io.ftpalg.engine.ftp.FtpEndpoint;
import io.ftpalg.engine.ftp.FtpNegotiator;
import io.ftpalg.engine.ftp.FtpSessions;
import io.ftpalg.engine.nat.HeaderRewriter;
import io.ftpalg.engine.nat.IcmpErrorTranslator;
import io.ftpalg.engine.nat.NatPolicy;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.router.Router;
import io.ftpalg.engine.seqadj.SeqAdjust;
import io.ftpalg.engine.state.EngineState;
import io.ftpalg.engine.state.StateDir;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.stats.Counters;

/**
 * The ALG engine: one instance per worker thread, one entry point, {@link #process(PacketSlot)}, that takes a
 * received frame and leaves it ready to transmit (verdict {@link #FORWARD}, {@link PacketSlot#egressPort} set) or
 * says why not. The same engine runs live and in offline replay; time is the slot's timestamp, never a clock
 * call, so a replay is deterministic.
 *
 * <pre>
 *   frame ─► Decoder ─► fragment / TTL policy ─┬─ ICMP error ─► IcmpErrorTranslator ───────────────┐
 *                                              └─ flow lookup ─► (new: expectation? else NatPolicy)  │
 *                                                    ─► TcpTracker ─► FtpControl (control flows only)│
 *                                                    ─► HeaderRewriter (NAT) ─► TTL ─► checksum ─────┴─► egress
 * </pre>
 *
 * <p>Established packets touch only primitive arrays: the flow index, the state word, the header rewrite. The
 * Chronicle Map of expectations is read only when a new TCP connection matches no flow, and written only when a
 * control line negotiates a data connection.
 */
public final class Engine implements FtpNegotiator, AutoCloseable {
    public static final int FORWARD = 0;
    public static final int DROP = 1;
    /** The packet's bytes were kept (an incomplete FTP line, or a next hop being resolved); nothing to send now. */
    public static final int HELD = 2;
    /** The frame was for the gateway itself (ARP, neighbour discovery) and was handled. */
    public static final int LOCAL = 3;

    /**
     * Flows examined for expiry per sweep; a sweep runs at most every {@link #SWEEP_INTERVAL_MS} of packet time,
     * so a table of a million flows is walked in under two minutes. A packet of an expired flow that arrives
     * before the sweep gets there finds the flow expired on lookup anyway.
     */
    private static final int SWEEP_FLOWS = 1024;

    private static final int SWEEP_SESSIONS = 64;
    private static final long SWEEP_INTERVAL_MS = 100;
    /** Source addresses tracked by the new-flow budget (2 MiB). */
    private static final int SOURCE_BUDGET_SLOTS = 65536;

    private Config config;
    private FtpConfig ftpConfig;
    private final boolean router;
    private final Counters counters = new Counters();
    private final EventSink events;

    private final Decoder decoder = new Decoder();
    private Router routerStage;
    private final FlowTable flows;
    private TcpTracker tcp;
    private NatPolicy nat;
    private SourceBudget sourceBudget;
    private final IcmpErrorTranslator icmpErrors;
    private final FtpSessions sessions;
    private final SeqAdjust seqAdjust;
    private final ExpectationTable expectations;
    private FtpControl ftp;
    private ControlKeepalive keepalive;
    private ResetResponder resets;
    /** FTP recognised on other ports ({@code ftp detect}); null when off. */
    private FtpDetector detector;

    private final Expectation expectation = new Expectation();
    private final Expectation scratch = new Expectation();
    private final ExpectationTable.Removed onExpired;
    private final ExpectationTable.Removed onRemovedWithControl;
    private final ExpectationTable.Removed onRemovedOnReset;

    /** The last drop reason, for callers that report per packet (replay). */
    private Counter lastDrop;

    /**
     * Time of the last sweep. Not Long.MIN_VALUE: {@code now - Long.MIN_VALUE} overflows to a negative number for
     * any positive clock, and the sweep would never run (flows would then expire only when a packet finds them).
     */
    private long lastSweepMs = Long.MIN_VALUE / 2;

    private long nowNanos;

    /** Set at construction; a reload keeps it. */
    private final int slotCapacity;

    private Emitter emitter;

    /** The state directory's files ({@code run --state-dir}), or null: nothing persisted. */
    private final EngineState state;

    public Engine(Config config, EventSink events, int slotCapacity) {
        this(config, events, slotCapacity, null);
    }

    /**
     * An engine whose tables live on in {@code stateDir} (null: in memory only): restored from it now (what was
     * restored is in {@link #state()}'s report), synced to it at every sweep, written cleanly at {@link #close}.
     *
     * @throws io.ftpalg.engine.state.StateException when the directory's files cannot be used (the message says
     *     why and what to do)
     */
    public Engine(Config config, EventSink events, int slotCapacity, StateDir stateDir) {
        this.slotCapacity = slotCapacity;
        this.config = config;
        this.ftpConfig = config.ftp();
        this.router = config.mode() == Mode.ROUTER;
        this.events = events;
        this.routerStage = new Router(config, counters);
        this.flows = new FlowTable(config.limits().maxFlows());
        this.tcp = new TcpTracker(config.timeouts());
        this.nat = new NatPolicy(config, flows);
        this.sourceBudget = new SourceBudget(
                config.limits().perSourceRate(), config.limits().perSourceBurst(), SOURCE_BUDGET_SLOTS);
        this.icmpErrors = new IcmpErrorTranslator(flows);
        this.sessions = new FtpSessions(ftpConfig.sessions(), ftpConfig.maxLine());
        this.seqAdjust = new SeqAdjust(ftpConfig.sessions() * 2);
        this.state = stateDir == null
                ? null
                : new EngineState(stateDir, flows, sessions, seqAdjust, new long[] {
                    ftpConfig.sessions(), ftpConfig.maxExpectPerSession(), ftpConfig.maxExpect()
                });
        this.expectations = openExpectations(ftpConfig, state, stateDir);
        if (state != null) {
            try {
                state.restore(expectations);
            } catch (RuntimeException e) {
                // Anything a restore trips over (a map Chronicle cannot read back) is a refusal with the reason.
                expectations.close();
                state.crash();
                throw e instanceof io.ftpalg.engine.state.StateException se
                        ? se
                        : new io.ftpalg.engine.state.StateException(
                                "cannot restore the state in " + stateDir.dir() + ": " + e
                                        + " (run with --state-reset to start with empty state)",
                                e);
            }
        }
        this.ftp = new FtpControl(sessions, seqAdjust, flows, ftpConfig, this, counters, events, slotCapacity);
        this.keepalive = new ControlKeepalive(sessions, flows, ftpConfig.keepaliveMs());
        this.resets = new ResetResponder(
                config.limits(),
                router ? macValue(config.inside().mac()) : -1,
                router ? macValue(config.outside().mac()) : -1);
        this.detector = ftpConfig.detect().enabled() ? new FtpDetector(ftpConfig, flows.capacity()) : null;
        this.onExpired = e -> {
            counters.inc(Counter.EXPECT_EXPIRED);
            reportExpectation("expired", e, "not used within ftp expect-timeout");
        };
        this.onRemovedWithControl = e -> {
            counters.inc(Counter.EXPECT_REMOVED_WITH_CONTROL);
            reportExpectation("removed", e, "control connection ended");
        };
        this.onRemovedOnReset = e -> {
            counters.inc(Counter.EXPECT_REMOVED_ON_RESET);
            reportExpectation("removed", e, "control connection reset");
        };
    }

    /**
     * The expectation table: in memory, or the state directory's persisted map. A map Chronicle cannot recover is
     * refused (StateException), or with {@code --state-reset} replaced by an empty one.
     */
    private static ExpectationTable openExpectations(FtpConfig ftp, EngineState state, StateDir dir) {
        if (state == null) {
            return new ExpectationTable(ftp.sessions(), ftp.maxExpectPerSession(), ftp.maxExpect());
        }
        java.io.File file = state.expectationMapFile();
        try {
            return new ExpectationTable(ftp.sessions(), ftp.maxExpectPerSession(), ftp.maxExpect(), file);
        } catch (IllegalStateException e) {
            if (dir.reset() && file.delete()) {
                try {
                    return new ExpectationTable(ftp.sessions(), ftp.maxExpectPerSession(), ftp.maxExpect(), file);
                } catch (IllegalStateException again) {
                    state.crash();
                    throw new io.ftpalg.engine.state.StateException(again.getMessage(), again);
                }
            }
            state.crash();
            throw new io.ftpalg.engine.state.StateException(
                    e.getMessage() + " (run with --state-reset to start with empty state)", e);
        }
    }

    private static long macValue(MacAddress mac) {
        return mac == null ? -1 : mac.value();
    }

    public Counters counters() {
        return counters;
    }

    /** The config this engine runs (changed by {@link #apply}, on the engine's thread). */
    public Config config() {
        return config;
    }

    public FlowTable flows() {
        return flows;
    }

    public ExpectationTable expectations() {
        return expectations;
    }

    /** The persisted state (what was restored, what syncing costs), or null when nothing is persisted. */
    public EngineState state() {
        return state;
    }

    public Counter lastDrop() {
        return lastDrop;
    }

    /**
     * Processes one frame.
     *
     * @return {@link #FORWARD}, {@link #DROP} (reason in {@link #lastDrop()} and counted) or {@link #HELD}
     */
    public int process(PacketSlot s) {
        counters.inc(Counter.RX_FRAMES);
        nowNanos = s.timestampNanos;
        long now = s.timestampNanos / 1_000_000L;
        if (now - lastSweepMs >= SWEEP_INTERVAL_MS) {
            sweep(now);
        }
        int ingress = s.ingressPort;
        if (ingress != PacketSlot.PORT_INSIDE && ingress != PacketSlot.PORT_OUTSIDE) {
            return drop(Counter.DROP_UNKNOWN_INGRESS);
        }
        Counter c = decoder.decode(s);
        if (c != null) {
            if (c == Counter.PASS_NON_IP) {
                if (router) {
                    if (routerStage.arp(s, now)) {
                        return LOCAL;
                    }
                    // A router does not bridge link-layer protocols between its networks.
                    return drop(Counter.DROP_NON_IP_ROUTED);
                }
                counters.inc(c);
                return forward(s, otherPort(ingress));
            }
            return drop(c);
        }
        if (router) {
            routerStage.learn(s, now);
            if (routerStage.ndp(s, now)) {
                return LOCAL;
            }
        }
        if (s.fragment != PacketSlot.FRAG_NONE) {
            // Policy: fragments are not reassembled. A later fragment carries no ports, so it cannot be matched
            // to a NAT mapping; TCP (all FTP traffic) does not fragment when PMTU discovery works, which the ICMP
            // translation below keeps working.
            return drop(Counter.DROP_FRAGMENT);
        }
        if (router && Router.linkScope(s)) {
            // Multicast, broadcast and link-local traffic stays on its link (MLD, router solicitations, mDNS).
            counters.inc(Counter.ROUTER_LINK_SCOPE);
            return LOCAL;
        }
        if (router && s.ttl <= 1) {
            routerStage.timeExceeded(s);
            return drop(Counter.DROP_TTL_EXCEEDED);
        }
        int proto = s.l4Proto;
        if (proto == 1 || proto == 58) {
            if (IcmpErrorTranslator.isError(s)) {
                Counter e = icmpErrors.translate(s);
                if (e != null) {
                    return drop(e);
                }
                counters.inc(Counter.NAT_ICMP_ERROR_TRANSLATED);
                return finish(s, icmpErrors.flow, icmpErrors.dir);
            }
            if (!isEcho(s)) {
                counters.inc(Counter.PASS_ICMP_OTHER);
                return finishUntracked(s, ingress);
            }
        } else if (proto != 6 && proto != 17) {
            counters.inc(Counter.PASS_IP_OTHER_PROTOCOL);
            return finishUntracked(s, ingress);
        }

        long meta = FlowTable.meta(s.ipVersion, proto, s.srcPort, s.dstPort);
        int ref = flows.lookup(s.srcHi, s.srcLo, s.dstHi, s.dstLo, meta);
        int flow;
        int dir;
        if (ref != FlowTable.NONE && flows.deadline(ref >>> 1) - now <= 0 && !keptAlive(ref >>> 1, now)) {
            expire(ref >>> 1, Counter.FLOW_EXPIRED);
            ref = FlowTable.NONE;
        }
        if (ref != FlowTable.NONE
                && proto == 6
                && (ref & 1) == FlowTable.ORIGINAL
                && (s.tcpFlags & (TcpHeader.SYN | TcpHeader.ACK | TcpHeader.FIN | TcpHeader.RST)) == TcpHeader.SYN) {
            int st = FlowState.tcp(flows.state(ref >>> 1));
            if (st == FlowState.TCP_TIME_WAIT || st == FlowState.TCP_CLOSE) {
                // A new connection on the tuple of one that closed (RFC 9293 3.10.7.4 allows the reuse): as Linux
                // does, the old flow goes and this SYN makes a new one, so nothing of the old connection (its FTP
                // session and sequence offsets, a detection verdict, data-connection links) carries over.
                expire(ref >>> 1, Counter.FLOW_REOPENED);
                ref = FlowTable.NONE;
            }
        }
        if (ref == FlowTable.NONE && router && routerStage.toGateway(s)) {
            // Addressed to the gateway itself and no NAT flow: answer pings, drop the rest (it runs no services).
            if (routerStage.echo(s)) {
                return LOCAL;
            }
            // From outside, an FTP data connection to a NAT address that is also the gateway's own (masquerade on
            // the outside port's address, or a load balancer's virtual address there) has no dnat rule for its
            // port: its expectation admits it (createFlow), so it must get that far. A stray segment of an expired
            // NATed flow gets the same answer as any unknown flow (flows reset-expired).
            if (ingress == PacketSlot.PORT_INSIDE) {
                return drop(Counter.DROP_TO_GATEWAY);
            }
            if (nat.check(s) != null) {
                if (proto != 6) {
                    return drop(Counter.DROP_TO_GATEWAY);
                }
                if (!TcpTracker.opensFlow(s.tcpFlags)) {
                    if (resets.wants(s)) {
                        resetUnknown(s, now);
                    }
                    return drop(Counter.DROP_TO_GATEWAY);
                }
                if (!expectations.exists(s.ipVersion, s.srcHi, s.srcLo, s.dstHi, s.dstLo, s.dstPort, FlowTable.NONE)) {
                    return drop(Counter.DROP_TO_GATEWAY);
                }
            }
        }
        if (ref == FlowTable.NONE) {
            if (proto == 6 && !TcpTracker.opensFlow(s.tcpFlags)) {
                if (resets.wants(s)) {
                    resetUnknown(s, now);
                }
                return drop(Counter.DROP_TCP_NO_FLOW);
            }
            flow = createFlow(s, meta, now);
            if (flow < 0) {
                return DROP;
            }
            dir = FlowTable.ORIGINAL;
        } else {
            flow = ref >>> 1;
            dir = ref & 1;
            int expectedIngress =
                    dir == FlowTable.ORIGINAL ? flows.originPort(flow) : otherPort(flows.originPort(flow));
            if (ingress != expectedIngress) {
                return drop(Counter.DROP_WRONG_PORT);
            }
        }

        int word = flows.state(flow);
        if (proto == 6) {
            int next;
            if ((s.tcpFlags & TcpHeader.RST) != 0
                    && flows.session(flow) >= 0
                    && !ftp.resetAcceptable(s, flow, dir, flows.session(flow))) {
                // A RST its receiver will not accept (RFC 5961 section 3.2: not at the next byte it expects; a blind
                // or stale one) leaves the control connection as it is, here as there: closing the flow on it would
                // let a SYN on the tuple start a new flow and drop the session's sequence offsets while both ends
                // carry on. It goes on to the receiver, which answers it with a challenge ACK.
                counters.inc(Counter.TCP_RESET_NOT_ACCEPTED);
                next = word;
            } else {
                next = tcp.update(word, dir, s.tcpFlags);
            }
            if (next == TcpTracker.INVALID) {
                return drop(Counter.DROP_TCP_INVALID);
            }
            if ((s.tcpFlags & TcpHeader.RST) != 0) {
                counters.inc(Counter.TCP_RESET_SEEN);
            }
            word = next;
            flows.state(flow, word);
            flows.deadline(flow, now + tcp.timeoutMs(word));
            int session = flows.session(flow);
            if (session < 0 && (word & FlowState.FTP_DETECT) != 0) {
                session = detect(s, flow, dir);
            }
            if (session >= 0) {
                Counter v = ftp.process(s, flow, dir, session, now);
                if (v != null) {
                    if (v == Counter.FTP_LINES_HELD) {
                        return HELD;
                    }
                    if (v == Counter.FTP_LINE_LIMIT_RESET) {
                        // A line or reply past ftp max-*-line: a RST back to its sender (as if from the receiver),
                        // and the segment itself goes on as a RST to its receiver, without the line.
                        resets.resetSender(s);
                        ftp.resetTowardsReceiver(s, session, dir);
                        removeOnReset(session);
                        flows.state(flow, FlowState.withTcp(word, FlowState.TCP_CLOSE));
                        flows.deadline(flow, now + tcp.timeoutMs(flows.state(flow)));
                        return finish(s, flow, dir);
                    }
                    return drop(v);
                }
                if ((s.tcpFlags & TcpHeader.RST) != 0 && ftp.isReset(session)) {
                    removeOnReset(session);
                }
                if (keepalive.enabled()) {
                    keepalive.record(s, flow, session, dir, now);
                }
            }
        } else {
            if (dir == FlowTable.REPLY) {
                word |= FlowState.REPLY_SEEN | FlowState.ASSURED;
                flows.state(flow, word);
            }
            flows.deadline(flow, now + genericTimeout(proto, word));
        }
        return finish(s, flow, dir);
    }

    /** NAT rewrite, TTL, checksum and egress for a packet of a tracked flow. */
    private int finish(PacketSlot s, int flow, int dir) {
        int other = 1 - dir;
        long m = flows.meta(flow, other);
        HeaderRewriter.setSource(s, flows.dstHi(flow, other), flows.dstLo(flow, other), FlowTable.metaDstPort(m));
        HeaderRewriter.setDestination(s, flows.srcHi(flow, other), flows.srcLo(flow, other), FlowTable.metaSrcPort(m));
        int egress = dir == FlowTable.ORIGINAL ? otherPort(flows.originPort(flow)) : flows.originPort(flow);
        return finishUntracked(s, otherPort(egress));
    }

    private int finishUntracked(PacketSlot s, int ingress) {
        if (router) {
            HeaderRewriter.decrementTtl(s);
        }
        if (s.csumPartial | s.gsoType != 0) {
            Checksum.finishOffloaded(s); // a partial checksum or a super-frame (PACKET_VNET_HDR)
        } else if (s.l4Dirty) {
            Checksum.computeL4(s);
            s.l4Dirty = false;
        }
        return forward(s, otherPort(ingress));
    }

    private int forward(PacketSlot s, int egress) {
        s.egressPort = egress;
        if (router && s.ipVersion != 0) {
            int r = routerStage.resolve(s, nowNanos / 1_000_000L);
            if (r == Router.NO_ROUTE) {
                return drop(Counter.DROP_NO_ROUTE);
            }
            if (r == Router.WAIT) {
                return HELD;
            }
        }
        counters.inc(Counter.TX_FORWARDED);
        return FORWARD;
    }

    /**
     * Where the engine's own frames go (router mode: ARP/neighbour answers and requests, ICMP time exceeded, a
     * packet that waited for its next hop; both modes: resets for unknown flows, keepalive probes). Set once, before
     * traffic.
     */
    public void setEmitter(Emitter emitter) {
        this.emitter = emitter;
        routerStage.setEmitter(emitter);
        keepalive.setEmitter(emitter);
        resets.setEmitter(emitter);
    }

    /**
     * A TCP segment without a flow, on a side {@code flows reset-expired} covers: answered with a reset (rate
     * limited) unless it belongs to a data connection an FTP negotiation expects (the gateway is about to admit
     * that connection, a reset would kill it). Slow path: stray segments only.
     */
    private void resetUnknown(PacketSlot s, long now) {
        if (expectations.exists(s.ipVersion, s.srcHi, s.srcLo, s.dstHi, s.dstLo, s.dstPort, FlowTable.NONE)) {
            counters.inc(Counter.TCP_RESET_SKIPPED_EXPECTED);
            return;
        }
        counters.inc(resets.respond(s, now));
    }

    private int drop(Counter reason) {
        counters.inc(reason);
        lastDrop = reason;
        return DROP;
    }

    private static int otherPort(int port) {
        return port ^ 1;
    }

    private static boolean isEcho(PacketSlot s) {
        int t = s.icmpType;
        return s.l4Proto == 1 ? (t == 8 || t == 0) : (t == 128 || t == 129);
    }

    private long genericTimeout(int proto, int word) {
        if (proto == 17) {
            return (word & FlowState.REPLY_SEEN) != 0
                    ? config.timeouts().udpStreamMs()
                    : config.timeouts().udpMs();
        }
        return config.timeouts().icmpMs();
    }

    // ------------------------------------------------------------------------------------------------------------
    // New flows
    // ------------------------------------------------------------------------------------------------------------

    /** Creates the flow a first packet opens; returns the flow, or -1 after counting the drop. */
    private int createFlow(PacketSlot s, long meta, long now) {
        int proto = s.l4Proto;
        boolean data = false;
        if (proto == 6) {
            int r = expectations.consume(s.ipVersion, s.srcHi, s.srcLo, s.dstHi, s.dstLo, s.dstPort, now, expectation);
            if (r == ExpectationTable.EXPIRED) {
                counters.inc(Counter.EXPECT_EXPIRED);
                reportExpectation("expired", expectation, "not used within ftp expect-timeout");
            } else if (r == ExpectationTable.MATCHED) {
                // A refused match (wrong port, control gone) falls through to the ordinary policy below.
                data = admitExpected(s);
            }
        }
        if (!data) {
            if (!sourceBudget.take(s.ipVersion, s.srcHi, s.srcLo, now)) {
                drop(Counter.DROP_SOURCE_BUDGET);
                return -1;
            }
            Counter c = nat.plan(s);
            if (c != null) {
                drop(c);
                return -1;
            }
        }
        int flow = flows.allocate();
        if (flow == FlowTable.NONE) {
            int victim = flows.evictCandidate(now, true);
            if (victim != FlowTable.NONE && flows.deadline(victim) - now <= 0 && keptAlive(victim, now)) {
                victim = flows.evictCandidate(now, true); // one more look: the control connection stays
                if (victim != FlowTable.NONE && flows.deadline(victim) - now <= 0 && keptAlive(victim, now)) {
                    victim = FlowTable.NONE;
                }
            }
            if (victim == FlowTable.NONE || (data && victim == expectation.controlFlow)) {
                // Never make room for a data connection by evicting its own control connection (its session and
                // expectations would go with it, and the record handed back would be the control's).
                drop(Counter.DROP_FLOW_TABLE_FULL);
                return -1;
            }
            expire(victim, flows.deadline(victim) - now <= 0 ? Counter.FLOW_EXPIRED : Counter.FLOW_EVICTED);
            flow = flows.allocate();
        }
        flows.setTuple(flow, FlowTable.ORIGINAL, s.srcHi, s.srcLo, s.dstHi, s.dstLo, meta);
        int rs = nat.replySport;
        int rd = nat.replyDport;
        if (proto == 1 || proto == 58) {
            rs = rd; // echo identifier
        }
        flows.setTuple(
                flow,
                FlowTable.REPLY,
                nat.replySrcHi,
                nat.replySrcLo,
                nat.replyDstHi,
                nat.replyDstLo,
                FlowTable.meta(s.ipVersion, proto, rs, rd));
        flows.insert(flow);
        flows.originPort(flow, (byte) s.ingressPort);
        int word = FlowState.LIVE | (proto == 6 ? FlowState.TCP_NONE : FlowState.GENERIC);
        counters.inc(Counter.FLOW_CREATED);
        if (events.flowEventsEnabled()) { // text only when someone listens to flow events (conntrack -E)
            events.flow(
                    nowNanos,
                    "new",
                    flows.describe(flow, FlowTable.ORIGINAL),
                    flows.describe(flow, FlowTable.REPLY),
                    null);
        }
        if (nat.sourceMapped) {
            counters.inc(Counter.NAT_SOURCE_MAPPED);
        }
        if (nat.destinationMapped) {
            counters.inc(Counter.NAT_DESTINATION_MAPPED);
        }
        if (nat.portRemapped) {
            counters.inc(Counter.NAT_PORT_REMAPPED);
        }
        if (nat.balanced) {
            counters.inc(Counter.NAT_BALANCED);
        }
        if (data) {
            word |= FlowState.FTP_DATA;
            flows.linkChild(flow, expectation.controlFlow);
        } else if (proto == 6 && (ftpConfig.isControlPort(s.dstPort) || ftpConfig.isControlPort(nat.replySport))) {
            int session = sessions.allocate(flow);
            if (session < 0) {
                counters.inc(Counter.FTP_SESSIONS_EXHAUSTED);
            } else {
                flows.session(flow, session);
                seqAdjust.reset(session * 2);
                seqAdjust.reset(session * 2 + 1);
                word |= FlowState.FTP_CONTROL;
                counters.inc(Counter.FTP_CONTROL_FLOWS);
            }
        } else if (proto == 6 && detector != null && (detector.covers(s.dstPort) || detector.covers(nat.replySport))) {
            // Not an ftp port: FTP only if the first exchange proves it (FtpDetector).
            word |= FlowState.FTP_DETECT;
            detector.start(flow);
            counters.inc(Counter.FTP_DETECT_INSPECTED);
        }
        flows.state(flow, word);
        return flow;
    }

    /**
     * One segment of a connection whose first exchange is being inspected: attaches an FTP session when the
     * detector recognises FTP (the same segment then goes to FtpControl), or marks the connection not FTP for
     * good. Returns the session, or -1.
     */
    private int detect(PacketSlot s, int flow, int dir) {
        Counter v = detector.inspect(s, flow, dir);
        if (v == null) {
            return -1;
        }
        int word = flows.state(flow) & ~FlowState.FTP_DETECT;
        if (v != Counter.FTP_DETECT_ATTACHED) {
            flows.state(flow, word | FlowState.NOT_FTP);
            counters.inc(v);
            if (events.enabled()) {
                notice(flow, "not-ftp-detected", v.label + ": connection left alone, never read as FTP");
            }
            return -1;
        }
        int session = sessions.allocate(flow);
        if (session < 0) {
            // Left alone like an ftp-port connection that finds no session: forwarded, never read.
            flows.state(flow, word | FlowState.NOT_FTP);
            counters.inc(Counter.FTP_SESSIONS_EXHAUSTED);
            notice(flow, "ftp-detected", "FTP recognised but all ftp sessions are in use: not attached");
            return -1;
        }
        flows.session(flow, session);
        seqAdjust.reset(session * 2);
        seqAdjust.reset(session * 2 + 1);
        detector.attach(sessions, session, flow);
        flows.state(flow, word | FlowState.FTP_CONTROL);
        counters.inc(Counter.FTP_CONTROL_FLOWS);
        counters.inc(Counter.FTP_DETECT_ATTACHED);
        notice(flow, "ftp-detected", "220 greeting and FTP first command seen: attached as an FTP control connection");
        return session;
    }

    /**
     * Sets the reply tuple of a data connection that an expectation admitted: destination to what the announcing
     * host listens on, source to the address that host knows its control peer by, source port kept if free.
     *
     * <p>Active mode (the data connection comes from the control connection's server): by RFC 959 convention the
     * server connects from port 20, or from N-1 when its control port is N, and some client-side firewalls insist
     * on it. Through NAT (a server behind dnat, static or a load balancer) that port is kept; N-1 is carried over
     * to the outside control port (a server on 2121 published as 21 connects from 2120, which the client sees as
     * 20). When another connection already holds that source port towards the same client address and port (two
     * sessions' data connections from port 20 to one client endpoint), the port is remapped and counted: never
     * two flows on one tuple. {@code ftp data-source-port strict} refuses an active data connection from any other
     * port; by default any is accepted, like Linux (pure-ftpd connects from port 2 over IPv6).
     */
    private boolean admitExpected(PacketSlot s) {
        Expectation e = expectation;
        int ctrl = e.controlFlow;
        boolean controlAlive = flows.inUse(ctrl) && flows.generation[ctrl] == e.controlGeneration;
        if (!controlAlive || s.ingressPort != e.ingressPort) {
            reportExpectation("refused", e, controlAlive ? "arrived on the wrong port" : "control connection gone");
            return false;
        }
        // The control connection's server as the data connection's side sees it: the reply tuple's source.
        boolean fromServer =
                flows.srcHi(ctrl, FlowTable.REPLY) == s.srcHi && flows.srcLo(ctrl, FlowTable.REPLY) == s.srcLo;
        int serverControlPort = FlowTable.metaSrcPort(flows.meta(ctrl, FlowTable.REPLY));
        boolean conventional = fromServer && s.srcPort > 0 && (s.srcPort == 20 || s.srcPort == serverControlPort - 1);
        if (fromServer && !conventional && ftpConfig.strictDataSourcePort()) {
            counters.inc(Counter.FTP_DATA_SOURCE_PORT_REFUSED);
            if (events.enabled()) { // the reason is built only when someone listens (no garbage otherwise)
                reportExpectation(
                        "refused",
                        e,
                        "active data connection from source port " + s.srcPort + ", not 20 or "
                                + (serverControlPort - 1) + " (ftp data-source-port strict)");
            }
            return false;
        }
        int sport = s.srcPort;
        int outsideControlPort = FlowTable.metaDstPort(flows.meta(ctrl, FlowTable.ORIGINAL));
        if (conventional && sport != 20 && outsideControlPort > 1) {
            sport = outsideControlPort - 1; // N-1 as the client knows N
        }
        nat.setReply(e.realDstHi, e.realDstLo, e.realDstPort, e.newSrcHi, e.newSrcLo, sport);
        boolean remap = e.newSrcHi != s.srcHi || e.newSrcLo != s.srcLo || sport != s.srcPort;
        if (!nat.resolveReplyPort(s.ipVersion, 6, remap, 1024, 65535)) {
            reportExpectation("refused", e, "no free source port for the translated data connection");
            return false;
        }
        if (conventional && remap) {
            counters.inc(
                    nat.replyDport == sport
                            ? Counter.NAT_DATA_SOURCE_PORT_KEPT
                            : Counter.NAT_DATA_SOURCE_PORT_REMAPPED);
        }
        counters.inc(Counter.EXPECT_USED);
        reportExpectation("used", e, null);
        return true;
    }

    // ------------------------------------------------------------------------------------------------------------
    // FtpNegotiator: a control line announced a data endpoint
    // ------------------------------------------------------------------------------------------------------------

    @Override
    public boolean negotiate(int flow, int dir, int kind, FtpEndpoint ep, FtpEndpoint rewriteTo, long nowMs) {
        int other = 1 - dir;
        int v = FlowTable.metaVersion(flows.meta(flow, dir));
        long realHi = flows.srcHi(flow, dir);
        long realLo = flows.srcLo(flow, dir);
        if (kind == FtpNegotiator.EPSV_229) {
            ep.ipVersion = v;
            ep.addrHi = realHi;
            ep.addrLo = realLo;
        }
        if (ep.ipVersion != v) {
            counters.inc(Counter.FTP_FAMILY_MISMATCH);
            if (events.enabled()) { // the text is built only when someone listens (refusals are attacker-driven)
                notice(
                        flow,
                        "family-mismatch",
                        "IPv" + ep.ipVersion + " endpoint announced on an IPv" + v
                                + " control connection: left unchanged, no expectation");
            }
            return false;
        }
        boolean own = ep.addrHi == realHi && ep.addrLo == realLo;
        // A server that already advertises the address its clients connect to (a public PASV address behind
        // DNAT) means itself; Linux makes no expectation then and passive mode fails.
        boolean publicSelf = dir == FlowTable.REPLY
                && ep.addrHi == flows.dstHi(flow, FlowTable.ORIGINAL)
                && ep.addrLo == flows.dstLo(flow, FlowTable.ORIGINAL);
        if (!own && !publicSelf) {
            if (!ftpConfig.loose()) {
                counters.inc(Counter.FTP_BOUNCE_REFUSED);
                if (events.enabled()) { // the text is built only when someone listens (refusals are attacker-driven)
                    notice(
                            flow,
                            "bounce-refused",
                            FtpNegotiator.name(kind) + " names "
                                    + Addresses.format(v, ep.addrHi, ep.addrLo, ep.port)
                                    + ", not the sender's own address " + Addresses.format(v, realHi, realLo, -1)
                                    + ": no expectation (RFC 2577 bounce guard; 'ftp loose yes' relaxes it)");
                }
                return false;
            }
        }
        if (ep.port < ftpConfig.minDataPort()) {
            counters.inc(Counter.FTP_LOW_PORT_REFUSED);
            if (events.enabled()) { // the text is built only when someone listens (refusals are attacker-driven)
                notice(
                        flow,
                        "low-port-refused",
                        FtpNegotiator.name(kind) + " names port " + ep.port + ", below ftp min-data-port "
                                + ftpConfig.minDataPort() + ": no expectation");
            }
            return false;
        }
        Expectation e = expectation;
        e.ipVersion = v;
        // The data connection comes from the control peer, as seen on its own side...
        e.peerHi = flows.srcHi(flow, other);
        e.peerLo = flows.srcLo(flow, other);
        // ...to the announcer as that peer knows it (the control connection's translated address), or, in loose
        // mode for a third address, to that address unchanged.
        if (own || publicSelf) {
            e.dstHi = flows.dstHi(flow, other);
            e.dstLo = flows.dstLo(flow, other);
            e.realDstHi = realHi;
            e.realDstLo = realLo;
        } else {
            e.dstHi = e.realDstHi = ep.addrHi;
            e.dstLo = e.realDstLo = ep.addrLo;
        }
        e.realDstPort = ep.port;
        e.dstPort = ep.port;
        boolean translated = e.dstHi != e.realDstHi || e.dstLo != e.realDstLo;
        if (translated) {
            // Prefer the same port, like Linux; step past ports another session already expects.
            // Behind a load balancer this is where two pool members offering one client the same passive port
            // are told apart: the key (client, virtual address, port) must name one server.
            for (int i = 0;
                    i < 64 && expectations.exists(v, e.peerHi, e.peerLo, e.dstHi, e.dstLo, e.dstPort, flow);
                    i++) {
                e.dstPort = e.dstPort == 65535 ? ftpConfig.minDataPort() : e.dstPort + 1;
            }
            if (e.dstPort != e.realDstPort) {
                counters.inc(Counter.NAT_EXPECT_PORT_SHIFTED);
            }
        }
        e.newSrcHi = flows.dstHi(flow, dir);
        e.newSrcLo = flows.dstLo(flow, dir);
        e.ingressPort = other == FlowTable.ORIGINAL ? flows.originPort(flow) : otherPort(flows.originPort(flow));
        e.controlFlow = flow;
        e.controlGeneration = flows.generation[flow];
        e.session = flows.session(flow);
        e.createdMs = nowMs;
        e.deadlineMs = nowMs + ftpConfig.expectTimeoutMs();
        int r = expectations.create(e, scratch);
        if (r == ExpectationTable.REFUSED_FULL) {
            counters.inc(Counter.EXPECT_REFUSED_TABLE_FULL);
            reportExpectation("refused", e, "expectation table full (ftp max-expect " + expectations.maxTotal() + ")");
            return false;
        }
        if (r == ExpectationTable.REPLACED_OLDEST) {
            counters.inc(Counter.EXPECT_REPLACED);
            reportExpectation("replaced", scratch, "ftp max-expect-per-session reached");
        }
        counters.inc(Counter.EXPECT_CREATED);
        reportExpectation("created", e, null);
        rewriteTo.ipVersion = v;
        rewriteTo.addrHi = e.dstHi;
        rewriteTo.addrLo = e.dstLo;
        rewriteTo.port = e.dstPort;
        return true;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reload: a new config, the same tables
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Why {@code next} cannot replace {@code current} without a restart, or null when it can: the mode, the ports
     * (interfaces, addresses, MACs), the pipeline and the table sizes (flows max, ftp sessions, max-line and the
     * expectation caps: the tables and their state files are sized by them) must stay as they are.
     */
    public static String restartNeeded(Config current, Config next) {
        if (current.mode() != next.mode()) {
            return "'mode' changed";
        }
        if (!current.inside().equals(next.inside()) || !current.outside().equals(next.outside())) {
            return "a 'port' line changed (interface, address or mac)";
        }
        if (!current.pipeline().equals(next.pipeline())) {
            return "'pipeline' changed";
        }
        if (current.limits().maxFlows() != next.limits().maxFlows()) {
            return "'flows max' changed";
        }
        FtpConfig a = current.ftp();
        FtpConfig b = next.ftp();
        if (a.sessions() != b.sessions()
                || a.maxLine() != b.maxLine()
                || a.maxExpect() != b.maxExpect()
                || a.maxExpectPerSession() != b.maxExpectPerSession()) {
            return "an FTP table size changed (ftp sessions, max-line, max-expect, max-expect-per-session)";
        }
        return null;
    }

    /**
     * The stages of a new config, built off the worker (any thread; nothing of the engine changes) so that the
     * worker only swaps them in ({@link #apply}).
     */
    public final class Reconfig {
        final Config next;
        final Router router;
        final TcpTracker tcpNext;
        final NatPolicy natNext;
        final SourceBudget budget;
        final FtpControl ftpNext;
        final ControlKeepalive keepaliveNext;
        final ResetResponder resetsNext;
        final FtpDetector detectorNext;
        final PacketSlot probe = new PacketSlot(64);

        Engine owner() {
            return Engine.this;
        }

        Reconfig(Config next) {
            this.next = next;
            boolean r = next.mode() == Mode.ROUTER;
            // The neighbour cache lives on unless the routes changed (ports and addresses cannot change here).
            this.router = next.routes().equals(config.routes()) ? routerStage : new Router(next, counters);
            this.tcpNext = new TcpTracker(next.timeouts());
            this.natNext = new NatPolicy(next, flows);
            this.budget = next.limits().equals(config.limits())
                    ? sourceBudget
                    : new SourceBudget(
                            next.limits().perSourceRate(), next.limits().perSourceBurst(), SOURCE_BUDGET_SLOTS);
            this.ftpNext =
                    new FtpControl(sessions, seqAdjust, flows, next.ftp(), Engine.this, counters, events, slotCapacity);
            this.keepaliveNext =
                    new ControlKeepalive(sessions, flows, next.ftp().keepaliveMs());
            this.resetsNext = new ResetResponder(
                    next.limits(),
                    r ? macValue(next.inside().mac()) : -1,
                    r ? macValue(next.outside().mac()) : -1);
            this.detectorNext = next.ftp().detect().enabled() ? new FtpDetector(next.ftp(), flows.capacity()) : null;
        }
    }

    /**
     * Builds the stages of {@code next} for {@link #apply}.
     *
     * @throws IllegalArgumentException when {@link #restartNeeded} says why it cannot be applied
     */
    public Reconfig prepare(Config next) {
        String why = restartNeeded(config, next);
        if (why != null) {
            throw new IllegalArgumentException(why + ": needs a restart");
        }
        return new Reconfig(next);
    }

    /**
     * On the engine's own thread, between two packets: swaps in the stages of the new config, then removes what
     * its rules no longer admit: a flow that {@link NatPolicy#admits} refuses (a firewall rule now denies it, or
     * its NAT mapping would now be another one) goes as an expiry would, its FTP session and expectations with
     * it (counted {@code flow-reload-dropped}, reported as a notice); an FTP data connection lives on exactly as
     * long as its control connection. Flows keep their deadlines (the new timeouts apply from their next packet).
     * Connections being examined by {@code ftp detect} are left alone from here on. Returns the flows removed.
     */
    public int apply(Reconfig r) {
        if (r.owner() != this) {
            throw new IllegalArgumentException("a Reconfig prepared for another engine");
        }
        this.config = r.next;
        this.ftpConfig = r.next.ftp();
        this.routerStage = r.router;
        this.tcp = r.tcpNext;
        this.nat = r.natNext;
        this.sourceBudget = r.budget;
        this.ftp = r.ftpNext;
        this.keepalive = r.keepaliveNext;
        this.resets = r.resetsNext;
        this.detector = r.detectorNext;
        if (emitter != null) {
            setEmitter(emitter);
        }
        int dropped = 0;
        // Control and plain connections first; data connections follow their control connection.
        for (int pass = 0; pass < 2; pass++) {
            for (int f = 0; f < flows.capacity(); f++) {
                if (!flows.inUse(f)) {
                    continue;
                }
                int word = flows.state(f);
                boolean data = (word & FlowState.FTP_DATA) != 0;
                if (data != (pass == 1)) {
                    continue;
                }
                boolean keep = data ? flows.parentLive(f) : nat.admits(flows, f, r.probe);
                if (!keep) {
                    if (events.enabled()) {
                        notice(
                                f,
                                "reload-dropped",
                                data
                                        ? "its control connection was dropped by the reload"
                                        : "the reloaded config's rules no longer admit it as it is translated");
                    }
                    expire(f, Counter.FLOW_RELOAD_DROPPED);
                    dropped++;
                } else if ((word & FlowState.FTP_DETECT) != 0) {
                    flows.state(f, (word & ~FlowState.FTP_DETECT) | FlowState.NOT_FTP);
                }
            }
        }
        counters.inc(Counter.CONFIG_RELOADED);
        return dropped;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Expiry
    // ------------------------------------------------------------------------------------------------------------

    /** Expires flows and expectations whose time has passed; a few at a time so no packet waits long. */
    private void sweep(long now) {
        lastSweepMs = now;
        for (int i = 0; i < SWEEP_FLOWS / FlowTable.EVICT_SCAN; i++) {
            int f = flows.evictCandidate(now, false);
            if (f != FlowTable.NONE && !keptAlive(f, now)) {
                expire(f, Counter.FLOW_EXPIRED);
            }
        }
        expectations.sweep(now, SWEEP_SESSIONS, scratch, onExpired);
        if (keepalive.enabled()) {
            counters.add(Counter.FTP_KEEPALIVE_PROBES, keepalive.sweep(now));
        }
        if (state != null) {
            state.sync(now); // a safe point: between two packets, the tables hang together
        }
    }

    /**
     * Advances the engine's clock without a packet (the live pipeline's idle tick), so that flows and expectations
     * expire on time when no traffic arrives.
     */
    public void tick(long timeNanos) {
        nowNanos = timeNanos;
        long now = timeNanos / 1_000_000L;
        if (now - lastSweepMs >= SWEEP_INTERVAL_MS) {
            sweep(now);
        }
    }

    /**
     * When this engine next needs {@link #tick} if no packet comes (clock of the slots, ns): never ({@code
     * Long.MAX_VALUE}) while it holds no flow and no expectation (nothing can expire, no keepalive can be due), else
     * its next sweep. The idle pipeline sleeps until then instead of ticking on a fixed period. Read by the worker
     * that owns the engine.
     */
    public long nextTickNanos() {
        if (flows.size() == 0 && expectations.size() == 0) {
            return Long.MAX_VALUE;
        }
        long next = lastSweepMs + SWEEP_INTERVAL_MS;
        return next <= 0 ? 0 : next * 1_000_000L; // never swept yet: due now
    }

    /** Runs expiry over the whole tables (end of a replay). */
    public void expireAll(long nowMs) {
        nowNanos = nowMs * 1_000_000L;
        // Data and other connections first, FTP control connections second: a control connection that a data
        // connection kept alive is free to go once that data connection has gone in the first pass.
        for (int pass = 0; pass < 2; pass++) {
            for (int f = 0; f < flows.capacity(); f++) {
                if (flows.inUse(f)
                        && ((flows.state(f) & FlowState.FTP_CONTROL) != 0) == (pass == 1)
                        && flows.deadline(f) - nowMs <= 0
                        && !keptAlive(f, nowMs)) {
                    expire(f, Counter.FLOW_EXPIRED);
                }
            }
        }
        expectations.sweep(nowMs, sessions.capacity(), scratch, onExpired);
    }

    /**
     * Scenario 5: an established FTP control connection whose idle time ran out while one of its data connections
     * is still in the table is not expired; its deadline moves one idle timeout on, and it is looked at again then.
     *
     * <p>Why here, when a flow is about to expire, and not when a data segment refreshes its own deadline: this
     * costs nothing per data packet (no store into the control connection's record, which sits on another cache
     * line, on every segment of a bulk transfer); it runs only at the rare moments a control connection's deadline
     * passes (the sweep, a lookup, an eviction: every path by which a flow can expire comes through here). The
     * data connection's presence is read from {@link FlowTable#children}, which {@link FlowTable#remove} keeps
     * exact. A consequence: the control connection lives until the last of its data connections has left the
     * table (closed and timed out of TIME_WAIT, reset and out of CLOSE, expired or evicted), then at most one more
     * idle timeout. A control connection that is closing (FIN or RST seen) is not held.
     */
    private boolean keptAlive(int flow, long now) {
        int word = flows.state(flow);
        if ((word & FlowState.FTP_CONTROL) == 0
                || FlowState.tcp(word) != FlowState.TCP_ESTABLISHED
                || flows.children[flow] == 0) {
            return false;
        }
        flows.deadline(flow, now + tcp.timeoutMs(word));
        counters.inc(Counter.FTP_CONTROL_KEPT_ALIVE);
        return true;
    }

    /**
     * A control connection that was reset takes its unused expectations with it at once, not when its flow expires:
     * a PORT or 227 that passed just before the reset may never have reached the application it was for (the
     * receiver's stack had already closed, and answered it with the RST that shows it), so nothing may still be
     * open on its word. Data connections already made are flows of their own and go on.
     */
    private void removeOnReset(int session) {
        if (expectations.sessionSize(session) > 0) {
            expectations.removeSession(session, scratch, onRemovedOnReset);
        }
    }

    private void expire(int flow, Counter why) {
        counters.inc(why);
        if (events.flowEventsEnabled()) {
            events.flow(
                    nowNanos,
                    "destroy",
                    flows.describe(flow, FlowTable.ORIGINAL),
                    flows.describe(flow, FlowTable.REPLY),
                    why.label);
        }
        int session = flows.session(flow);
        if (session >= 0) {
            expectations.removeSession(session, scratch, onRemovedWithControl);
            sessions.free(session);
        }
        flows.remove(flow);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reporting (slow path)
    // ------------------------------------------------------------------------------------------------------------

    private void reportExpectation(String action, Expectation e, String reason) {
        if (!events.enabled()) {
            return;
        }
        String control = flows.inUse(e.controlFlow) && flows.generation[e.controlFlow] == e.controlGeneration
                ? flows.describe(e.controlFlow, FlowTable.ORIGINAL)
                : "(ended)";
        String expected = "tcp " + Addresses.format(e.ipVersion, e.peerHi, e.peerLo, -1) + " -> "
                + Addresses.format(e.ipVersion, e.dstHi, e.dstLo, e.dstPort) + " => "
                + Addresses.format(e.ipVersion, e.realDstHi, e.realDstLo, e.realDstPort)
                + " (source seen as " + Addresses.format(e.ipVersion, e.newSrcHi, e.newSrcLo, -1) + ")";
        events.expectation(nowNanos, action, control, expected, reason);
    }

    private void notice(int flow, String kind, String text) {
        if (events.enabled()) {
            events.notice(nowNanos, kind, flows.describe(flow, FlowTable.ORIGINAL), text);
        }
    }

    /**
     * Test hook: stops using the state directory as a kill would leave it after a full sync (no clean stamp, no
     * flush), and closes the expectation map so that another engine in this process can recover it.
     */
    public void abandonForTest(long nowMs) {
        if (state != null) {
            state.abandon(nowMs);
        }
        expectations.close();
    }

    /** Test hook: a kill between two periodic syncs (the files as the last sync left them). */
    public void crashForTest() {
        if (state != null) {
            state.crash();
        }
        expectations.close();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Operator's access (WorkerCommand, on this engine's thread only)
    // ------------------------------------------------------------------------------------------------------------

    /** The engine's clock: the time of the last frame or tick it saw, in ms. */
    public long nowMs() {
        return nowNanos / 1_000_000L;
    }

    /** FTP control sessions in use. */
    public int ftpSessionsInUse() {
        return sessions.inUse();
    }

    /**
     * Deletes one flow as an expiry would (its FTP session and expectations go with it), if record {@code flow}
     * still holds the connection of {@code generation}. Counted as {@code flow-deleted}.
     */
    public boolean deleteFlow(int flow, int generation) {
        if (flow < 0 || flow >= flows.capacity() || !flows.inUse(flow) || flows.generation[flow] != generation) {
            return false;
        }
        expire(flow, Counter.FLOW_DELETED);
        return true;
    }

    /** Removes every expectation (counted as {@code expect-flushed}, reported as removed). Returns how many. */
    public int flushExpectations() {
        return expectations.removeAll(scratch, onFlushed);
    }

    private final ExpectationTable.Removed onFlushed = e -> {
        counters.inc(Counter.EXPECT_FLUSHED);
        reportExpectation("removed", e, "flushed by the operator");
    };

    @Override
    public void close() {
        if (state != null) {
            state.close();
        }
        expectations.close();
    }
}
