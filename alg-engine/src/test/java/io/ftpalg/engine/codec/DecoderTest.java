package io.ftpalg.engine.codec;

import static io.ftpalg.engine.codec.TcpHeader.ACK;
import static io.ftpalg.engine.codec.TcpHeader.PSH;
import static io.ftpalg.engine.codec.TcpHeader.SYN;
import static io.ftpalg.engine.testing.Frames.CLIENT4;
import static io.ftpalg.engine.testing.Frames.CLIENT6;
import static io.ftpalg.engine.testing.Frames.SERVER4;
import static io.ftpalg.engine.testing.Frames.SERVER6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.Frames;
import io.ftpalg.engine.testing.PacketBuilder;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DecoderTest {
    private static final String PORT_LINE = "PORT 192,0,2,10,7,138\r\n";

    private final Decoder decoder = new Decoder();

    private static PacketBuilder v4() {
        return PacketBuilder.ethernet().ipv4(CLIENT4, SERVER4);
    }

    private static PacketBuilder v6() {
        return PacketBuilder.ethernet().ipv6(CLIENT6, SERVER6);
    }

    private static final String V4_ADDRS =
            " srcHi=0 srcLo=" + PacketBuilder.ipv4(CLIENT4) + " dstHi=0 dstLo=" + PacketBuilder.ipv4(SERVER4);
    private static final String V6_ADDRS = " srcHi=" + PacketBuilder.ipv6Hi(CLIENT6)
            + " srcLo=" + PacketBuilder.ipv6Lo(CLIENT6)
            + " dstHi=" + PacketBuilder.ipv6Hi(SERVER6)
            + " dstLo=" + PacketBuilder.ipv6Lo(SERVER6);

    // ------------------------------------------------------------------------------------------ good frames

    /** (name, frame, expected result or "null", expected fields as "field=value ..."; unnamed fields unchecked). */
    static Stream<Arguments> goodFrames() {
        return Stream.of(
                row(
                        "ipv4 tcp syn, every option",
                        v4().ttl(63)
                                .ipId(0x1234)
                                .df()
                                .tcp(40000, 21, 0xFFFF_FFF0L, 0, SYN)
                                .window(29200)
                                .mss(1460)
                                .sackPermitted()
                                .timestamps(0xDEADBEEFL, 0)
                                .nop()
                                .wscale(7),
                        "null",
                        "etherType=0x0800 vlanCount=0 l3Offset=14 ipVersion=4 l3Length=60 ttl=63 fragment=0"
                                + " ipId=0x1234 nextHeaderFieldOffset=-1 l4Proto=6 l4Offset=34 l4Length=40"
                                + " srcPort=40000 dstPort=21 seq=0xFFFFFFF0 ack=0 tcpFlags=2 window=29200"
                                + " tcpHeaderLength=40 sackOffset=-1 sackBlocks=0 payloadOffset=74 payloadLength=0"
                                + " icmpType=-1"
                                + V4_ADDRS),
                row(
                        "ipv4 tcp ack with 2 SACK blocks and payload",
                        v4().tcp(40000, 21, 1001, 0x80000000L, ACK | PSH)
                                .nop()
                                .nop()
                                .sack(100, 200, 300, 400)
                                .payload(PORT_LINE),
                        "null",
                        "tcpHeaderLength=40 sackOffset=58 sackBlocks=2 payloadOffset=74 payloadLength=23"
                                + " tcpFlags=24 ack=0x80000000 seq=1001 l3Length=83"),
                row(
                        "tcp with NS and every flag",
                        v4().tcp(1, 2, 3, 4, 0x1FF),
                        "null",
                        "tcpFlags=0x1FF tcpHeaderLength=20"),
                row(
                        "tcp unknown option kind, then EOL and padding",
                        v4().tcp(1, 2, 3, 4, ACK)
                                .tcpOption(30, (byte) 1, (byte) 2)
                                .tcpOptionBytes((byte) 0),
                        "null",
                        "tcpHeaderLength=28"),
                row(
                        "tcp 4 SACK blocks",
                        v4().tcp(1, 2, 3, 4, ACK).nop().nop().sack(1, 2, 3, 4, 5, 6, 7, 8),
                        "null",
                        "tcpHeaderLength=56 sackOffset=58 sackBlocks=4"),
                row(
                        "802.1Q tag",
                        v4().vlan(10).tcp(1, 21, 0, 0, SYN),
                        "null",
                        "vlanCount=1 vlanId=10 l3Offset=18 l4Offset=38 etherType=0x0800 srcPort=1"),
                row(
                        "802.1ad + 802.1Q (QinQ), vlanId is the outer tag",
                        v4().vlan(0x88A8, 0x2064).vlan(10).tcp(1, 21, 0, 0, SYN),
                        "null",
                        "vlanCount=2 vlanId=100 l3Offset=22 l4Offset=42"),
                row(
                        "ethernet padding after a short packet is ignored",
                        v4().tcp(1, 21, 0, 0, ACK).padTo(60),
                        "null",
                        "l3Length=40 l4Length=20 payloadLength=0"),
                row(
                        "ipv4 options: NOP, record route",
                        v4().ipv4Options((byte) 1, (byte) 7, (byte) 7, (byte) 4, (byte) 0, (byte) 0, (byte) 0, (byte) 0)
                                .tcp(1, 21, 0, 0, SYN),
                        "null",
                        "l4Offset=42 l3Length=48 srcPort=1"),
                row(
                        "ipv4 options: EOL then garbage",
                        v4().ipv4Options((byte) 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF)
                                .tcp(1, 21, 0, 0, SYN),
                        "null",
                        "l4Offset=38"),
                row(
                        "ipv4 udp",
                        v4().udp(5353, 53).payload("hello"),
                        "null",
                        "l4Proto=17 srcPort=5353 dstPort=53 payloadOffset=42 payloadLength=5 l4Length=13"),
                row(
                        "udp length shorter than the IP payload: surplus ignored",
                        v4().udp(1, 2).payload("hello").udpLength(10),
                        "null",
                        "payloadLength=2 l4Length=13"),
                row(
                        "icmp echo request",
                        v4().echoRequest(0x4242, 7).payload("ping"),
                        "null",
                        "l4Proto=1 icmpType=8 icmpCode=0 srcPort=0x4242 dstPort=0x4242 payloadLength=4"),
                row(
                        "icmp frag needed quoting a tcp segment",
                        v4().icmp(3, 4)
                                .icmpRest(1400)
                                .quote(PacketBuilder.ethernet()
                                        .ipv4(SERVER4, CLIENT4)
                                        .tcp(21, 40000, 5, 6, ACK)
                                        .payload(PORT_LINE)),
                        "null",
                        "icmpType=3 icmpCode=4 srcPort=0 payloadOffset=42 payloadLength=63"),
                row(
                        "ipv4 first fragment with a whole tcp header",
                        v4().ipId(77).fragment(0, true).tcp(1, 21, 9, 0, ACK).payload("abcdefgh"),
                        "null",
                        "fragment=1 ipId=77 srcPort=1 dstPort=21 seq=9 payloadLength=8"),
                row(
                        "ipv4 first fragment cut inside the tcp header: no L4 decode",
                        v4().fragment(0, true).rawL4(6).payload(new byte[16]),
                        "null",
                        "fragment=1 l4Proto=6 l4Offset=34 l4Length=16 srcPort=0 tcpHeaderLength=0"),
                row(
                        "ipv4 later fragment: no L4 decode",
                        v4().ipId(77).fragment(1480, false).rawL4(6).payload("0123456789012345678901234567890"),
                        "null",
                        "fragment=2 ipId=77 l4Proto=6 l4Offset=34 l4Length=31 srcPort=0 tcpHeaderLength=0"),
                row(
                        "ipv4 other protocol (GRE)",
                        v4().rawL4(47).payload(new byte[8]),
                        "null",
                        "l4Proto=47 l4Offset=34 l4Length=8 srcPort=0"),
                row(
                        "ipv6 tcp",
                        v6().hopLimit(5).tcp(40000, 21, 1, 2, ACK).payload("EPSV\r\n"),
                        "null",
                        "etherType=0x86DD ipVersion=6 l3Offset=14 l3Length=66 ttl=5 nextHeaderFieldOffset=20"
                                + " l4Proto=6 l4Offset=54 l4Length=26 srcPort=40000 dstPort=21 payloadOffset=74"
                                + " payloadLength=6 fragment=0 ipId=0"
                                + V6_ADDRS),
                row(
                        "ipv6 hop-by-hop, dest opts, routing, tcp",
                        v6().hopByHop().destOptions().routing().tcp(1, 21, 0, 0, SYN),
                        "null",
                        "nextHeaderFieldOffset=70 l4Proto=6 l4Offset=78 l4Length=20 l3Length=84 srcPort=1"),
                row(
                        "ipv6 AH then tcp",
                        v6().extensionHeader(51, new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
                                .tcp(1, 21, 0, 0, SYN),
                        "null",
                        "nextHeaderFieldOffset=54 l4Offset=66 srcPort=1"),
                row(
                        "ipv6 eight extension headers",
                        v6().destOptions()
                                .destOptions()
                                .destOptions()
                                .destOptions()
                                .destOptions()
                                .destOptions()
                                .destOptions()
                                .destOptions()
                                .tcp(1, 21, 0, 0, SYN),
                        "null",
                        "l4Offset=118 nextHeaderFieldOffset=110 srcPort=1"),
                row(
                        "ipv6 first fragment with udp",
                        v6().ipId(0xCAFEBABE).fragment(0, true).udp(1, 2).payload("x"),
                        "null",
                        "fragment=1 ipId=0xCAFEBABE l4Proto=17 l4Offset=62 nextHeaderFieldOffset=54 srcPort=1"
                                + " payloadLength=1"),
                row(
                        "ipv6 atomic fragment (RFC 6946) is a whole packet",
                        v6().ipId(5).fragment(0, false).tcp(1, 21, 0, 0, SYN),
                        "null",
                        "fragment=0 ipId=5 srcPort=1 l4Offset=62"),
                row(
                        "ipv6 later fragment: no L4 decode",
                        v6().destOptions()
                                .ipId(9)
                                .fragment(1232, false)
                                .protocol(6)
                                .payload("abc"),
                        "null",
                        "fragment=2 ipId=9 l4Proto=6 l4Offset=70 l4Length=3 nextHeaderFieldOffset=62 srcPort=0"),
                row(
                        "icmpv6 echo request",
                        v6().echoRequest(0x77, 1),
                        "null",
                        "l4Proto=58 icmpType=128 icmpCode=0 srcPort=0x77 dstPort=0x77"),
                row(
                        "icmpv6 packet too big quoting a tcp segment",
                        v6().icmpv6(2, 0)
                                .icmpRest(1280)
                                .quote(PacketBuilder.ethernet()
                                        .ipv6(SERVER6, CLIENT6)
                                        .tcp(21, 1, 0, 0, ACK)),
                        "null",
                        "icmpType=2 icmpCode=0 srcPort=0 payloadLength=60"),
                row(
                        "ipv6 ESP stops the walk",
                        v6().destOptions().rawL4(50).payload(new byte[16]),
                        "null",
                        "l4Proto=50 l4Offset=62 nextHeaderFieldOffset=54 srcPort=0"),
                row(
                        "ipv6 no next header",
                        v6().rawL4(59).payload(new byte[3]),
                        "null",
                        "l4Proto=59 l4Offset=54 l4Length=3"),
                row(
                        "icmp inside ipv6 is just another protocol",
                        v6().rawL4(1).payload(new byte[8]),
                        "null",
                        "l4Proto=1 icmpType=-1"),
                row(
                        "arp is passed",
                        PacketBuilder.ethernet().arp(CLIENT4, SERVER4).padTo(60),
                        "PASS_NON_IP",
                        "etherType=0x0806 ipVersion=0 l3Offset=14 l4Proto=-1"),
                row(
                        "arp behind a vlan tag is passed",
                        PacketBuilder.ethernet().vlan(7).arp(CLIENT4, SERVER4),
                        "PASS_NON_IP",
                        "etherType=0x0806 vlanCount=1 vlanId=7 l3Offset=18"));
    }

    private static Arguments row(String name, PacketBuilder frame, String result, String fields) {
        return Arguments.of(name, frame.build(), result, fields);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodFrames")
    void decodesGoodFrames(String name, byte[] frame, String result, String fields) throws Exception {
        PacketSlot s = Frames.slot(frame);
        s.egressPort = PacketSlot.PORT_OUTSIDE;
        Counter c = decoder.decode(s);
        assertEquals(result, String.valueOf(c), name);
        for (String kv : fields.trim().split("\\s+")) {
            String[] p = kv.split("=", 2);
            Field f = PacketSlot.class.getField(p[0]);
            long expected =
                    p[1].startsWith("0x") ? Long.parseUnsignedLong(p[1].substring(2), 16) : Long.parseLong(p[1]);
            assertEquals(expected, ((Number) f.get(s)).longValue(), name + ": " + p[0]);
        }
        assertEquals(PacketSlot.PORT_NONE, s.egressPort, "decode resets the slot's metadata");
    }

    // ------------------------------------------------------------------------------------------ malformed frames

    static Stream<Arguments> malformedFrames() {
        byte[] tcp4 = v4().tcp(1, 21, 0, 0, SYN).build();
        byte[] tcp6 = v6().tcp(1, 21, 0, 0, SYN).build();
        byte[] vlan = v4().vlan(10).tcp(1, 21, 0, 0, SYN).build();
        return Stream.of(
                bad("empty frame", new byte[0], Counter.DROP_TRUNCATED_ETHERNET),
                bad("13 bytes", Arrays.copyOf(tcp4, 13), Counter.DROP_TRUNCATED_ETHERNET),
                bad("vlan tag cut after TPID", Arrays.copyOf(vlan, 14), Counter.DROP_TRUNCATED_VLAN),
                bad("vlan tag cut in TCI", Arrays.copyOf(vlan, 15), Counter.DROP_TRUNCATED_VLAN),
                bad("vlan tag without inner ethertype", Arrays.copyOf(vlan, 16), Counter.DROP_TRUNCATED_VLAN),
                bad("vlan tag, half an inner ethertype", Arrays.copyOf(vlan, 17), Counter.DROP_TRUNCATED_VLAN),
                bad(
                        "three vlan tags",
                        v4().vlan(0x88A8, 1).vlan(2).vlan(3).tcp(1, 2, 3, 4, SYN),
                        Counter.DROP_TOO_MANY_VLAN_TAGS),
                bad("ipv4 header cut", Arrays.copyOf(tcp4, 33), Counter.DROP_IPV4_TRUNCATED),
                bad("ipv4 ethertype, ipv6 inside", patch(tcp4, 14, 0x65), Counter.DROP_IPV4_BAD_VERSION),
                bad("ipv4 IHL 4", patch(tcp4, 14, 0x44), Counter.DROP_IPV4_BAD_HEADER_LENGTH),
                bad("ipv4 IHL 0", patch(tcp4, 14, 0x40), Counter.DROP_IPV4_BAD_HEADER_LENGTH),
                bad("ipv4 IHL beyond the frame", patch(tcp4, 14, 0x4F), Counter.DROP_IPV4_TRUNCATED),
                bad(
                        "ipv4 total length < IHL",
                        v4().tcp(1, 2, 3, 4, SYN).ipLength(19),
                        Counter.DROP_IPV4_BAD_TOTAL_LENGTH),
                bad("ipv4 total length lies long", v4().tcp(1, 2, 3, 4, SYN).ipLength(41), Counter.DROP_IPV4_TRUNCATED),
                bad(
                        "ipv4 bad header checksum",
                        v4().ipv4Checksum(0x1234).tcp(1, 2, 3, 4, SYN),
                        Counter.DROP_IPV4_BAD_CHECKSUM),
                bad("ipv4 header bit flip", patch(tcp4, 14 + 8, 0x41), Counter.DROP_IPV4_BAD_CHECKSUM),
                bad("ipv4 option length 1", opt4(7, 1, 0, 0), Counter.DROP_IPV4_BAD_OPTIONS),
                bad("ipv4 option length 0", opt4(7, 0, 0, 0), Counter.DROP_IPV4_BAD_OPTIONS),
                bad("ipv4 option longer than the header", opt4(7, 5, 0, 0), Counter.DROP_IPV4_BAD_OPTIONS),
                bad("ipv4 option kind in the last byte", opt4(1, 1, 1, 7), Counter.DROP_IPV4_BAD_OPTIONS),
                bad("ipv6 header cut", Arrays.copyOf(tcp6, 53), Counter.DROP_IPV6_TRUNCATED),
                bad("ipv6 ethertype, ipv4 inside", patch(tcp6, 14, 0x45), Counter.DROP_IPV6_BAD_VERSION),
                bad(
                        "ipv6 jumbogram",
                        v6().hopByHop().tcp(1, 2, 3, 4, SYN).ipLength(0),
                        Counter.DROP_IPV6_BAD_PAYLOAD_LENGTH),
                bad(
                        "ipv6 payload length lies long",
                        v6().tcp(1, 2, 3, 4, SYN).ipLength(21),
                        Counter.DROP_IPV6_TRUNCATED),
                bad("ipv6 payload cut", Arrays.copyOf(tcp6, tcp6.length - 1), Counter.DROP_IPV6_TRUNCATED),
                bad(
                        "ipv6 hop-by-hop not first",
                        v6().destOptions().hopByHop().tcp(1, 2, 3, 4, SYN),
                        Counter.DROP_IPV6_BAD_EXTENSION_CHAIN),
                bad(
                        "ipv6 nine extension headers",
                        v6().destOptions()
                                .destOptions()
                                .destOptions()
                                .destOptions()
                                .destOptions()
                                .destOptions()
                                .destOptions()
                                .destOptions()
                                .destOptions()
                                .tcp(1, 2, 3, 4, SYN),
                        Counter.DROP_IPV6_BAD_EXTENSION_CHAIN),
                bad(
                        "ipv6 extension header longer than the payload",
                        v6().extensionHeader(60, new byte[] {5, 0, 0, 0, 0, 0, 0})
                                .tcp(1, 2, 3, 4, SYN),
                        Counter.DROP_IPV6_BAD_EXTENSION_CHAIN),
                bad(
                        "ipv6 extension header cut below 8 bytes",
                        v6().extensionHeader(60, new byte[] {0, 0, 0}).protocol(59),
                        Counter.DROP_IPV6_BAD_EXTENSION_CHAIN),
                bad(
                        "ipv6 AH longer than the payload",
                        v6().extensionHeader(51, new byte[] {4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
                                .protocol(59),
                        Counter.DROP_IPV6_BAD_EXTENSION_CHAIN),
                bad(
                        "ipv6 two fragment headers",
                        v6().fragment(0, true).fragment(0, true).tcp(1, 2, 3, 4, SYN),
                        Counter.DROP_IPV6_BAD_EXTENSION_CHAIN),
                bad("tcp shorter than 20 bytes", v4().rawL4(6).payload(new byte[19]), Counter.DROP_TCP_TRUNCATED),
                bad("ipv6 tcp shorter than 20", v6().rawL4(6).payload(new byte[12]), Counter.DROP_TCP_TRUNCATED),
                bad("tcp data offset 4", v4().tcp(1, 2, 3, 4, SYN).dataOffset(4), Counter.DROP_TCP_BAD_HEADER_LENGTH),
                bad("tcp data offset 0", v4().tcp(1, 2, 3, 4, SYN).dataOffset(0), Counter.DROP_TCP_BAD_HEADER_LENGTH),
                bad(
                        "tcp data offset past the end",
                        v4().tcp(1, 2, 3, 4, SYN).dataOffset(6),
                        Counter.DROP_TCP_TRUNCATED),
                bad(
                        "tcp data offset 15 over a short segment",
                        v4().tcp(1, 2, 3, 4, SYN).dataOffset(15).payload("abc"),
                        Counter.DROP_TCP_TRUNCATED),
                bad("tcp MSS length 3", tcpOpt(2, 3, 0, 1), Counter.DROP_TCP_BAD_OPTIONS),
                bad("tcp window scale length 4", tcpOpt(3, 4, 0, 1), Counter.DROP_TCP_BAD_OPTIONS),
                bad("tcp SACK-permitted length 3", tcpOpt(4, 3, 0, 1), Counter.DROP_TCP_BAD_OPTIONS),
                bad("tcp timestamps length 9", tcpOpt(8, 9, 0, 0, 0, 0, 0, 0, 0, 1), Counter.DROP_TCP_BAD_OPTIONS),
                bad("tcp SACK with no block", tcpOpt(5, 2, 1, 1), Counter.DROP_TCP_BAD_OPTIONS),
                bad(
                        "tcp SACK length 2+8+4",
                        tcpOpt(5, 14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                        Counter.DROP_TCP_BAD_OPTIONS),
                bad(
                        "tcp two SACK options",
                        v4().tcp(1, 2, 3, 4, ACK)
                                .nop()
                                .nop()
                                .sack(1, 2)
                                .nop()
                                .nop()
                                .sack(3, 4),
                        Counter.DROP_TCP_BAD_OPTIONS),
                bad("tcp unknown option length 1", tcpOpt(30, 1, 0, 0), Counter.DROP_TCP_BAD_OPTIONS),
                bad("tcp unknown option length 0", tcpOpt(30, 0, 0, 0), Counter.DROP_TCP_BAD_OPTIONS),
                bad("tcp option longer than the header", tcpOpt(30, 5, 0, 0), Counter.DROP_TCP_BAD_OPTIONS),
                bad("tcp option kind in the last byte", tcpOpt(1, 1, 1, 2), Counter.DROP_TCP_BAD_OPTIONS),
                bad(
                        "tcp MSS option cut by the header end",
                        v4().tcp(1, 2, 3, 4, SYN).tcpOptionBytes((byte) 1, (byte) 1, (byte) 2, (byte) 4),
                        Counter.DROP_TCP_BAD_OPTIONS),
                bad("udp shorter than 8", v4().rawL4(17).payload(new byte[7]), Counter.DROP_UDP_TRUNCATED),
                bad("udp length 7", v4().udp(1, 2).udpLength(7), Counter.DROP_UDP_BAD_LENGTH),
                bad("udp length 0", v6().udp(1, 2).udpLength(0), Counter.DROP_UDP_BAD_LENGTH),
                bad(
                        "udp length past the IP payload",
                        v4().udp(1, 2).payload("ab").udpLength(11),
                        Counter.DROP_UDP_BAD_LENGTH),
                bad("icmp shorter than 8", v4().rawL4(1).payload(new byte[7]), Counter.DROP_ICMP_TRUNCATED),
                bad("icmpv6 shorter than 8", v6().rawL4(58).payload(new byte[4]), Counter.DROP_ICMP_TRUNCATED));
    }

    private static Arguments bad(String name, byte[] frame, Counter expected) {
        return Arguments.of(name, frame, expected);
    }

    private static Arguments bad(String name, PacketBuilder frame, Counter expected) {
        return bad(name, frame.build(), expected);
    }

    private static byte[] patch(byte[] frame, int off, int value) {
        byte[] f = frame.clone();
        f[off] = (byte) value;
        return f;
    }

    /** An IPv4 TCP SYN whose IP header carries these 4 option bytes (and a correct header checksum). */
    private static PacketBuilder opt4(int... bytes) {
        return v4().ipv4Options(toBytes(bytes)).tcp(1, 2, 3, 4, SYN);
    }

    /** A TCP SYN whose options are these bytes, as given (a multiple of 4). */
    private static PacketBuilder tcpOpt(int... bytes) {
        return v4().tcp(1, 2, 3, 4, SYN).tcpOptionBytes(toBytes(bytes));
    }

    private static byte[] toBytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFrames")
    void dropsMalformedFrames(String name, byte[] frame, Counter expected) {
        assertEquals(expected, decoder.decode(Frames.slot(frame)), name);
        assertTrue(expected.isDrop());
    }

    @Test
    void lengthBeyondTheSlotIsRefused() {
        PacketSlot s = new PacketSlot(64);
        s.length = 65;
        assertEquals(Counter.DROP_FRAME_TOO_LARGE, decoder.decode(s));
    }

    // ------------------------------------------------------------------------------------------ robustness

    static Stream<Arguments> validFrames() {
        return goodFrames().map(a -> Arguments.of(a.get()[0], a.get()[1], a.get()[2]));
    }

    /**
     * Every prefix of every good frame: no exception, and a frame cut before the end of its IP packet is dropped
     * (never decoded from bytes beyond {@code length}). The slot's tail keeps the original bytes so that a read
     * past {@code length} would go unnoticed by the array bounds and show up as a wrong verdict instead.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("validFrames")
    void everyTruncationIsHandled(String name, byte[] frame, String result) {
        PacketSlot full = Frames.slot(frame);
        assertEquals(result, String.valueOf(decoder.decode(full)));
        int end = full.ipVersion == 0 ? EthernetHeader.LENGTH + 4 * full.vlanCount : full.l3Offset + full.l3Length;
        for (int n = 0; n < frame.length; n++) {
            PacketSlot s = Frames.slot(frame);
            s.length = n;
            Counter c;
            try {
                c = decoder.decode(s);
            } catch (RuntimeException e) {
                throw new AssertionError(name + ": threw at length " + n, e);
            }
            if (n < end) {
                assertTrue(c != null && c.isDrop(), name + ": length " + n + " gave " + c);
            } else {
                assertEquals(result, String.valueOf(c), name + ": length " + n);
            }
        }
    }

    /** Random byte corruption of good frames never throws. */
    @Test
    void randomCorruptionNeverThrows() {
        Random rnd = new Random(1071);
        byte[][] frames = goodFrames().map(a -> (byte[]) a.get()[1]).toArray(byte[][]::new);
        PacketSlot s = new PacketSlot(Frames.SLOT_CAPACITY);
        for (int i = 0; i < 50_000; i++) {
            byte[] f = frames[rnd.nextInt(frames.length)];
            System.arraycopy(f, 0, s.data, 0, f.length);
            int flips = 1 + rnd.nextInt(4);
            for (int k = 0; k < flips; k++) {
                int at = rnd.nextInt(Math.min(f.length, 80));
                s.data[at] = (byte) rnd.nextInt(256);
            }
            s.length = rnd.nextInt(8) == 0 ? rnd.nextInt(f.length + 1) : f.length;
            try {
                decoder.decode(s);
            } catch (RuntimeException e) {
                fail("threw on " + Frames.hex(Arrays.copyOf(s.data, s.length)), e);
            }
        }
    }
}
