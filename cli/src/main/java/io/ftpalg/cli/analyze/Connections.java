package io.ftpalg.cli.analyze;

import io.ftpalg.engine.config.FtpConfig;
import io.ftpalg.engine.config.FtpDetect;
import io.ftpalg.engine.flow.FlowTable;
import io.ftpalg.engine.ftp.FtpCommands;
import io.ftpalg.engine.ftp.FtpDetector;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.stats.Counter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups the frames of a capture into TCP connections per capture interface, and tells the FTP control
 * connections from the rest, on any port, the way {@code ftp detect} does: the engine's own {@link FtpDetector}
 * follows each connection's first exchange (a 220 greeting from the server, then a first command from the
 * client). A connection whose start is not in the capture is FTP when its server port is 21 or when its lines
 * read like FTP (reply codes one way, a known command the other).
 */
final class Connections {
    final List<TcpConn> all = new ArrayList<>();
    /** ICMP errors whose quoted packet belongs to no connection in the capture. */
    final List<Frame> strayIcmp = new ArrayList<>();

    static Connections build(List<Frame> frames) {
        Connections cs = new Connections();
        Map<String, TcpConn> byKey = new HashMap<>();
        for (Frame f : frames) {
            if (!f.isTcp()) {
                continue;
            }
            Endpoint s = new Endpoint(f.src, f.srcPort);
            Endpoint d = new Endpoint(f.dst, f.dstPort);
            String key = TcpConn.key(f.iface, s, d);
            TcpConn c = byKey.get(key);
            if (c != null
                    && f.syn()
                    && !f.ackFlag()
                    && c.fromClient(f)
                    && c.sawSyn
                    && !c.syns.isEmpty()
                    && f.seq != c.syns.get(0).seq
                    && (c.firstRst != null || c.clientFin != null)) {
                c = null; // the same tuple opened again after the old connection ended
            }
            if (c == null) {
                boolean syn = f.syn() && !f.ackFlag();
                Endpoint client;
                Endpoint server;
                if (syn) {
                    client = s;
                    server = d;
                } else if (f.syn()) {
                    client = d; // a SYN-ACK first: the SYN was not captured
                    server = s;
                } else {
                    // Mid-connection: the lower port is the server's (21, 2121 against an ephemeral port).
                    boolean srcIsServer = f.srcPort < f.dstPort;
                    client = srcIsServer ? d : s;
                    server = srcIsServer ? s : d;
                }
                c = new TcpConn(cs.all.size(), f.iface, client, server, syn);
                cs.all.add(c);
                byKey.put(key, c);
            }
            c.add(f);
        }
        mergeHalves(cs);
        detect(cs);
        for (Frame f : frames) {
            if (f.quoted == null) {
                continue;
            }
            Frame.Quoted q = f.quoted;
            TcpConn c = null;
            Endpoint a = new Endpoint(q.src(), q.srcPort());
            Endpoint b = new Endpoint(q.dst(), q.dstPort());
            for (TcpConn x : cs.all) {
                if (x.iface.contains(f.iface) && x.is(a, b)) {
                    c = x; // the last connection on that tuple that started before the error
                    if (x.first().number > f.number) {
                        break;
                    }
                }
            }
            if (c != null) {
                c.icmpErrors.add(f);
            } else {
                cs.strayIcmp.add(f);
            }
        }
        for (TcpConn c : cs.all) {
            c.toServer.finish();
            c.toClient.finish();
            if (c.ftpReason == null || c.ftpReason.equals("ftp-detect-undecided")) {
                fallback(c);
            }
        }
        return cs;
    }

    /**
     * What enters a device on each side (a capture of a gateway's inputs, like the bundled demo): the client's
     * half of a connection on one interface and the server's half, with translated addresses, on another. The
     * server's SYN-ACK acknowledges the client's SYN ({@code ack = ISN + 1}), which pairs them; the two halves
     * become one connection, with the addresses each side sees.
     */
    private static void mergeHalves(Connections cs) {
        List<TcpConn> out = new ArrayList<>();
        java.util.Set<TcpConn> taken = new java.util.HashSet<>();
        for (TcpConn a : cs.all) {
            if (taken.contains(a)) {
                continue;
            }
            TcpConn b = null;
            if (oneWay(a, true) && !a.syns.isEmpty()) {
                long want = (a.syns.get(0).seq + 1) & 0xFFFF_FFFFL;
                for (TcpConn x : cs.all) {
                    if (x != a
                            && !taken.contains(x)
                            && !x.iface.equals(a.iface)
                            && oneWay(x, false)
                            && !x.synAcks.isEmpty()
                            && x.synAcks.get(0).ack == want
                            && Math.abs(x.synAcks.get(0).timeNanos - a.syns.get(0).timeNanos) < 60_000_000_000L) {
                        b = x;
                        break;
                    }
                }
            }
            if (b == null) {
                out.add(a);
                continue;
            }
            taken.add(b);
            String iface = a.iface.compareTo(b.iface) < 0 ? a.iface + "+" + b.iface : b.iface + "+" + a.iface;
            TcpConn m = new TcpConn(0, iface, a.client, a.server, true);
            m.clientAtServer = b.client;
            m.serverAtServer = b.server;
            m.clientKeys.clear();
            m.clientKeys.add(TcpConn.directed(a.iface, a.client, a.server));
            m.clientKeys.add(TcpConn.directed(b.iface, b.client, b.server));
            List<Frame> fs = new ArrayList<>(a.frames);
            fs.addAll(b.frames);
            fs.sort(java.util.Comparator.comparingInt(f -> f.number));
            for (Frame f : fs) {
                m.add(f);
            }
            out.add(m);
        }
        cs.all.clear();
        for (TcpConn c : out) {
            c.id = cs.all.size();
            cs.all.add(c);
        }
    }

    /** All frames travel one way: from the client ({@code fromClient}) or from the server. */
    private static boolean oneWay(TcpConn c, boolean fromClient) {
        for (Frame f : c.frames) {
            if (c.fromClient(f) != fromClient) {
                return false;
            }
        }
        return true;
    }

    /**
     * Detection everywhere; checksums not verified: a capture on a sending host holds segments whose TCP checksum
     * the NIC fills in later (checksum offload).
     */
    private static FtpConfig detectConfig() {
        FtpConfig base = FtpConfig.defaults();
        return new FtpConfig(
                base.ports(),
                base.loose(),
                base.minDataPort(),
                base.expectTimeoutMs(),
                base.maxExpectPerSession(),
                base.maxExpect(),
                base.maxLine(),
                base.holdTimeoutMs(),
                false,
                base.sessions(),
                base.strict(),
                base.syntaxCheck(),
                base.maskSyst(),
                base.denyCommands(),
                false,
                0,
                FtpDetect.ANY);
    }

    /** The engine's FtpDetector over each connection's frames, from its SYN. */
    private static void detect(Connections cs) {
        FtpDetector detector = new FtpDetector(detectConfig(), 1);
        PacketSlot slot = new PacketSlot(1 << 16);
        for (TcpConn c : cs.all) {
            if (!c.sawSyn) {
                continue;
            }
            detector.start(0);
            for (Frame f : c.frames) {
                Counter verdict =
                        detector.inspect(toSlot(f, slot), 0, c.fromClient(f) ? FlowTable.ORIGINAL : FlowTable.REPLY);
                if (verdict != null) {
                    c.ftp = verdict == Counter.FTP_DETECT_ATTACHED;
                    c.ftpReason = verdict.name().toLowerCase().replace('_', '-');
                    break;
                }
            }
        }
    }

    private static PacketSlot toSlot(Frame f, PacketSlot slot) {
        slot.resetMetadata();
        int n = Math.min(f.payload.length, slot.data.length);
        System.arraycopy(f.payload, 0, slot.data, 0, n);
        slot.payloadOffset = 0;
        slot.payloadLength = n;
        slot.seq = f.seq;
        slot.ack = f.ack;
        slot.tcpFlags = f.flags;
        return slot;
    }

    /**
     * For connections the detector could not decide (start not captured, segments lost or reordered in the
     * first exchange): port 21, or server lines that are replies and client lines that start with a command
     * FTP clients send.
     */
    private static void fallback(TcpConn c) {
        byte[] s = c.toClient.data();
        byte[] k = c.toServer.data();
        boolean replies = s.length >= 4 && FtpCommands.replyCode(s, 0, Math.min(s.length, lineEnd(s))) >= 0;
        boolean commands = k.length >= 4 && looksLikeCommand(k);
        if (c.server.port() == 21 && (replies || commands || s.length + k.length == 0)) {
            c.ftp = true;
            c.ftpReason = "port-21";
        } else if (replies && commands) {
            c.ftp = true;
            c.ftpReason = "dialogue";
        } else if (c.ftpReason == null) {
            c.ftpReason = "not-ftp";
        }
    }

    private static int lineEnd(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\r' || b[i] == '\n') {
                return i;
            }
        }
        return b.length;
    }

    private static final String[] VERBS = {
        "USER", "PASS", "AUTH", "FEAT", "SYST", "TYPE", "PWD", "CWD", "PORT", "PASV", "EPRT", "EPSV", "LIST", "NLST",
        "RETR", "STOR", "QUIT", "NOOP", "SIZE", "MDTM", "OPTS", "MLSD", "REST", "HOST"
    };

    private static boolean looksLikeCommand(byte[] b) {
        int end = lineEnd(b);
        String first = new String(b, 0, end, java.nio.charset.StandardCharsets.US_ASCII).toUpperCase();
        for (String v : VERBS) {
            if (first.equals(v) || first.startsWith(v + " ")) {
                return true;
            }
        }
        return false;
    }
}
