package io.ftpalg.cli.analyze;

import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.IpAddress;

/**
 * One decoded TCP segment or ICMP error of a capture, as the analysis needs it (off the hot path: one object per
 * frame). {@link #number} is the 1-based frame number Wireshark shows for the same file.
 */
final class Frame {
    final int number;
    final long timeNanos;
    /** The capture interface (pcapng interface id; for Linux cooked v2 captures, also the interface index). */
    final String iface;

    final IpAddress src;
    final IpAddress dst;
    /** 6 TCP, 1 ICMP, 58 ICMPv6. */
    final int proto;
    /** IPv4 TTL or IPv6 hop limit: 64, 128 or 255 when the sender is on this link (no router decremented it). */
    final int ttl;

    final int srcPort;
    final int dstPort;
    final int flags;
    final long seq;
    final long ack;
    final byte[] payload;

    final int icmpType;
    final int icmpCode;
    /** For an ICMP error: the TCP connection of the packet it quotes (RFC 792: IP header + 8 bytes), else null. */
    final Quoted quoted;

    /** The TCP header of the packet an ICMP error quotes: the ports and sequence number are in its first 8 bytes. */
    record Quoted(IpAddress src, IpAddress dst, int srcPort, int dstPort, long seq) {}

    Frame(
            int number,
            long timeNanos,
            String iface,
            IpAddress src,
            IpAddress dst,
            int proto,
            int ttl,
            int srcPort,
            int dstPort,
            int flags,
            long seq,
            long ack,
            byte[] payload,
            int icmpType,
            int icmpCode,
            Quoted quoted) {
        this.number = number;
        this.timeNanos = timeNanos;
        this.iface = iface;
        this.src = src;
        this.dst = dst;
        this.proto = proto;
        this.ttl = ttl;
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        this.flags = flags;
        this.seq = seq;
        this.ack = ack;
        this.payload = payload;
        this.icmpType = icmpType;
        this.icmpCode = icmpCode;
        this.quoted = quoted;
    }

    boolean isTcp() {
        return proto == 6;
    }

    boolean syn() {
        return (flags & TcpHeader.SYN) != 0;
    }

    boolean ackFlag() {
        return (flags & TcpHeader.ACK) != 0;
    }

    boolean rst() {
        return (flags & TcpHeader.RST) != 0;
    }

    boolean fin() {
        return (flags & TcpHeader.FIN) != 0;
    }

    /** Sequence space this segment occupies: payload, plus one for SYN and one for FIN (RFC 9293 3.4). */
    int seqLength() {
        return payload.length + (syn() ? 1 : 0) + (fin() ? 1 : 0);
    }

    /** Wireshark-style flag list: "SYN, ACK". */
    String flagNames() {
        StringBuilder sb = new StringBuilder();
        String[] names = {"FIN", "SYN", "RST", "PSH", "ACK"};
        int[] bits = {TcpHeader.FIN, TcpHeader.SYN, TcpHeader.RST, TcpHeader.PSH, TcpHeader.ACK};
        for (int i = 0; i < names.length; i++) {
            if ((flags & bits[i]) != 0) {
                if (sb.length() > 0) {
                    sb.append(", ");
                }
                sb.append(names[i]);
            }
        }
        return sb.toString();
    }
}
