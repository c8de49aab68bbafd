package io.ftpalg.engine.testing;

import io.ftpalg.engine.codec.Decoder;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.pipeline.Engine;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.report.EventSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny network around one {@link Engine}: hosts on the inside and the outside with TCP endpoints that behave
 * like real stacks in the ways an ALG can break them. Every segment a host sends goes through the engine; every
 * segment the engine forwards is delivered to the host that owns its destination address on the egress side. The
 * receiving endpoint checks what a real receiver would notice:
 *
 * <ul>
 *   <li>each data segment starts exactly at the next byte it expects (a wrong sequence shift shows up as a gap
 *       or an overlap);
 *   <li>every acknowledgement it gets is for data it sent (never beyond its send next, never backwards);
 *   <li>checksums of everything delivered are valid.
 * </ul>
 *
 * Endpoints acknowledge every data segment at once, so acknowledgement translation is exercised on every
 * transfer. Time advances one millisecond per segment sent. Inputs and outputs of the engine are recorded, in
 * order, for golden captures; frames the engine makes itself (its {@code Emitter}: resets, keepalive probes, ARP)
 * are recorded as outputs where they were emitted and delivered after the engine returns, as the live pipeline's
 * transmit stage does. An endpoint answers a segment below its receive window (a keepalive probe) with an ACK, as
 * real stacks do (RFC 9293 section 3.10.7.4).
 */
public final class SimNet implements AutoCloseable {
    public static final String GW_INSIDE_MAC = "02:00:00:00:00:01";
    /** The receive window every end advertises (and checks a RST's sequence number against). */
    static final int WINDOW = 64240;

    public static final String GW_OUTSIDE_MAC = "02:00:00:00:00:02";

    /** {@code -Dsimnet.trace=true} prints every frame into the gateway, its verdict, and every delivery. */
    static final boolean TRACE = Boolean.getBoolean("simnet.trace");

    /** One frame seen at the engine: ingress for inputs, egress for outputs. */
    public record Frame(int port, long timeNanos, byte[] bytes) {}

    /** The gateway; {@link #replaceEngine} swaps it (a restart), the hosts and their connections stay. */
    public Engine engine;

    public final List<Frame> inputs = new ArrayList<>();
    public final List<Frame> outputs = new ArrayList<>();
    /** Problems any endpoint noticed; a correct gateway leaves this empty. */
    public final List<String> errors = new ArrayList<>();

    private final List<Host> hosts = new ArrayList<>();
    private final ArrayDeque<Frame> queue = new ArrayDeque<>();
    private final PacketSlot slot = new PacketSlot(Frames.SLOT_CAPACITY);
    private final PacketSlot rx = new PacketSlot(Frames.SLOT_CAPACITY);
    private final Decoder decoder = new Decoder();
    private long clockNanos = 1_700_000_000_000_000_000L;
    private int isn = 0x1000_0000;
    private int macSeq = 0x10;
    /** When false, segments a host sends are dropped before the engine (to model loss). */
    private boolean lossNext;
    /** Frames the engine emitted during the current call, to deliver once it returns. */
    private final List<Frame> emitted = new ArrayList<>();
    /** Time of the packet (or tick) the engine is processing, for the frames it emits. */
    private long engineClock;

    public SimNet(Config config) {
        this(config, EventSink.NONE);
    }

    public SimNet(Config config, EventSink events) {
        this(new Engine(config, events, Frames.SLOT_CAPACITY));
    }

    /**
     * A network around an existing engine (slot capacity {@link Frames#SLOT_CAPACITY}), so that many short
     * simulations can share one engine (creating one builds a Chronicle Map, about a second). {@link #close()}
     * closes the engine; a caller that shares it does not close this network.
     */
    public SimNet(Engine engine) {
        replaceEngine(engine);
    }

    /**
     * Puts another engine in the gateway's place (a restart of the gateway: the old one is not closed here), the
     * hosts and their TCP connections carrying on as real ones would across the gap.
     */
    public void replaceEngine(Engine engine) {
        this.engine = engine;
        engine.setEmitter((f, off, len, port) -> {
            Frame out = new Frame(port, engineClock, Arrays.copyOfRange(f, off, off + len));
            outputs.add(out);
            emitted.add(out);
        });
    }

    /** Frames the engine emitted itself (its Emitter), in order, with their egress ports. */
    public final List<Frame> emittedAll = new ArrayList<>();

    /**
     * Runs the engine's idle tick at the current clock (as the live pipeline does when no traffic arrives) and
     * delivers what it emitted. Frames emitted by a tick appear in {@link #outputs} but, having no input frame,
     * cannot be reproduced by a replay of {@link #inputs}: golden scripts do not tick.
     */
    public void tick() {
        engineClock = clockNanos;
        engine.tick(clockNanos);
        deliverEmitted();
    }

    private void deliverEmitted() {
        while (!emitted.isEmpty()) {
            Frame f = emitted.remove(0);
            emittedAll.add(f);
            deliver(f.port(), f.bytes());
        }
    }

    public Host host(String name, String ip, int side) {
        Host h = new Host(name, ip, side, String.format("02:00:00:00:01:%02x", macSeq++));
        hosts.add(h);
        return h;
    }

    /** The initial sequence number of the next connection opened or accepted (e.g. near 2^32 to test wrap). */
    public void setNextIsn(long isn) {
        this.isn = (int) isn - 0x0101_0000;
    }

    public void setClock(long nanos) {
        clockNanos = nanos;
    }

    public long clock() {
        return clockNanos;
    }

    public void advanceMillis(long ms) {
        clockNanos += ms * 1_000_000L;
    }

    /** The next segment a host sends is lost on its way to the gateway (it is not recorded as input either). */
    public void loseNext() {
        lossNext = true;
    }

    private void transmit(Host from, byte[] frame) {
        clockNanos += 1_000_000L;
        if (lossNext) {
            lossNext = false;
            return;
        }
        queue.add(new Frame(from.side, clockNanos, frame));
        if (queue.size() == 1) {
            drain();
        }
    }

    private void drain() {
        while (!queue.isEmpty()) {
            Frame f = queue.peek();
            inputs.add(f);
            System.arraycopy(f.bytes, 0, slot.data, 0, f.bytes.length);
            slot.length = f.bytes.length;
            slot.ingressPort = f.port;
            slot.timestampNanos = f.timeNanos;
            engineClock = f.timeNanos;
            if (TRACE) {
                trace("in  ", f.bytes);
            }
            int verdict = engine.process(slot);
            if (TRACE) {
                System.out.println("     verdict " + verdict + (verdict == Engine.DROP ? " " + engine.lastDrop() : ""));
            }
            if (verdict == Engine.FORWARD) {
                byte[] out = Arrays.copyOf(slot.data, slot.length);
                outputs.add(new Frame(slot.egressPort, f.timeNanos, out));
                deliverEmitted();
                deliver(slot.egressPort, out);
            } else {
                deliverEmitted();
            }
            queue.poll();
        }
    }

    private void deliver(int side, byte[] frame) {
        System.arraycopy(frame, 0, rx.data, 0, frame.length);
        rx.length = frame.length;
        if (decoder.decode(rx) != null || rx.l4Proto != 6) {
            return;
        }
        if (TRACE) {
            System.out.println("  out " + describeSegment(rx));
        }
        if (!io.ftpalg.engine.codec.Checksum.verifyL4(rx)) {
            errors.add("bad TCP checksum delivered: " + describe(rx));
            return; // the receiving TCP discards it
        }
        for (Host h : hosts) {
            if (h.side == side && h.hi == rx.dstHi && h.lo == rx.dstLo) {
                h.receive(rx);
                return;
            }
        }
        errors.add("no host for " + describe(rx) + " on side " + side);
    }

    private final PacketSlot traced = new PacketSlot(Frames.SLOT_CAPACITY);

    private void trace(String what, byte[] frame) {
        System.arraycopy(frame, 0, traced.data, 0, frame.length);
        traced.length = frame.length;
        System.out.println(what + (decoder.decode(traced) == null ? describeSegment(traced) : "(undecodable)"));
    }

    /** "a:p -> b:q [SA] seq 1 ack 2 "payload"", for traces. */
    private static String describeSegment(PacketSlot s) {
        StringBuilder b = new StringBuilder(describe(s)).append(" [");
        String names = "FSRPAU";
        for (int i = 0; i < names.length(); i++) {
            if ((s.tcpFlags & (1 << i)) != 0) {
                b.append(names.charAt(i));
            }
        }
        b.append("] seq ").append(s.seq).append(" ack ").append(s.ack).append(" \"");
        for (int i = 0; i < s.payloadLength; i++) {
            int c = s.data[s.payloadOffset + i] & 0xFF;
            b.append(c >= 32 && c < 127 ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return b.append('"').toString();
    }

    private static String describe(PacketSlot s) {
        return io.ftpalg.engine.flow.Addresses.format(s.ipVersion, s.srcHi, s.srcLo, s.srcPort) + " -> "
                + io.ftpalg.engine.flow.Addresses.format(s.ipVersion, s.dstHi, s.dstLo, s.dstPort);
    }

    @Override
    public void close() {
        engine.close();
    }

    /** A host with a TCP stack. */
    public final class Host {
        public final String name;
        public final String ip;
        public final int side;
        final String mac;
        final long hi, lo;
        final boolean v6;
        private final Map<Integer, List<Conn>> accepted = new HashMap<>();
        private final Map<String, Conn> conns = new HashMap<>();
        private final java.util.Set<Integer> listening = new java.util.HashSet<>();

        Host(String name, String ip, int side, String mac) {
            this.name = name;
            this.ip = ip;
            this.side = side;
            this.mac = mac;
            this.v6 = !PacketBuilder.isIpv4(ip);
            this.hi = v6 ? PacketBuilder.ipv6Hi(ip) : 0;
            this.lo = v6 ? PacketBuilder.ipv6Lo(ip) : PacketBuilder.ipv4(ip);
        }

        void sendFrame(byte[] frame) {
            transmit(this, frame);
        }

        public void listen(int port) {
            listening.add(port);
        }

        /** Opens a connection (handshake through the gateway) and returns it; check {@link Conn#established}. */
        public Conn connect(int localPort, String remoteIp, int remotePort) {
            Conn c = new Conn(this, localPort, remoteIp, remotePort, isn += 0x0101_0000);
            conns.put(c.key(), c);
            long iss = c.sndNxt;
            c.sndNxt = (iss + 1) & 0xFFFF_FFFFL;
            c.sendFlags(TcpHeader.SYN, iss, 0, new byte[0]);
            return c;
        }

        /** The connections accepted on a listening port, oldest first. */
        public List<Conn> accepted(int port) {
            return accepted.getOrDefault(port, List.of());
        }

        public Conn lastAccepted(int port) {
            List<Conn> l = accepted(port);
            if (l.isEmpty()) {
                throw new AssertionError(name + " accepted nothing on port " + port + "; errors " + errors);
            }
            return l.get(l.size() - 1);
        }

        void receive(PacketSlot s) {
            String remote = io.ftpalg.engine.flow.Addresses.format(s.ipVersion, s.srcHi, s.srcLo, -1);
            String key = s.dstPort + "|" + remote + "|" + s.srcPort;
            Conn c = conns.get(key);
            // A new SYN on the tuple of a connection that has closed (its FIN received: TIME_WAIT here) opens a new
            // connection, as real stacks allow (RFC 9293 3.10.7.4).
            // Only once both FINs passed (TIME_WAIT) or after a reset: a SYN on a half-closed connection
            // (CLOSE_WAIT) is a late retransmission, answered by the connection itself.
            boolean reuse = c != null && ((c.finReceived && c.finSent) || c.resetReceived || c.resetSent);
            if (c == null || reuse && (s.tcpFlags & (TcpHeader.SYN | TcpHeader.ACK)) == TcpHeader.SYN) {
                if ((s.tcpFlags & (TcpHeader.SYN | TcpHeader.ACK)) == TcpHeader.SYN && listening.contains(s.dstPort)) {
                    c = new Conn(this, s.dstPort, remote, s.srcPort, isn += 0x0101_0000);
                    c.rcvNxt = (s.seq + 1) & 0xFFFF_FFFFL;
                    c.iss0Ack = c.rcvNxt;
                    conns.put(key, c);
                    accepted.computeIfAbsent(s.dstPort, k -> new ArrayList<>()).add(c);
                    long iss = c.sndNxt;
                    c.sndNxt = (iss + 1) & 0xFFFF_FFFFL;
                    c.sendFlags(TcpHeader.SYN | TcpHeader.ACK, iss, c.rcvNxt, new byte[0]);
                    return;
                }
                errors.add(name + ": segment for no connection " + key);
                return;
            }
            c.receive(s);
        }
    }

    /** One end of a TCP connection. */
    public final class Conn {
        public final Host host;
        public final int localPort;
        public final String remoteIp;
        public final int remotePort;
        final long remoteHi, remoteLo;
        long sndNxt;
        long rcvNxt;
        long highestAck;
        /** This end's initial sequence number (its SYN's). */
        final long iss;

        public boolean established;
        public boolean finReceived;
        public boolean resetReceived;
        /** The RST this end received (its frame as delivered), or null. */
        public byte[] resetFrame;
        /** Segments below the window (keepalive probes) this end answered. */
        public int keepalivesAnswered;

        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private int taken;
        private int mss = 1460;

        Conn(Host host, int localPort, String remoteIp, int remotePort, long isn) {
            this.host = host;
            this.localPort = localPort;
            this.remoteIp = remoteIp;
            this.remotePort = remotePort;
            this.remoteHi = host.v6 ? PacketBuilder.ipv6Hi(remoteIp) : 0;
            this.remoteLo = host.v6 ? PacketBuilder.ipv6Lo(remoteIp) : PacketBuilder.ipv4(remoteIp);
            this.sndNxt = isn & 0xFFFF_FFFFL;
            this.iss = this.sndNxt;
            this.highestAck = this.sndNxt;
        }

        String key() {
            return localPort + "|" + remoteIp + "|" + remotePort;
        }

        public void mss(int mss) {
            this.mss = mss;
        }

        public long sndNxt() {
            return sndNxt;
        }

        /** The next sequence number this end expects from its peer (in its own view). */
        public long rcvNxt() {
            return rcvNxt;
        }

        /** Sends data, split at the MSS. */
        public void send(String ascii) {
            send(ascii.getBytes(StandardCharsets.ISO_8859_1));
        }

        /**
         * True while this end may still send data: not after its own FIN or a reset (a real stack cannot; segments
         * an attacker injects there go through {@link #sendRaw} or {@link #retransmit}).
         */
        public boolean canSend() {
            return !finSent && !closedByReset();
        }

        private void checkCanSend() {
            if (!canSend()) {
                throw new IllegalStateException(host.name + ":" + localPort + " sends after its FIN or a reset");
            }
        }

        public void send(byte[] data) {
            checkCanSend();
            for (int off = 0; off < data.length; off += mss) {
                byte[] seg = Arrays.copyOfRange(data, off, Math.min(data.length, off + mss));
                long seq = sndNxt;
                sndNxt = (seq + seg.length) & 0xFFFF_FFFFL;
                sendFlags(TcpHeader.PSH | TcpHeader.ACK, seq, rcvNxt, seg);
            }
        }

        /** Sends data split into the given pieces, one segment each (e.g. "PO", "RT 1,2,3,4,5,6\r\n"). */
        public void sendPieces(String... pieces) {
            checkCanSend();
            for (String p : pieces) {
                byte[] seg = p.getBytes(StandardCharsets.ISO_8859_1);
                long seq = sndNxt;
                sndNxt = (seq + seg.length) & 0xFFFF_FFFFL;
                sendFlags(TcpHeader.PSH | TcpHeader.ACK, seq, rcvNxt, seg);
            }
        }

        /** Retransmits bytes that were sent before, starting at original sequence {@code seq}. */
        public void retransmit(long seq, String ascii) {
            sendFlags(TcpHeader.PSH | TcpHeader.ACK, seq, rcvNxt, ascii.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** Sends a pure ACK carrying SACK blocks (edges in the receiver's own view of the peer's sequence). */
        public void sendSack(long... edges) {
            byte[] f = builder()
                    .tcp(localPort, remotePort, sndNxt, rcvNxt, TcpHeader.ACK)
                    .sack(edges)
                    .build();
            host.sendFrame(f);
        }

        /** This end sent its FIN. */
        boolean finSent;

        /** Sends this end's FIN; closing again, or after a reset, does nothing (as for a socket). */
        public void close() {
            if (!canSend()) {
                return;
            }
            finSent = true;
            long seq = sndNxt;
            sndNxt = (seq + 1) & 0xFFFF_FFFFL;
            sendFlags(TcpHeader.FIN | TcpHeader.ACK, seq, rcvNxt, new byte[0]);
        }

        /**
         * Sends one segment exactly as given, outside this end's own bookkeeping (its send sequence does not move):
         * for segments a real stack would never send, or an attacker injects (RST with data, data without ACK).
         */
        public void sendRaw(int flags, long seq, long ack, String payload) {
            sendFlags(flags, seq, ack, payload.getBytes(StandardCharsets.ISO_8859_1));
        }

        /**
         * Sends this end's SYN (or SYN-ACK, for an accepted connection) again: a retransmission that a lossy or
         * reordering path delivers late, after the connection carried data.
         */
        public void retransmitSyn(boolean accepted) {
            sendFlags(
                    accepted ? TcpHeader.SYN | TcpHeader.ACK : TcpHeader.SYN, iss, accepted ? iss0Ack : 0, new byte[0]);
        }

        /** The ack the SYN-ACK of an accepted connection carried (its peer's ISN + 1). */
        long iss0Ack;

        /** Resets the connection with {@code payload} carried on the RST (its own stack is closed after it). */
        public void resetWith(String payload) {
            resetSent = true;
            sendFlags(TcpHeader.RST | TcpHeader.ACK, sndNxt, rcvNxt, payload.getBytes(StandardCharsets.ISO_8859_1));
        }

        public void reset() {
            resetSent = true;
            sendFlags(TcpHeader.RST | TcpHeader.ACK, sndNxt, rcvNxt, new byte[0]);
        }

        /**
         * Sends data in one segment whose TCP checksum is wrong (one bit of it flipped): corruption on the way to the
         * gateway. The bytes count as sent (a retransmission carries them again).
         */
        public void sendCorrupted(String ascii) {
            checkCanSend();
            byte[] seg = ascii.getBytes(StandardCharsets.ISO_8859_1);
            long seq = sndNxt;
            sndNxt = (seq + seg.length) & 0xFFFF_FFFFL;
            byte[] f = builder()
                    .tcp(localPort, remotePort, seq, rcvNxt, TcpHeader.PSH | TcpHeader.ACK)
                    .window(WINDOW)
                    .payload(seg)
                    .build();
            int l3 = 14;
            int tcp = l3 + (host.v6 ? 40 : (f[l3] & 0x0F) * 4);
            f[tcp + 16] ^= 0x01;
            host.sendFrame(f);
        }

        /** This end reset the connection: like a closed TCP, it takes nothing more in. */
        boolean resetSent;

        /** True once this end sent or accepted a RST: the connection is gone for both of its stacks. */
        public boolean closedByReset() {
            return resetSent || resetReceived;
        }

        /** What arrived since the last call, as text. */
        public String take() {
            byte[] all = received.toByteArray();
            String s = new String(all, taken, all.length - taken, StandardCharsets.ISO_8859_1);
            taken = all.length;
            return s;
        }

        public byte[] receivedBytes() {
            return received.toByteArray();
        }

        /** True if everything this end sent has been acknowledged by the peer. */
        public boolean allAcked() {
            return highestAck == sndNxt;
        }

        private PacketBuilder builder() {
            PacketBuilder b = PacketBuilder.ethernet(
                    host.mac, host.side == PacketSlot.PORT_INSIDE ? GW_INSIDE_MAC : GW_OUTSIDE_MAC);
            return host.v6
                    ? b.ipv6(host.ip, remoteIp)
                    : b.ipv4(host.ip, remoteIp).df();
        }

        /** Challenge ACKs this end sent (RFC 5961 section 3.2). */
        public int challengeAcks;

        private void answerClosed(PacketSlot s) {
            if ((s.tcpFlags & TcpHeader.ACK) != 0) {
                sendFlags(TcpHeader.RST, s.ack, 0, new byte[0]);
            } else {
                int len = s.payloadLength
                        + ((s.tcpFlags & TcpHeader.SYN) != 0 ? 1 : 0)
                        + ((s.tcpFlags & TcpHeader.FIN) != 0 ? 1 : 0);
                sendFlags(TcpHeader.RST | TcpHeader.ACK, 0, (s.seq + len) & 0xFFFF_FFFFL, new byte[0]);
            }
        }

        void sendFlags(int flags, long seq, long ack, byte[] payload) {
            PacketBuilder b =
                    builder().tcp(localPort, remotePort, seq, ack, flags).window(WINDOW);
            if ((flags & TcpHeader.SYN) != 0) {
                b.mss(mss).sackPermitted();
            }
            host.sendFrame(b.payload(payload).build());
        }

        void receive(PacketSlot s) {
            int flags = s.tcpFlags;
            if (resetSent || (resetReceived && (flags & TcpHeader.SYN) == 0)) {
                // Closed by a reset: nothing more is delivered, and a closed TCP answers anything but a RST with a
                // RST (RFC 9293 section 3.10.7.1): <SEQ=SEG.ACK><CTL=RST>, or without ACK
                // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
                if ((flags & TcpHeader.RST) == 0) {
                    answerClosed(s);
                }
                return;
            }
            if ((flags & TcpHeader.RST) != 0) {
                if (established && s.seq != rcvNxt) {
                    // RFC 5961 section 3.2: a RST not at the next expected byte is not accepted; inside the window
                    // it is answered with a challenge ACK (a genuine sender, whose stack is closed, then answers
                    // that with a RST at exactly this end's next expected byte), outside it is dropped.
                    long rel = (s.seq - rcvNxt) & 0xFFFF_FFFFL;
                    if (rel < WINDOW) {
                        challengeAcks++;
                        sendFlags(TcpHeader.ACK, sndNxt, rcvNxt, new byte[0]);
                    }
                    return;
                }
                resetReceived = true;
                resetFrame = Arrays.copyOf(s.data, s.length);
                return;
            }
            if ((flags & TcpHeader.ACK) != 0) {
                long ack = s.ack;
                if ((int) (ack - sndNxt) > 0) {
                    errors.add(
                            host.name + ":" + localPort + " got ack " + ack + " beyond what it sent (" + sndNxt + ")");
                } else if ((int) (ack - highestAck) > 0) {
                    highestAck = ack;
                }
            }
            if ((flags & TcpHeader.SYN) != 0) {
                if ((flags & TcpHeader.ACK) == 0) {
                    if (established) {
                        // A SYN on a synchronized connection: a challenge ACK, nothing else (RFC 5961 section 4).
                        challengeAcks++;
                        sendFlags(TcpHeader.ACK, sndNxt, rcvNxt, new byte[0]);
                    }
                    return;
                }
                if (established) {
                    // A SYN-ACK again on a synchronized connection (a late retransmission): RFC 9293 3.10.7.4 and
                    // RFC 5961 section 4 answer with an ACK of the current state and change nothing.
                    sendFlags(TcpHeader.ACK, sndNxt, rcvNxt, new byte[0]);
                    return;
                }
                rcvNxt = (s.seq + 1) & 0xFFFF_FFFFL;
                established = true;
                sendFlags(TcpHeader.ACK, sndNxt, rcvNxt, new byte[0]);
                return;
            }
            if (!established && (flags & TcpHeader.ACK) != 0) {
                established = true;
            }
            int len = s.payloadLength;
            boolean fin = (flags & TcpHeader.FIN) != 0;
            if (len == 0 && !fin) {
                if (established && (int) (s.seq - rcvNxt) < 0) {
                    // Below the window: an old duplicate or a keepalive probe; answer with our current state.
                    keepalivesAnswered++;
                    sendFlags(TcpHeader.ACK, sndNxt, rcvNxt, new byte[0]);
                }
                return;
            }
            if (finReceived && len > 0 && (int) (s.seq - rcvNxt) >= 0) {
                // After the peer's FIN (CLOSE-WAIT, TIME-WAIT) new segment text is ignored (RFC 9293 3.10.7.4).
                return;
            }
            int rel = (int) (s.seq - rcvNxt);
            if (rel > 0) {
                errors.add(host.name + ":" + localPort + " got data at " + s.seq + " but expected " + rcvNxt
                        + " (gap of " + rel + ")");
                return;
            }
            int skip = -rel;
            if (skip < len) {
                received.write(s.data, s.payloadOffset + skip, len - skip);
                rcvNxt = (rcvNxt + len - skip) & 0xFFFF_FFFFL;
            }
            if (fin && skip <= len) {
                finReceived = true;
                rcvNxt = (rcvNxt + 1) & 0xFFFF_FFFFL;
            }
            sendFlags(TcpHeader.ACK, sndNxt, rcvNxt, new byte[0]);
        }
    }
}
