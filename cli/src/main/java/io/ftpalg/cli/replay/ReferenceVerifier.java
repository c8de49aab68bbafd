package io.ftpalg.cli.replay;

import io.ftpalg.engine.codec.Decoder;
import io.ftpalg.engine.flow.Addresses;
import io.ftpalg.engine.pipeline.PacketSlot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;

/**
 * Compares what ftp-alg emits with what a reference device (a real NAT box whose traffic was captured) emitted
 * for the same input. Frames are paired per port, in order, on what a NAT leaves alone: the IP protocol, the
 * IPv4 identification, the TCP flags; then every field a NAT or ALG may change is compared: addresses, ports,
 * sequence and acknowledgement numbers, and the payload (shown as text for FTP lines).
 *
 * <p>Offline tool code: allocation per frame is fine here.
 */
final class ReferenceVerifier {
    private record Pending(long frame, byte[] bytes) {}

    private final List<LinkedList<Pending>> ours = List.of(new LinkedList<>(), new LinkedList<>());
    private final List<LinkedList<Pending>> theirs = List.of(new LinkedList<>(), new LinkedList<>());
    private final Decoder decoder = new Decoder();
    private final PacketSlot a = new PacketSlot(1 << 18);
    private final PacketSlot b = new PacketSlot(1 << 18);

    final List<Map<String, Object>> differences = new ArrayList<>();
    long compared;
    long identical;
    long referenceNonIp;

    void ours(int port, long inputFrame, byte[] data, int len) {
        Pending p = new Pending(inputFrame, Arrays.copyOf(data, len));
        if (!matchAgainst(theirs.get(port), p, false)) {
            ours.get(port).add(p);
        }
    }

    void reference(int port, long frame, byte[] data, int len) {
        Pending p = new Pending(frame, Arrays.copyOf(data, len));
        if (!decodeInto(a, p.bytes) || a.ipVersion == 0) {
            referenceNonIp++;
            return;
        }
        if (!matchAgainst(ours.get(port), p, true)) {
            theirs.get(port).add(p);
        }
    }

    /** Pairs {@code p} with the first compatible pending frame of the other side, compares, and removes it. */
    private boolean matchAgainst(LinkedList<Pending> pending, Pending p, boolean pIsReference) {
        decodeInto(a, p.bytes);
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending q = it.next();
            decodeInto(b, q.bytes);
            if (a.l4Proto == b.l4Proto
                    && a.ipVersion == b.ipVersion
                    && (a.ipVersion != 4 || a.ipId == b.ipId)
                    && a.tcpFlags == b.tcpFlags) {
                it.remove();
                if (pIsReference) {
                    compare(p, a, q, b);
                } else {
                    compare(q, b, p, a);
                }
                return true;
            }
        }
        return false;
    }

    private boolean decodeInto(PacketSlot s, byte[] bytes) {
        System.arraycopy(bytes, 0, s.data, 0, Math.min(bytes.length, s.data.length));
        s.length = Math.min(bytes.length, s.data.length);
        return decoder.decode(s) == null;
    }

    private void compare(Pending ref, PacketSlot r, Pending our, PacketSlot o) {
        compared++;
        List<String> diffs = new ArrayList<>();
        if (r.srcHi != o.srcHi || r.srcLo != o.srcLo || r.srcPort != o.srcPort) {
            diffs.add("source " + addr(r, true) + " (reference) vs " + addr(o, true) + " (ftp-alg)");
        }
        if (r.dstHi != o.dstHi || r.dstLo != o.dstLo || r.dstPort != o.dstPort) {
            diffs.add("destination " + addr(r, false) + " (reference) vs " + addr(o, false) + " (ftp-alg)");
        }
        if (r.l4Proto == 6) {
            if (r.seq != o.seq) {
                diffs.add("seq " + r.seq + " vs " + o.seq + " (" + signed(o.seq - r.seq) + ")");
            }
            if (r.ack != o.ack) {
                diffs.add("ack " + r.ack + " vs " + o.ack + " (" + signed(o.ack - r.ack) + ")");
            }
        }
        byte[] rp = Arrays.copyOfRange(r.data, r.payloadOffset, r.payloadOffset + r.payloadLength);
        byte[] op = Arrays.copyOfRange(o.data, o.payloadOffset, o.payloadOffset + o.payloadLength);
        if (!Arrays.equals(rp, op)) {
            diffs.add("payload \"" + text(rp) + "\" (reference) vs \"" + text(op) + "\" (ftp-alg)");
        }
        if (diffs.isEmpty()) {
            identical++;
            return;
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("referenceFrame", ref.frame);
        d.put("inputFrame", our.frame);
        d.put("differences", diffs);
        differences.add(d);
    }

    /** Frames one side emitted that the other never did, after the replay. */
    List<Map<String, Object>> unmatched() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int port = 0; port < 2; port++) {
            for (Pending p : theirs.get(port)) {
                out.add(unmatched("reference only", port, p));
            }
            for (Pending p : ours.get(port)) {
                out.add(unmatched("ftp-alg only", port, p));
            }
        }
        return out;
    }

    private Map<String, Object> unmatched(String who, int port, Pending p) {
        decodeInto(a, p.bytes);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("who", who);
        m.put(who.startsWith("reference") ? "referenceFrame" : "inputFrame", p.frame);
        m.put("port", port == PacketSlot.PORT_INSIDE ? "inside" : "outside");
        m.put("packet", a.ipVersion == 0 ? "non-IP" : addr(a, true) + " -> " + addr(a, false) + " proto " + a.l4Proto);
        return m;
    }

    private static String addr(PacketSlot s, boolean src) {
        return src
                ? Addresses.format(s.ipVersion, s.srcHi, s.srcLo, s.srcPort)
                : Addresses.format(s.ipVersion, s.dstHi, s.dstLo, s.dstPort);
    }

    private static String signed(long d) {
        int v = (int) d;
        return (v >= 0 ? "+" : "") + v;
    }

    static String text(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 300); i++) {
            int c = b[i] & 0xFF;
            if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c >= 32 && c < 127) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        if (b.length > 300) {
            sb.append("...(").append(b.length).append(" bytes)");
        }
        return sb.toString();
    }

    String text(String s) {
        return text(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
