package io.ftpalg.engine.testing;

import io.ftpalg.engine.pipeline.PacketSlot;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds correct Ethernet frames for tests: every length field and every checksum is computed, unless a test
 * overrides it on purpose to make a malformed frame.
 *
 * <pre>{@code
 * byte[] syn = PacketBuilder.ethernet()
 *         .ipv4("192.0.2.1", "198.51.100.2").ttl(64)
 *         .tcp(40000, 21, 1000, 0, TcpHeader.SYN).mss(1460).sackPermitted().timestamps(1, 0).wscale(7)
 *         .build();
 * byte[] port = PacketBuilder.ethernet().vlan(10)
 *         .ipv6("2001:db8::1", "2001:db8::2").hopByHop()
 *         .tcp(40000, 21, 1001, 5001, TcpHeader.ACK | TcpHeader.PSH).payload("EPRT |2|2001:db8::1|1930|\r\n")
 *         .build();
 * }</pre>
 *
 * <p>The checksums are computed here by a deliberately naive 16-bit loop, independent of the production
 * {@code Checksum}, so that tests of one are not tests of itself. Layers are chosen by the last call of their kind
 * ({@code ipv4}/{@code ipv6}, {@code tcp}/{@code udp}/{@code icmp}/...); option and extension-header calls append in
 * call order. A builder can be reused: {@link #build()} does not change it, and {@link #copy()} forks it.
 */
public final class PacketBuilder {
    private static final int NONE = -1;

    // ---- Ethernet ----
    private byte[] dstMac = mac("02:00:00:00:00:02");
    private byte[] srcMac = mac("02:00:00:00:00:01");
    private int[] vlanTpids = new int[0];
    private int[] vlanTcis = new int[0];
    private int rawEtherType = NONE;
    private byte[] rawL3 = null;
    private int padTo = 0;

    // ---- IP ----
    private int ipVersion = 0;
    private byte[] src;
    private byte[] dst;
    private int ttl = 64;
    private int tos = 0;
    private int ipId = 0;
    private boolean df = false;
    private boolean fragmented = false;
    private int fragOffsetBytes = 0;
    private boolean moreFragments = false;
    private byte[] ipv4Options = new byte[0];
    private long flowLabel = 0;
    /** IPv6 extension headers: their types, and each complete except its next-header byte, filled at build time. */
    private List<Integer> extTypes = new ArrayList<>();

    private List<byte[]> extHeaders = new ArrayList<>();
    private int protocolOverride = NONE;
    private int lengthOverride = NONE;
    private int ipChecksumOverride = NONE;

    // ---- L4 ----
    private int l4 = NONE; // 6, 17, 1, 58 or a raw protocol number
    private int sport;
    private int dport;
    private long seq;
    private long ack;
    private int tcpFlags;
    private int window = 65535;
    private int urgent = 0;
    private ByteArrayOutputStream tcpOptions = new ByteArrayOutputStream();
    private int dataOffsetOverride = NONE;
    private int icmpType;
    private int icmpCode;
    private long icmpRest = 0;
    private int udpLengthOverride = NONE;
    private int l4ChecksumOverride = NONE;
    private boolean corruptL4Checksum = false;
    private byte[] payload = new byte[0];

    private PacketBuilder() {}

    /** An Ethernet frame from 02:00:00:00:00:01 to 02:00:00:00:00:02. */
    public static PacketBuilder ethernet() {
        return new PacketBuilder();
    }

    /** An Ethernet frame; MACs as "02:00:00:00:00:01". */
    public static PacketBuilder ethernet(String srcMac, String dstMac) {
        PacketBuilder p = new PacketBuilder();
        p.srcMac = mac(srcMac);
        p.dstMac = mac(dstMac);
        return p;
    }

    /** A deep copy, to derive variants of one frame. */
    public PacketBuilder copy() {
        PacketBuilder p = new PacketBuilder();
        p.dstMac = dstMac.clone();
        p.srcMac = srcMac.clone();
        p.vlanTpids = vlanTpids.clone();
        p.vlanTcis = vlanTcis.clone();
        p.rawEtherType = rawEtherType;
        p.rawL3 = rawL3 == null ? null : rawL3.clone();
        p.padTo = padTo;
        p.ipVersion = ipVersion;
        p.src = src == null ? null : src.clone();
        p.dst = dst == null ? null : dst.clone();
        p.ttl = ttl;
        p.tos = tos;
        p.ipId = ipId;
        p.df = df;
        p.fragmented = fragmented;
        p.fragOffsetBytes = fragOffsetBytes;
        p.moreFragments = moreFragments;
        p.ipv4Options = ipv4Options.clone();
        p.flowLabel = flowLabel;
        p.extTypes = new ArrayList<>(extTypes);
        p.extHeaders = new ArrayList<>();
        for (byte[] h : extHeaders) {
            p.extHeaders.add(h.clone());
        }
        p.protocolOverride = protocolOverride;
        p.lengthOverride = lengthOverride;
        p.ipChecksumOverride = ipChecksumOverride;
        p.l4 = l4;
        p.sport = sport;
        p.dport = dport;
        p.seq = seq;
        p.ack = ack;
        p.tcpFlags = tcpFlags;
        p.window = window;
        p.urgent = urgent;
        p.tcpOptions = new ByteArrayOutputStream();
        p.tcpOptions.writeBytes(tcpOptions.toByteArray());
        p.dataOffsetOverride = dataOffsetOverride;
        p.icmpType = icmpType;
        p.icmpCode = icmpCode;
        p.icmpRest = icmpRest;
        p.udpLengthOverride = udpLengthOverride;
        p.l4ChecksumOverride = l4ChecksumOverride;
        p.corruptL4Checksum = corruptL4Checksum;
        p.payload = payload.clone();
        return p;
    }

    // ======================================================================== Ethernet

    public PacketBuilder macs(String srcMac, String dstMac) {
        this.srcMac = mac(srcMac);
        this.dstMac = mac(dstMac);
        return this;
    }

    /** Adds an 802.1Q tag (TPID 0x8100); tags appear outermost first, in call order. */
    public PacketBuilder vlan(int id) {
        return vlan(0x8100, id);
    }

    /** Adds a tag with the given TPID (0x8100 802.1Q, 0x88A8 802.1ad) and TCI (PCP/DEI/VLAN id). */
    public PacketBuilder vlan(int tpid, int tci) {
        vlanTpids = Arrays.copyOf(vlanTpids, vlanTpids.length + 1);
        vlanTcis = Arrays.copyOf(vlanTcis, vlanTcis.length + 1);
        vlanTpids[vlanTpids.length - 1] = tpid;
        vlanTcis[vlanTcis.length - 1] = tci;
        return this;
    }

    /** A non-IP frame: {@code etherType} followed by {@code body}. */
    public PacketBuilder etherType(int etherType, byte[] body) {
        this.ipVersion = 0;
        this.rawEtherType = etherType;
        this.rawL3 = body.clone();
        return this;
    }

    /** An ARP request (RFC 826) "who has {@code targetIp}, tell {@code senderIp}". */
    public PacketBuilder arp(String senderIp, String targetIp) {
        ByteBuffer bb = ByteBuffer.allocate(28);
        bb.putShort((short) 1)
                .putShort((short) 0x0800)
                .put((byte) 6)
                .put((byte) 4)
                .putShort((short) 1);
        bb.put(srcMac).put(addr(senderIp, 4)).put(new byte[6]).put(addr(targetIp, 4));
        return etherType(0x0806, bb.array());
    }

    /** Pads the frame with zeros to at least {@code frameLength} bytes (Ethernet minimum: 60 without FCS). */
    public PacketBuilder padTo(int frameLength) {
        this.padTo = frameLength;
        return this;
    }

    // ======================================================================== IP

    public PacketBuilder ipv4(String src, String dst) {
        this.ipVersion = 4;
        this.src = addr(src, 4);
        this.dst = addr(dst, 4);
        return this;
    }

    public PacketBuilder ipv6(String src, String dst) {
        this.ipVersion = 6;
        this.src = addr(src, 16);
        this.dst = addr(dst, 16);
        return this;
    }

    /** TTL (IPv4) or hop limit (IPv6). */
    public PacketBuilder ttl(int ttl) {
        this.ttl = ttl;
        return this;
    }

    public PacketBuilder hopLimit(int hopLimit) {
        return ttl(hopLimit);
    }

    public PacketBuilder tos(int tos) {
        this.tos = tos;
        return this;
    }

    /** IPv4 identification (16 bits); for IPv6 the identification of a later {@link #fragment} call. */
    public PacketBuilder ipId(int id) {
        this.ipId = id;
        return this;
    }

    public PacketBuilder df() {
        this.df = true;
        return this;
    }

    public PacketBuilder flowLabel(long flowLabel) {
        this.flowLabel = flowLabel;
        return this;
    }

    /**
     * Marks the packet as a fragment: IPv4 sets the offset and MF; IPv6 appends a fragment header (RFC 8200
     * section 4.5) with the current {@link #ipId}. {@code offsetBytes} must be a multiple of 8. The L4 layer is
     * still built as configured: for a later fragment, configure none and give the bytes with {@link #payload}.
     */
    public PacketBuilder fragment(int offsetBytes, boolean more) {
        this.fragmented = true;
        this.fragOffsetBytes = offsetBytes;
        this.moreFragments = more;
        if (ipVersion == 6) {
            ByteBuffer bb = ByteBuffer.allocate(8);
            bb.put((byte) 0).put((byte) 0).putShort((short) (offsetBytes | (more ? 1 : 0)));
            bb.putInt(ipId);
            ext(44, bb.array());
        }
        return this;
    }

    /** IPv4 options, given as raw bytes; padded with zeros (EOL) to a multiple of 4. */
    public PacketBuilder ipv4Options(byte... options) {
        int padded = (options.length + 3) & ~3;
        this.ipv4Options = Arrays.copyOf(options, padded);
        return this;
    }

    /** IPv4 options, raw, not padded (for malformed headers: the IHL is rounded down). */
    public PacketBuilder ipv4OptionsRaw(byte... options) {
        this.ipv4Options = options.clone();
        return this;
    }

    /** Appends an IPv6 hop-by-hop options header: 8 bytes, one PadN option. */
    public PacketBuilder hopByHop() {
        return ext(0, new byte[] {0, 0, 1, 4, 0, 0, 0, 0});
    }

    /** Appends an IPv6 destination options header: 8 bytes, one PadN option. */
    public PacketBuilder destOptions() {
        return ext(60, new byte[] {0, 0, 1, 4, 0, 0, 0, 0});
    }

    /** Appends an IPv6 routing header: 8 bytes, experimental type 253 (RFC 4727), segments left 0. */
    public PacketBuilder routing() {
        return ext(43, new byte[] {0, 0, (byte) 253, 0, 0, 0, 0, 0});
    }

    /**
     * Appends a raw IPv6 extension header of type {@code type}; {@code body} is everything after the next-header
     * byte (so {@code body[0]} is the length byte), written as given.
     */
    public PacketBuilder extensionHeader(int type, byte... body) {
        byte[] h = new byte[body.length + 1];
        System.arraycopy(body, 0, h, 1, body.length);
        return ext(type, h);
    }

    private PacketBuilder ext(int type, byte[] header) {
        extTypes.add(type);
        extHeaders.add(header);
        return this;
    }

    /** The IPv4 protocol / final IPv6 next header, instead of the L4 layer's (or for raw payloads). */
    public PacketBuilder protocol(int proto) {
        this.protocolOverride = proto;
        return this;
    }

    /** Writes this IPv4 total length / IPv6 payload length instead of the true one. */
    public PacketBuilder ipLength(int length) {
        this.lengthOverride = length;
        return this;
    }

    /** Writes this IPv4 header checksum instead of the correct one. */
    public PacketBuilder ipv4Checksum(int checksum) {
        this.ipChecksumOverride = checksum;
        return this;
    }

    // ======================================================================== TCP

    public PacketBuilder tcp(int sport, int dport, long seq, long ack, int flags) {
        this.l4 = 6;
        this.sport = sport;
        this.dport = dport;
        this.seq = seq;
        this.ack = ack;
        this.tcpFlags = flags;
        return this;
    }

    public PacketBuilder window(int window) {
        this.window = window;
        return this;
    }

    public PacketBuilder urgent(int urgentPointer) {
        this.urgent = urgentPointer;
        return this;
    }

    public PacketBuilder mss(int mss) {
        return tcpOption(2, (byte) (mss >>> 8), (byte) mss);
    }

    public PacketBuilder wscale(int shift) {
        return tcpOption(3, (byte) shift);
    }

    public PacketBuilder sackPermitted() {
        return tcpOption(4);
    }

    public PacketBuilder timestamps(long tsVal, long tsEcr) {
        return tcpOption(
                8,
                ByteBuffer.allocate(8).putInt((int) tsVal).putInt((int) tsEcr).array());
    }

    /** A SACK option (RFC 2018) with blocks given as left, right, left, right, ... */
    public PacketBuilder sack(long... edges) {
        ByteBuffer bb = ByteBuffer.allocate(edges.length * 4);
        for (long e : edges) {
            bb.putInt((int) e);
        }
        return tcpOption(5, bb.array());
    }

    public PacketBuilder nop() {
        tcpOptions.write(1);
        return this;
    }

    /** Any TCP option: kind, length (2 + data length), data. */
    public PacketBuilder tcpOption(int kind, byte... data) {
        tcpOptions.write(kind);
        tcpOptions.write(2 + data.length);
        tcpOptions.writeBytes(data);
        return this;
    }

    /** Raw bytes appended to the TCP options (for malformed options). */
    public PacketBuilder tcpOptionBytes(byte... raw) {
        tcpOptions.writeBytes(raw);
        return this;
    }

    /** Writes this data offset (in 4-byte words) instead of the true one. */
    public PacketBuilder dataOffset(int words) {
        this.dataOffsetOverride = words;
        return this;
    }

    // ======================================================================== UDP, ICMP, other

    public PacketBuilder udp(int sport, int dport) {
        this.l4 = 17;
        this.sport = sport;
        this.dport = dport;
        return this;
    }

    /** Writes this UDP length instead of the true one. */
    public PacketBuilder udpLength(int length) {
        this.udpLengthOverride = length;
        return this;
    }

    /** ICMP (over IPv4) with the given type and code; bytes 4..7 from {@link #icmpRest}. */
    public PacketBuilder icmp(int type, int code) {
        this.l4 = 1;
        this.icmpType = type;
        this.icmpCode = code;
        return this;
    }

    /** ICMPv6 with the given type and code. */
    public PacketBuilder icmpv6(int type, int code) {
        this.l4 = 58;
        this.icmpType = type;
        this.icmpCode = code;
        return this;
    }

    /** An echo request of the IP version chosen so far (ICMP type 8 or ICMPv6 type 128). */
    public PacketBuilder echoRequest(int identifier, int sequence) {
        return echo(ipVersion == 6 ? 128 : 8, identifier, sequence);
    }

    public PacketBuilder echoReply(int identifier, int sequence) {
        return echo(ipVersion == 6 ? 129 : 0, identifier, sequence);
    }

    private PacketBuilder echo(int type, int identifier, int sequence) {
        if (ipVersion == 6) {
            icmpv6(type, 0);
        } else {
            icmp(type, 0);
        }
        return icmpRest(((long) (identifier & 0xFFFF) << 16) | (sequence & 0xFFFF));
    }

    /** ICMP bytes 4..7: identifier and sequence, MTU, pointer, or unused. */
    public PacketBuilder icmpRest(long rest) {
        this.icmpRest = rest;
        return this;
    }

    /** Makes {@code inner}'s IP packet (from its IP header on) the quoted packet of an ICMP error. */
    public PacketBuilder quote(PacketBuilder inner) {
        return payload(inner.buildL3());
    }

    /** As {@link #quote(PacketBuilder)}, cut to at most {@code maxBytes} (RFC 792 quotes IP header + 8). */
    public PacketBuilder quote(PacketBuilder inner, int maxBytes) {
        byte[] l3 = inner.buildL3();
        return payload(Arrays.copyOf(l3, Math.min(maxBytes, l3.length)));
    }

    /** No L4 header at all: the IP payload is {@link #payload} under protocol {@code proto}. */
    public PacketBuilder rawL4(int proto) {
        this.l4 = NONE;
        this.protocolOverride = proto;
        return this;
    }

    /** Writes this L4 checksum instead of the correct one. */
    public PacketBuilder l4Checksum(int checksum) {
        this.l4ChecksumOverride = checksum;
        return this;
    }

    /** Writes a wrong L4 checksum (the correct one plus one). */
    public PacketBuilder badL4Checksum() {
        this.corruptL4Checksum = true;
        return this;
    }

    public PacketBuilder payload(String ascii) {
        return payload(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    public PacketBuilder payload(byte[] bytes) {
        this.payload = bytes.clone();
        return this;
    }

    // ======================================================================== build

    /** The complete frame. */
    public byte[] build() {
        byte[] l3 = buildL3();
        int type = ipVersion == 4 ? 0x0800 : ipVersion == 6 ? 0x86DD : rawEtherType;
        if (type == NONE) {
            throw new IllegalStateException("no L3 layer: call ipv4, ipv6, arp or etherType");
        }
        int len = 14 + 4 * vlanTpids.length + l3.length;
        ByteBuffer bb = ByteBuffer.allocate(Math.max(len, padTo));
        bb.put(dstMac).put(srcMac);
        for (int i = 0; i < vlanTpids.length; i++) {
            bb.putShort((short) vlanTpids[i]).putShort((short) vlanTcis[i]);
        }
        bb.putShort((short) type).put(l3);
        return bb.array();
    }

    /** Copies the frame into {@code slot} and sets its length. */
    public PacketSlot buildInto(PacketSlot slot) {
        byte[] f = build();
        System.arraycopy(f, 0, slot.data, 0, f.length);
        slot.length = f.length;
        return slot;
    }

    /** The L3 packet alone (IP header on), e.g. to quote in an ICMP error. */
    public byte[] buildL3() {
        if (ipVersion == 0) {
            return rawL3 == null ? new byte[0] : rawL3.clone();
        }
        byte[] l4bytes = buildL4();
        int proto = protocolOverride != NONE ? protocolOverride : l4;
        if (l4 != NONE && l4ChecksumOverride == NONE) {
            int field = l4 == 6 ? 16 : l4 == 17 ? 6 : (l4 == 1 || l4 == 58) ? 2 : -1;
            if (field >= 0) {
                long sum = 0;
                if (l4 != 1) {
                    sum += pseudo(l4, l4bytes.length);
                }
                int c = ~fold(sum + naiveSum(l4bytes)) & 0xFFFF;
                if (c == 0 && l4 == 17) {
                    c = 0xFFFF;
                }
                if (corruptL4Checksum) {
                    c = (c + 1) & 0xFFFF;
                }
                l4bytes[field] = (byte) (c >>> 8);
                l4bytes[field + 1] = (byte) c;
            }
        } else if (l4 != NONE) {
            int field = l4 == 6 ? 16 : l4 == 17 ? 6 : 2;
            l4bytes[field] = (byte) (l4ChecksumOverride >>> 8);
            l4bytes[field + 1] = (byte) l4ChecksumOverride;
        }
        return ipVersion == 4 ? ipv4Packet(proto, l4bytes) : ipv6Packet(proto, l4bytes);
    }

    private byte[] ipv4Packet(int proto, byte[] l4bytes) {
        int hl = 20 + ipv4Options.length;
        int total = hl + l4bytes.length;
        ByteBuffer bb = ByteBuffer.allocate(total);
        bb.put((byte) (0x40 | ((hl >>> 2) & 0x0F))).put((byte) tos);
        bb.putShort((short) (lengthOverride != NONE ? lengthOverride : total));
        bb.putShort((short) ipId);
        int ff = (df ? 0x4000 : 0) | (fragmented && moreFragments ? 0x2000 : 0) | (fragOffsetBytes >>> 3);
        bb.putShort((short) ff);
        bb.put((byte) ttl)
                .put((byte) proto)
                .putShort((short) 0)
                .put(src)
                .put(dst)
                .put(ipv4Options);
        byte[] p = bb.array();
        int c = ipChecksumOverride != NONE
                ? ipChecksumOverride
                : ~fold(naiveSum(Arrays.copyOf(p, Math.min((hl >>> 2) << 2, 60)))) & 0xFFFF;
        p[10] = (byte) (c >>> 8);
        p[11] = (byte) c;
        System.arraycopy(l4bytes, 0, p, hl, l4bytes.length);
        return p;
    }

    private byte[] ipv6Packet(int proto, byte[] l4bytes) {
        int extLen = 0;
        for (byte[] h : extHeaders) {
            extLen += h.length;
        }
        int plen = extLen + l4bytes.length;
        ByteBuffer bb = ByteBuffer.allocate(40 + plen);
        bb.putInt((int) ((6L << 28) | ((tos & 0xFFL) << 20) | (flowLabel & 0xFFFFF)));
        bb.putShort((short) (lengthOverride != NONE ? lengthOverride : plen));
        bb.put((byte) (extHeaders.isEmpty() ? proto : extTypes.get(0)));
        bb.put((byte) ttl).put(src).put(dst);
        for (int i = 0; i < extHeaders.size(); i++) {
            byte[] h = extHeaders.get(i).clone();
            h[0] = (byte) (i + 1 < extHeaders.size() ? (int) extTypes.get(i + 1) : proto);
            bb.put(h);
        }
        bb.put(l4bytes);
        return bb.array();
    }

    /** The L4 header and payload, checksum zero. */
    private byte[] buildL4() {
        switch (l4) {
            case 6: {
                byte[] opts = tcpOptions.toByteArray();
                int optLen = (opts.length + 3) & ~3;
                int hl = 20 + optLen;
                ByteBuffer bb = ByteBuffer.allocate(hl + payload.length);
                bb.putShort((short) sport)
                        .putShort((short) dport)
                        .putInt((int) seq)
                        .putInt((int) ack);
                int words = dataOffsetOverride != NONE ? dataOffsetOverride : hl >>> 2;
                bb.put((byte) ((words << 4) | ((tcpFlags >>> 8) & 1))).put((byte) tcpFlags);
                bb.putShort((short) window).putShort((short) 0).putShort((short) urgent);
                bb.put(Arrays.copyOf(opts, optLen)).put(payload);
                return bb.array();
            }
            case 17: {
                int len = 8 + payload.length;
                ByteBuffer bb = ByteBuffer.allocate(len);
                bb.putShort((short) sport).putShort((short) dport);
                bb.putShort((short) (udpLengthOverride != NONE ? udpLengthOverride : len));
                bb.putShort((short) 0).put(payload);
                return bb.array();
            }
            case 1:
            case 58: {
                ByteBuffer bb = ByteBuffer.allocate(8 + payload.length);
                bb.put((byte) icmpType).put((byte) icmpCode).putShort((short) 0).putInt((int) icmpRest);
                bb.put(payload);
                return bb.array();
            }
            default:
                return payload.clone();
        }
    }

    private long pseudo(int proto, int len) {
        byte[] p = new byte[src.length * 2 + 8];
        System.arraycopy(src, 0, p, 0, src.length);
        System.arraycopy(dst, 0, p, src.length, dst.length);
        ByteBuffer.wrap(p, src.length * 2, 8).putInt(len).putInt(proto);
        return naiveSum(p);
    }

    /** RFC 1071 the slow, obvious way: 16-bit words, odd byte padded. */
    static long naiveSum(byte[] b) {
        long s = 0;
        for (int i = 0; i < b.length; i += 2) {
            int hi = b[i] & 0xFF;
            int lo = i + 1 < b.length ? b[i + 1] & 0xFF : 0;
            s += (hi << 8) | lo;
        }
        return s;
    }

    static int fold(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    // ======================================================================== addresses

    /** "192.0.2.1" or "2001:db8::1" as 4 or 16 bytes; an IPv4 address asked for as 16 bytes is IPv4-mapped. */
    public static byte[] addr(String literal, int size) {
        // Parsed once per literal: the fuzz targets build every simulated segment from the same few addresses.
        return ADDRS.computeIfAbsent(literal + "/" + size, k -> parseAddr(literal, size))
                .clone();
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, byte[]> ADDRS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.concurrent.ConcurrentHashMap<String, byte[]> MACS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static byte[] parseAddr(String literal, int size) {
        byte[] a;
        try {
            a = InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + literal, e);
        }
        if (a.length == size) {
            return a;
        }
        if (a.length == 4 && size == 16) {
            byte[] m = new byte[16];
            m[10] = m[11] = (byte) 0xFF;
            System.arraycopy(a, 0, m, 12, 4);
            return m;
        }
        throw new IllegalArgumentException(literal + " is not an IPv" + (size == 4 ? 4 : 6) + " address");
    }

    /** An IPv4 address literal as the unsigned 32-bit value a slot stores. */
    public static long ipv4(String literal) {
        return ByteBuffer.wrap(addr(literal, 4)).getInt() & 0xFFFF_FFFFL;
    }

    /** The high 64 bits of an IPv6 address literal. */
    public static long ipv6Hi(String literal) {
        return ByteBuffer.wrap(addr(literal, 16)).getLong(0);
    }

    /** The low 64 bits of an IPv6 address literal. */
    public static long ipv6Lo(String literal) {
        return ByteBuffer.wrap(addr(literal, 16)).getLong(8);
    }

    /** Whether {@code literal} is IPv4 (for helpers that take either). */
    public static boolean isIpv4(String literal) {
        try {
            return InetAddress.getByName(literal) instanceof Inet4Address;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    static byte[] mac(String s) {
        return MACS.computeIfAbsent(s, PacketBuilder::parseMac).clone();
    }

    private static byte[] parseMac(String s) {
        String[] parts = s.split(":");
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC: " + s);
        }
        byte[] m = new byte[6];
        for (int i = 0; i < 6; i++) {
            m[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return m;
    }
}
