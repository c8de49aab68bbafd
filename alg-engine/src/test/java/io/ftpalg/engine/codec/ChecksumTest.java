package io.ftpalg.engine.codec;

import static io.ftpalg.engine.codec.TcpHeader.ACK;
import static io.ftpalg.engine.codec.TcpHeader.PSH;
import static io.ftpalg.engine.testing.Frames.CLIENT4;
import static io.ftpalg.engine.testing.Frames.CLIENT6;
import static io.ftpalg.engine.testing.Frames.SERVER4;
import static io.ftpalg.engine.testing.Frames.SERVER6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.testing.Frames;
import io.ftpalg.engine.testing.PacketBuilder;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ChecksumTest {
    private final Decoder decoder = new Decoder();

    /** RFC 1071 section 3 example and RFC 1624 section 3 corner cases. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "RFC 1071 section 3, 0001f203f4f5f6f7, 0xddf2",
        "odd length pads the last byte with zero, 0001f203f4f5f6, 0xdcfb",
        "all ones, ffffffff, 0xffff",
        "empty, '', 0",
    })
    void foldsKnownSums(String name, String hex, String expected) {
        byte[] b = Frames.hex(hex);
        assertEquals((int) Integer.decode(expected), Checksum.fold(Checksum.sum(b, 0, b.length)), name);
    }

    @Test
    void sumMatchesTheNaiveLoopForEveryLengthAndAlignment() {
        Random rnd = new Random(1);
        byte[] b = new byte[300];
        rnd.nextBytes(b);
        for (int off = 0; off < 8; off++) {
            for (int len = 0; len + off <= 200; len++) {
                assertEquals(naive(b, off, len), Checksum.fold(Checksum.sum(b, off, len)), off + "+" + len);
            }
        }
    }

    @Test
    void ipv4HeaderKnownValue() {
        // A classic capture: UDP from 192.168.0.1 to 192.168.0.199, header checksum 0xb861.
        byte[] h = Frames.hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
        assertEquals(0xb861, Checksum.ipv4Header(h, 0));
        assertTrue(Checksum.verifyIpv4Header(h, 0, 20));
        h[10] = 0;
        h[11] = 0;
        Checksum.setIpv4Header(h, 0);
        assertEquals(0xb861, Ipv4Header.checksum(h, 0));
        h[8] = 0x3F;
        assertFalse(Checksum.verifyIpv4Header(h, 0, 20));
    }

    // ------------------------------------------------------------------------------------------ L4 full

    static Stream<Arguments> l4Frames() {
        PacketBuilder inner = PacketBuilder.ethernet().ipv4(SERVER4, CLIENT4).tcp(21, 40000, 1, 2, ACK);
        return Stream.of(
                Arguments.of(
                        "tcp4",
                        PacketBuilder.ethernet()
                                .ipv4(CLIENT4, SERVER4)
                                .tcp(1, 21, 7, 8, ACK | PSH)
                                .payload("PORT 192,0,2,10,7,138\r\n")),
                Arguments.of(
                        "tcp4 odd payload",
                        PacketBuilder.ethernet()
                                .ipv4(CLIENT4, SERVER4)
                                .tcp(1, 21, 7, 8, ACK)
                                .mss(1400)
                                .payload("abc")),
                Arguments.of(
                        "tcp6",
                        PacketBuilder.ethernet()
                                .ipv6(CLIENT6, SERVER6)
                                .hopByHop()
                                .tcp(1, 21, 7, 8, ACK)
                                .payload("EPRT |2|2001:db8:1::10|1930|\r\n")),
                Arguments.of(
                        "udp4",
                        PacketBuilder.ethernet()
                                .ipv4(CLIENT4, SERVER4)
                                .udp(1, 53)
                                .payload("q")),
                Arguments.of(
                        "udp6",
                        PacketBuilder.ethernet()
                                .ipv6(CLIENT6, SERVER6)
                                .udp(1, 53)
                                .payload("qq")),
                Arguments.of(
                        "icmp4 echo",
                        PacketBuilder.ethernet()
                                .ipv4(CLIENT4, SERVER4)
                                .echoRequest(1, 2)
                                .payload("ping")),
                Arguments.of(
                        "icmp4 error",
                        PacketBuilder.ethernet()
                                .ipv4(SERVER4, CLIENT4)
                                .icmp(3, 4)
                                .icmpRest(1400)
                                .quote(inner)),
                Arguments.of(
                        "icmpv6 echo",
                        PacketBuilder.ethernet()
                                .ipv6(CLIENT6, SERVER6)
                                .echoReply(9, 9)
                                .payload("x")),
                Arguments.of(
                        "icmpv6 too big",
                        PacketBuilder.ethernet()
                                .ipv6(SERVER6, CLIENT6)
                                .icmpv6(2, 0)
                                .icmpRest(1280)
                                .quote(PacketBuilder.ethernet()
                                        .ipv6(CLIENT6, SERVER6)
                                        .udp(1, 2))));
    }

    /** The builder computes checksums independently; production verify and compute must agree with it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("l4Frames")
    void verifiesAndComputesL4(String name, PacketBuilder builder) {
        byte[] frame = builder.build();
        PacketSlot s = Frames.slot(frame);
        assertNull(decoder.decode(s), name);
        assertTrue(Checksum.verifyL4(s), name);
        assertTrue(Checksum.computeL4(s));
        assertArrayEquals(frame, Frames.bytes(s), name + ": compute changed a correct checksum");

        PacketSlot bad = Frames.slot(builder.copy().badL4Checksum().build());
        assertNull(decoder.decode(bad));
        assertFalse(Checksum.verifyL4(bad), name);
        Checksum.computeL4(bad);
        assertArrayEquals(frame, Frames.bytes(bad), name + ": compute repairs");
    }

    @Test
    void udpZeroChecksumMeansNoneOverIpv4Only() {
        PacketSlot v4 = Frames.slot(PacketBuilder.ethernet()
                .ipv4(CLIENT4, SERVER4)
                .udp(1, 2)
                .l4Checksum(0)
                .build());
        assertNull(decoder.decode(v4));
        assertTrue(Checksum.verifyL4(v4));
        PacketSlot v6 = Frames.slot(PacketBuilder.ethernet()
                .ipv6(CLIENT6, SERVER6)
                .udp(1, 2)
                .l4Checksum(0)
                .build());
        assertNull(decoder.decode(v6));
        assertFalse(Checksum.verifyL4(v6));
    }

    @Test
    void udpComputedZeroIsSentAsAllOnes() {
        // Search a payload word that makes the UDP sum fold to 0xFFFF, i.e. a computed checksum of 0.
        PacketBuilder b =
                PacketBuilder.ethernet().ipv4(CLIENT4, SERVER4).udp(1, 2).payload(new byte[2]);
        PacketSlot s = Frames.slot(b.build());
        assertNull(decoder.decode(s));
        UdpHeader.checksum(s.data, s.l4Offset, 0);
        int rest = Checksum.fold(Checksum.sum(s.data, s.l4Offset, s.l4Length) + Checksum.pseudoHeader(s, 10));
        Bytes.u16(s.data, s.payloadOffset, 0xFFFF - rest);
        Checksum.computeL4(s);
        assertEquals(0xFFFF, UdpHeader.checksum(s.data, s.l4Offset));
        assertTrue(Checksum.verifyL4(s));
    }

    @Test
    void fragmentsAreNeitherComputedNorJudged() {
        PacketSlot s = Frames.slot(PacketBuilder.ethernet()
                .ipv4(CLIENT4, SERVER4)
                .fragment(0, true)
                .tcp(1, 2, 3, 4, ACK)
                .l4Checksum(0x1234)
                .payload("abcdefgh")
                .build());
        assertNull(decoder.decode(s));
        assertFalse(Checksum.computeL4(s));
        assertTrue(Checksum.verifyL4(s));
        assertEquals(0x1234, TcpHeader.checksum(s.data, s.l4Offset));
    }

    // ------------------------------------------------------------------------------------------ RFC 1624

    @ParameterizedTest(name = "HC={0} m={1} m''={2}")
    @CsvSource({
        // RFC 1624 section 3: full recomputation gives 0x0000, equation 2 would give 0xFFFF.
        "0xDD2F, 0x5555, 0x3285, 0x0000",
        // No change leaves the checksum alone, 0 included.
        "0x0000, 0x1234, 0x1234, 0x0000",
        "0xABCD, 0x0000, 0x0000, 0xABCD",
        // A UDP checksum sent as 0xFFFF (computed 0) and a field 0xFFFF -> 0x0000: the sum is unchanged (both are
        // one's-complement zero), so the computed checksum stays 0; a naive fold of the zero sum would say 0xFFFF.
        "0xFFFF, 0xFFFF, 0x0000, 0x0000",
    })
    void update16KnownValues(String hc, String m, String m2, String expected) {
        assertEquals(
                (int) Integer.decode(expected),
                Checksum.update16(Integer.decode(hc), Integer.decode(m), Integer.decode(m2)));
    }

    /** Random TCP/UDP/ICMP packets over IPv4 and IPv6: random 16- and 32-bit field changes, incremental = full. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void incrementalEqualsFullRecompute(int seed) {
        Random rnd = new Random(seed);
        for (int i = 0; i < 300; i++) {
            PacketSlot s = randomPacket(rnd);
            int field = s.l4Offset + Checksum.l4ChecksumOffset(s.ipVersion, s.l4Proto);
            int old = Bytes.u16(s.data, field);

            // A 16-bit change in the payload or a port; sometimes forced to make the new checksum 0x0000.
            int at = s.l4Proto == 6 ? s.l4Offset + rnd.nextInt(2) * 2 : s.payloadOffset;
            int oldVal = Bytes.u16(s.data, at);
            int newVal = rnd.nextInt(0x10000);
            if (rnd.nextInt(4) == 0) {
                Bytes.u16(s.data, field, 0);
                Bytes.u16(s.data, at, 0);
                int rest = Checksum.fold(l4SumWithoutChecksum(s));
                newVal = 0xFFFF - rest;
                Bytes.u16(s.data, field, old);
            }
            Bytes.u16(s.data, at, newVal);
            int incremental = Checksum.update16(old, oldVal, newVal);
            Checksum.computeL4(s);
            int full = Bytes.u16(s.data, field);
            assertEquals(full, s.l4Proto == 17 ? Checksum.updateUdp(old, incremental) : incremental);

            // A 32-bit change (TCP sequence number, or the first payload word).
            int at32 = s.l4Proto == 6 ? s.l4Offset + TcpHeader.SEQ_OFFSET : s.payloadOffset;
            long old32 = Bytes.u32(s.data, at32);
            long new32 = rnd.nextLong() & 0xFFFF_FFFFL;
            Bytes.u32(s.data, at32, new32);
            incremental = Checksum.update32(full, old32, new32);
            Checksum.computeL4(s);
            int full2 = Bytes.u16(s.data, field);
            assertEquals(full2, s.l4Proto == 17 ? Checksum.updateUdp(full, incremental) : incremental);
        }
    }

    /** Address rewrites (NAT): IPv4 header and L4 pseudo-header, IPv6 pseudo-header. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void addressChangeEqualsFullRecompute(int seed) {
        Random rnd = new Random(seed);
        for (int i = 0; i < 300; i++) {
            PacketSlot s = randomPacket(rnd);
            if (s.l4Proto == 1) {
                continue; // ICMPv4 has no pseudo-header: nothing to update
            }
            int field = s.l4Offset + Checksum.l4ChecksumOffset(s.ipVersion, s.l4Proto);
            int oldL4 = Bytes.u16(s.data, field);
            long newHi = s.ipVersion == 6 ? rnd.nextLong() : 0;
            long newLo = s.ipVersion == 6 ? rnd.nextLong() : rnd.nextLong() & 0xFFFF_FFFFL;
            int l4Inc = Checksum.updateAddress(oldL4, s.ipVersion, s.srcHi, s.srcLo, newHi, newLo);
            if (s.ipVersion == 4) {
                int oldIp = Ipv4Header.checksum(s.data, s.l3Offset);
                int ipInc = Checksum.updateAddress(oldIp, 4, 0, s.srcLo, 0, newLo);
                Ipv4Header.src(s.data, s.l3Offset, newLo);
                assertEquals(Checksum.ipv4Header(s.data, s.l3Offset), ipInc);
                Ipv4Header.checksum(s.data, s.l3Offset, ipInc);
            } else {
                Ipv6Header.src(s.data, s.l3Offset, newHi, newLo);
            }
            s.srcHi = newHi;
            s.srcLo = newLo;
            Checksum.computeL4(s);
            int full = Bytes.u16(s.data, field);
            assertEquals(full, s.l4Proto == 17 ? Checksum.updateUdp(oldL4, l4Inc) : l4Inc);
            assertNull(decoder.decode(s));
            assertTrue(Checksum.verifyL4(s));
        }
    }

    @Test
    void update64MatchesTwoUpdate32() {
        Random rnd = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            int c = rnd.nextInt(0xFFFF);
            long a = rnd.nextLong();
            long b = rnd.nextLong();
            assertEquals(
                    Checksum.update32(Checksum.update32(c, a >>> 32, b >>> 32), a & 0xFFFF_FFFFL, b & 0xFFFF_FFFFL),
                    Checksum.update64(c, a, b));
        }
    }

    @Test
    void udpWithoutChecksumStaysWithout() {
        assertEquals(0, Checksum.updateUdp(0, 0x1234));
        assertEquals(0xFFFF, Checksum.updateUdp(0x5555, 0));
        assertEquals(0x1234, Checksum.updateUdp(0x5555, 0x1234));
    }

    static IntStream seeds() {
        return IntStream.range(0, 8);
    }

    private static long l4SumWithoutChecksum(PacketSlot s) {
        int len = s.l4Proto == 17 ? UdpHeader.length(s.data, s.l4Offset) : s.l4Length;
        long sum = Checksum.sum(s.data, s.l4Offset, len);
        return s.l4Proto == 1 ? sum : sum + Checksum.pseudoHeader(s, len);
    }

    private PacketSlot randomPacket(Random rnd) {
        boolean v6 = rnd.nextBoolean();
        PacketBuilder b = v6
                ? PacketBuilder.ethernet().ipv6(randomV6(rnd), randomV6(rnd))
                : PacketBuilder.ethernet().ipv4(randomV4(rnd), randomV4(rnd)).ipId(rnd.nextInt(0x10000));
        byte[] payload = new byte[4 + rnd.nextInt(60)];
        rnd.nextBytes(payload);
        switch (rnd.nextInt(3)) {
            case 0:
                b.tcp(rnd.nextInt(0x10000), rnd.nextInt(0x10000), rnd.nextLong() & 0xFFFF_FFFFL, 0, ACK);
                break;
            case 1:
                b.udp(rnd.nextInt(0x10000), rnd.nextInt(0x10000));
                break;
            default:
                b.echoRequest(rnd.nextInt(0x10000), 1);
        }
        PacketSlot s = Frames.slot(b.payload(payload).build());
        assertNull(decoder.decode(s));
        return s;
    }

    private static String randomV4(Random rnd) {
        return (1 + rnd.nextInt(223)) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256);
    }

    private static String randomV6(Random rnd) {
        StringBuilder sb = new StringBuilder("2001");
        for (int i = 0; i < 7; i++) {
            sb.append(':').append(Integer.toHexString(rnd.nextInt(0x10000)));
        }
        return sb.toString();
    }

    private static int naive(byte[] b, int off, int len) {
        long s = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xFF;
            int lo = i + 1 < len ? b[off + i + 1] & 0xFF : 0;
            s += (hi << 8) | lo;
        }
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    /**
     * The 20-byte header fast path of {@link Checksum#verifyIpv4Header} (wide loads) agrees with the general sum,
     * at odd offsets too, for random headers and for headers made valid by setting their checksum.
     */
    @Test
    void ipv4HeaderVerifyFastPathAgreesWithGeneralSum() {
        Random rnd = new Random(7);
        byte[] b = new byte[64];
        for (int i = 0; i < 20_000; i++) {
            rnd.nextBytes(b);
            int off = rnd.nextInt(20);
            b[off] = 0x45;
            if ((i & 1) == 0) {
                Checksum.setIpv4Header(b, off);
            }
            boolean general = Checksum.fold(Checksum.sum(b, off, 20)) == 0xFFFF;
            assertEquals(general, Checksum.verifyIpv4Header(b, off, 20), "header at " + off);
            if ((i & 1) == 0) {
                assertTrue(general);
            }
        }
    }
}
