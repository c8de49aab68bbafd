package io.ftpalg.engine.nat;

import io.ftpalg.engine.codec.Bytes;
import io.ftpalg.engine.codec.Checksum;
import io.ftpalg.engine.codec.IcmpHeader;
import io.ftpalg.engine.codec.Ipv4Header;
import io.ftpalg.engine.codec.Ipv6Header;
import io.ftpalg.engine.flow.FlowTable;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.stats.Counter;

/**
 * Translates ICMP errors that quote a packet of a tracked (possibly NATed) flow, so that path MTU discovery
 * (RFC 1191 "fragmentation needed", RFC 8201 "packet too big") and unreachables keep working through the gateway
 * (RFC 5508 section 5 for NAT behaviour; RFC 792, RFC 4443 for the formats).
 *
 * <pre>
 *  outer IP | ICMP type code cksum | 4 bytes | quoted IP header | quoted first bytes of L4 (ports at 0..3)
 * </pre>
 *
 * The quoted packet went out in one direction of a flow; the error travels the other way, so the error is
 * looked up as the quoted tuple reversed. The quoted header is put back the way its sender wrote it (the other
 * direction's tuple), the outer destination (and the outer source when the error comes from the flow's peer
 * itself) are translated like any packet of the error's direction, and the ICMP checksum is recomputed.
 */
public final class IcmpErrorTranslator {
    private final FlowTable flows;

    /** Set by {@link #translate}: flow and direction the error travels in. */
    public int flow, dir;

    public IcmpErrorTranslator(FlowTable flows) {
        this.flows = flows;
    }

    /** True if the slot holds an ICMP or ICMPv6 error message. */
    public static boolean isError(PacketSlot s) {
        int t = s.icmpType;
        if (s.l4Proto == 1) {
            return t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
        }
        return s.l4Proto == 58 && t >= 1 && t <= 4;
    }

    /**
     * @return null when translated ({@link #flow} and {@link #dir} are set), else the drop counter
     */
    public Counter translate(PacketSlot s) {
        byte[] b = s.data;
        int inner = s.l4Offset + 8;
        int end = s.l3Offset + s.l3Length;
        int v = s.ipVersion;
        int innerProto;
        int innerL4;
        long isrcHi = 0, isrcLo, idstHi = 0, idstLo;
        if (v == 4) {
            if (inner + 20 > end || (Bytes.u8(b, inner) >> 4) != 4) {
                return Counter.DROP_ICMP_ERROR_MALFORMED;
            }
            int ihl = (Bytes.u8(b, inner) & 0xF) * 4;
            innerProto = Bytes.u8(b, inner + Ipv4Header.PROTOCOL_OFFSET);
            innerL4 = inner + ihl;
            isrcLo = Bytes.u32(b, inner + Ipv4Header.SRC_OFFSET);
            idstLo = Bytes.u32(b, inner + Ipv4Header.DST_OFFSET);
        } else {
            if (inner + 40 > end || (Bytes.u8(b, inner) >> 4) != 6) {
                return Counter.DROP_ICMP_ERROR_MALFORMED;
            }
            // Extension headers in the quoted packet are not walked: a quoted TCP/UDP header is expected right
            // after the fixed header (what every gateway of ours emits for FTP traffic).
            innerProto = Bytes.u8(b, inner + Ipv6Header.NEXT_HEADER_OFFSET);
            innerL4 = inner + 40;
            isrcHi = Bytes.i64(b, inner + Ipv6Header.SRC_OFFSET);
            isrcLo = Bytes.i64(b, inner + Ipv6Header.SRC_OFFSET + 8);
            idstHi = Bytes.i64(b, inner + Ipv6Header.DST_OFFSET);
            idstLo = Bytes.i64(b, inner + Ipv6Header.DST_OFFSET + 8);
        }
        if (innerL4 + 4 > end) {
            return Counter.DROP_ICMP_ERROR_MALFORMED;
        }
        int isport;
        int idport;
        if (innerProto == 6 || innerProto == 17) {
            isport = Bytes.u16(b, innerL4);
            idport = Bytes.u16(b, innerL4 + 2);
        } else if ((innerProto == 1 || innerProto == 58) && innerL4 + 8 <= end) {
            isport = idport = Bytes.u16(b, innerL4 + IcmpHeader.IDENTIFIER_OFFSET);
        } else {
            return Counter.DROP_ICMP_ERROR_NO_FLOW;
        }
        int ref = flows.lookup(idstHi, idstLo, isrcHi, isrcLo, FlowTable.meta(v, innerProto, idport, isport));
        if (ref == FlowTable.NONE) {
            return Counter.DROP_ICMP_ERROR_NO_FLOW;
        }
        flow = ref >>> 1;
        dir = ref & 1;
        int other = 1 - dir;
        // The quoted packet as its sender wrote it: the other direction's tuple.
        long qSrcHi = flows.srcHi(flow, other), qSrcLo = flows.srcLo(flow, other);
        long qDstHi = flows.dstHi(flow, other), qDstLo = flows.dstLo(flow, other);
        long meta = flows.meta(flow, other);
        int qSport = FlowTable.metaSrcPort(meta);
        int qDport = FlowTable.metaDstPort(meta);
        if (v == 4) {
            Bytes.u32(b, inner + Ipv4Header.SRC_OFFSET, qSrcLo);
            Bytes.u32(b, inner + Ipv4Header.DST_OFFSET, qDstLo);
            Checksum.setIpv4Header(b, inner);
        } else {
            Bytes.i64(b, inner + Ipv6Header.SRC_OFFSET, qSrcHi);
            Bytes.i64(b, inner + Ipv6Header.SRC_OFFSET + 8, qSrcLo);
            Bytes.i64(b, inner + Ipv6Header.DST_OFFSET, qDstHi);
            Bytes.i64(b, inner + Ipv6Header.DST_OFFSET + 8, qDstLo);
        }
        if (innerProto == 6 || innerProto == 17) {
            Bytes.u16(b, innerL4, qSport);
            Bytes.u16(b, innerL4 + 2, qDport);
        } else {
            Bytes.u16(b, innerL4 + IcmpHeader.IDENTIFIER_OFFSET, qSport);
        }
        // Outer header: the error goes to the quoted packet's sender as that sender knows itself; an error from
        // the flow's peer itself comes from the address the sender knows the peer by.
        long dstHi = flows.srcHi(flow, other), dstLo = flows.srcLo(flow, other);
        boolean fromPeer = s.srcHi == idstHi && s.srcLo == idstLo;
        s.l4Dirty = true;
        if (fromPeer) {
            HeaderRewriter.setSource(s, qDstHi, qDstLo, s.srcPort);
        }
        HeaderRewriter.setDestination(s, dstHi, dstLo, s.dstPort);
        Checksum.computeL4(s);
        s.l4Dirty = false;
        return null;
    }
}
