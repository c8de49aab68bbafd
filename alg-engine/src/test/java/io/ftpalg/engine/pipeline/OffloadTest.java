package io.ftpalg.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.codec.Bytes;
import io.ftpalg.engine.codec.Checksum;
import io.ftpalg.engine.codec.Decoder;
import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.codec.VirtioNetHeader;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.stats.Counter;
import io.ftpalg.engine.testing.PacketBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Offloads through the engine and the transmit stage (PACKET_VNET_HDR): GSO super-frames and CHECKSUM_PARTIAL
 * frames NATed whole, the partial checksum right for the new addresses, an FTP rewrite that changes the length of
 * a super-frame, and what leaves on ports with and without offloads, checked the way the kernel and a receiver
 * would check it.
 */
class OffloadTest {
    static final String SNAT = """
            mode router
            port inside mac 02:00:00:00:00:01
            port outside mac 02:00:00:00:00:02
            snat from 192.0.2.0/24 to 203.0.113.1
            snat from 2001:db8:1::/64 to 2001:db8:ff::1
            """;
    static final String GW_IN = "02:00:00:00:00:01";
    static final String GW_OUT = "02:00:00:00:00:02";
    static final String CLIENT_MAC = "02:00:00:00:01:10";
    static final String SERVER_MAC = "02:00:00:00:01:20";

    Engine engine;
    long now = 1_700_000_000_000_000_000L;
    final PacketSlot slot = new PacketSlot(Dataplane.SLOT_CAPACITY);

    @BeforeEach
    void setUp() throws Exception {
        engine = new Engine(ConfigParser.parse(SNAT, "test"), EventSink.NONE, Dataplane.SLOT_CAPACITY);
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    /** Runs {@code frame} (with {@code offload}) through the engine; returns the verdict. */
    int process(byte[] frame, int port, long offload) {
        System.arraycopy(frame, 0, slot.data, 0, frame.length);
        slot.length = frame.length;
        slot.ingressPort = port;
        slot.timestampNanos = now += 1_000_000;
        slot.setOffload(offload);
        return engine.process(slot);
    }

    /** The L4 checksum field as a CHECKSUM_PARTIAL sender leaves it: the folded pseudo-header sum. */
    static byte[] partial(byte[] frame) {
        PacketSlot s = new PacketSlot(frame.length + 64);
        System.arraycopy(frame, 0, s.data, 0, frame.length);
        s.length = frame.length;
        assertNull(new Decoder().decode(s));
        assertTrue(Checksum.setPartialL4(s));
        return Arrays.copyOf(s.data, frame.length);
    }

    /** What the kernel or NIC does with NEEDS_CSUM: sum [csum_start, end) with the field as it is, store ~sum. */
    static void finishLikeTheKernel(byte[] f, int len, int csumStart, int csumOffset) {
        int c = Checksum.finish(Checksum.sum(f, csumStart, len - csumStart));
        Bytes.u16(f, csumStart + csumOffset, c);
    }

    static byte[] payload(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) ('a' + i % 26);
        }
        return p;
    }

    static final long CSEQ = 1000;
    static final long SSEQ = 5000;

    /** SYN, SYN-ACK, ACK of 192.0.2.10:40000 -> 198.51.100.20:{dport} through the engine. */
    void handshake(int dport) {
        assertEquals(
                Engine.FORWARD,
                process(
                        PacketBuilder.ethernet(CLIENT_MAC, GW_IN)
                                .ipv4("192.0.2.10", "198.51.100.20")
                                .tcp(40000, dport, CSEQ, 0, TcpHeader.SYN)
                                .mss(1460)
                                .build(),
                        PacketSlot.PORT_INSIDE,
                        0));
        int natPort = slot.srcPort;
        assertEquals(
                Engine.FORWARD,
                process(
                        PacketBuilder.ethernet(SERVER_MAC, GW_OUT)
                                .ipv4("198.51.100.20", "203.0.113.1")
                                .tcp(dport, natPort, SSEQ, CSEQ + 1, TcpHeader.SYN | TcpHeader.ACK)
                                .mss(1460)
                                .build(),
                        PacketSlot.PORT_OUTSIDE,
                        0));
        // The client's ACK as a local TCP stack with checksum offload sends it: partial checksum.
        byte[] ack = partial(PacketBuilder.ethernet(CLIENT_MAC, GW_IN)
                .ipv4("192.0.2.10", "198.51.100.20")
                .tcp(40000, dport, CSEQ + 1, SSEQ + 1, TcpHeader.ACK)
                .build());
        assertEquals(
                Engine.FORWARD,
                process(ack, PacketSlot.PORT_INSIDE, VirtioNetHeader.word(VirtioNetHeader.F_NEEDS_CSUM, 0, 0, 34, 16)));
        // A single partial frame leaves complete: the engine finished its checksum in software.
        assertFalse(slot.csumPartial);
        assertTrue(Checksum.verifyL4(slot), "ACK checksum finished for the NATed addresses");
        assertEquals(PacketBuilder.ipv4("203.0.113.1"), slot.srcLo);
    }

    /** A super-frame from the client: partial checksum, gso TCPV4 at {@code mss}. */
    int clientSuperFrame(int dport, long seq, byte[] data, int mss) {
        byte[] f = partial(PacketBuilder.ethernet(CLIENT_MAC, GW_IN)
                .ipv4("192.0.2.10", "198.51.100.20")
                .df()
                .tcp(40000, dport, seq, SSEQ + 1, TcpHeader.ACK | TcpHeader.PSH)
                .payload(data)
                .build());
        return process(
                f,
                PacketSlot.PORT_INSIDE,
                VirtioNetHeader.word(VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_TCPV4, mss, 34, 16));
    }

    /** Records what a port is asked to send. */
    static final class Capture implements PacketPort {
        final boolean offloads;
        final int mtu;
        final List<byte[]> frames = new ArrayList<>();
        final List<Long> words = new ArrayList<>();

        Capture(boolean offloads, int mtu) {
            this.offloads = offloads;
            this.mtu = mtu;
        }

        @Override
        public String name() {
            return "capture";
        }

        @Override
        public int receive(Sink sink, int max, long timeoutMs) {
            return 0;
        }

        @Override
        public boolean send(byte[] frame, int off, int len) {
            return send(frame, off, len, 0L);
        }

        @Override
        public boolean send(byte[] frame, int off, int len, long offload) {
            if (offload != 0 && !offloads) {
                return false;
            }
            frames.add(Arrays.copyOfRange(frame, off, off + len));
            words.add(offload);
            return true;
        }

        @Override
        public boolean offloads() {
            return offloads;
        }

        @Override
        public int mtu() {
            return mtu;
        }

        @Override
        public void flush() {}

        @Override
        public long drops() {
            return 0;
        }

        @Override
        public void close() {}

        /**
         * The byte stream a receiver reassembles from what was sent, after the kernel's part (finish the
         * checksum; GSO cuts at gso_size, which {@link OffloadTest} checks separately), every checksum checked.
         */
        byte[] stream(long firstSeq) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long seq = firstSeq;
            for (int i = 0; i < frames.size(); i++) {
                byte[] f = frames.get(i).clone();
                long w = words.get(i);
                if (VirtioNetHeader.needsCsum(w)) {
                    finishLikeTheKernel(f, f.length, VirtioNetHeader.csumStart(w), VirtioNetHeader.csumOffset(w));
                }
                PacketSlot s = new PacketSlot(f.length + 64);
                System.arraycopy(f, 0, s.data, 0, f.length);
                s.length = f.length;
                assertNull(new Decoder().decode(s));
                assertTrue(Checksum.verifyL4(s), "frame " + i + ": TCP checksum");
                assertTrue(Checksum.verifyIpv4Header(s.data, s.l3Offset, 20), "frame " + i + ": IPv4 checksum");
                assertEquals(PacketBuilder.ipv4("203.0.113.1"), s.srcLo, "frame " + i + ": NATed source");
                assertEquals(seq, s.seq, "frame " + i + ": in order");
                out.write(s.data, s.payloadOffset, s.payloadLength);
                seq += s.payloadLength;
            }
            return out.toByteArray();
        }
    }

    @Test
    void aSuperFrameIsNatedWholeAndTheKernelCanFinishItsChecksum() {
        handshake(2000); // not an FTP port: a plain TCP flow
        byte[] data = payload(60000);
        assertEquals(Engine.FORWARD, clientSuperFrame(2000, CSEQ + 1, data, 1448));
        assertEquals(PacketSlot.PORT_OUTSIDE, slot.egressPort);
        assertTrue(slot.csumPartial, "still partial: the kernel finishes it per segment");
        assertEquals(60000 + 20 + 20, slot.l3Length);

        Capture port = new Capture(true, 1500);
        OffloadTransmit tx = new OffloadTransmit();
        assertTrue(tx.send(slot, port));
        assertEquals(1, port.frames.size(), "sent whole");
        long w = port.words.get(0);
        assertEquals(VirtioNetHeader.GSO_TCPV4, VirtioNetHeader.gsoType(w));
        assertEquals(1448, VirtioNetHeader.gsoSize(w));
        assertTrue(VirtioNetHeader.needsCsum(w));
        assertEquals(34, VirtioNetHeader.csumStart(w));
        assertEquals(16, VirtioNetHeader.csumOffset(w));
        assertEquals(1, tx.superFramesWhole());
        assertArrayEquals(data, port.stream(CSEQ + 1));
        assertEquals(GW_OUT, mac(port.frames.get(0), 6), "router MAC rewrite");
    }

    @Test
    void withoutOffloadsOnTheEgressPortTheSuperFrameIsCutInSoftware() {
        handshake(2000);
        byte[] data = payload(10000);
        assertEquals(Engine.FORWARD, clientSuperFrame(2000, CSEQ + 1, data, 1448));
        Capture port = new Capture(false, 1500);
        OffloadTransmit tx = new OffloadTransmit();
        assertTrue(tx.send(slot, port));
        assertEquals(7, port.frames.size(), "ceil(10000 / 1448)");
        for (int i = 0; i < port.frames.size(); i++) {
            assertEquals(0L, port.words.get(i));
            assertTrue(port.frames.get(i).length <= 1514);
        }
        assertEquals(1, tx.superFramesCut());
        assertEquals(7, tx.segmentsCut());
        assertArrayEquals(data, port.stream(CSEQ + 1));
    }

    @Test
    void aSmallerEgressMtuLowersTheSegmentSize() {
        handshake(2000);
        byte[] data = payload(9000);
        assertEquals(Engine.FORWARD, clientSuperFrame(2000, CSEQ + 1, data, 1448));
        byte[] copy = Arrays.copyOf(slot.data, slot.length);
        Capture whole = new Capture(true, 1280);
        OffloadTransmit tx = new OffloadTransmit();
        assertTrue(tx.send(slot, whole));
        assertEquals(1280 - 40, VirtioNetHeader.gsoSize(whole.words.get(0)), "gso_size fits the egress MTU");
        assertEquals(1, tx.gsoResized());
        // The same frame to a port without offloads: segments that fit 1280.
        Capture cut = new Capture(false, 1280);
        assertTrue(tx.send(slot, cut));
        assertEquals(Arrays.toString(copy), Arrays.toString(Arrays.copyOf(slot.data, slot.length)), "slot intact");
        assertEquals(8, cut.frames.size(), "ceil(9000 / 1240)");
        for (byte[] f : cut.frames) {
            assertTrue(f.length - 14 <= 1280);
        }
        assertArrayEquals(data, cut.stream(CSEQ + 1));
    }

    @Test
    void anFtpRewriteInASuperFrameChangesTheLengthAndKeepsGsoSize() {
        handshake(21);
        // The client's PORT line, with some bytes before it, in one super-frame cut at 16 bytes per segment (small,
        // so that the rewrite falls across segment boundaries).
        String before = "NOOP\r\nTYPE I\r\n";
        String line = "PORT 192,0,2,10,7,138\r\n";
        byte[] data = (before + line).getBytes(StandardCharsets.US_ASCII);
        assertEquals(Engine.FORWARD, clientSuperFrame(21, CSEQ + 1, data, 16));
        assertEquals(
                1, engine.counters().get(Counter.FTP_REWRITES), "rewritten (the partial checksum was not refused)");
        String expected = before + "PORT 203,0,113,1,";
        assertEquals(VirtioNetHeader.GSO_TCPV4, slot.gsoType);
        assertEquals(16, slot.gsoSize, "gso_size kept");
        Capture port = new Capture(true, 1500);
        assertTrue(new OffloadTransmit().send(slot, port));
        assertEquals(16, VirtioNetHeader.gsoSize(port.words.get(0)));
        String got = new String(port.stream(CSEQ + 1), StandardCharsets.US_ASCII);
        assertTrue(got.startsWith(expected) && got.endsWith("\r\n"), got);
        assertEquals(data.length + (got.length() - data.length), slot.l4Length - slot.tcpHeaderLength);
        // Cut in software at gso_size as the kernel would: the same stream, every segment at most 16 bytes.
        Capture cut = new Capture(false, 1500);
        assertTrue(new OffloadTransmit().send(slot, cut));
        assertEquals((got.length() + 15) / 16, cut.frames.size());
        assertEquals(got, new String(cut.stream(CSEQ + 1), StandardCharsets.US_ASCII));
    }

    @Test
    void aSuperFrameThatFitsOneSegmentLeavesAsAnOrdinaryFrame() {
        handshake(2000);
        byte[] data = payload(1000);
        assertEquals(Engine.FORWARD, clientSuperFrame(2000, CSEQ + 1, data, 1448));
        Capture port = new Capture(true, 1500);
        assertTrue(new OffloadTransmit().send(slot, port));
        assertEquals(0L, port.words.get(0), "no offload word: complete checksum");
        assertArrayEquals(data, port.stream(CSEQ + 1));
    }

    @Test
    void aPartialChecksumIsNotVerifiedAsIfItWereComplete() {
        byte[] f = partial(PacketBuilder.ethernet(CLIENT_MAC, GW_IN)
                .ipv4("192.0.2.10", "198.51.100.20")
                .tcp(40000, 21, 1, 1, TcpHeader.ACK)
                .payload("USER x\r\n")
                .build());
        PacketSlot s = new PacketSlot(2048);
        System.arraycopy(f, 0, s.data, 0, f.length);
        s.length = f.length;
        assertNull(new Decoder().decode(s));
        assertFalse(Checksum.verifyL4(s), "a partial field is not a valid complete checksum");
        s.csumPartial = true;
        assertTrue(Checksum.verifyL4(s), "but the kernel said it is partial: nothing to verify");
    }

    static String mac(byte[] f, int off) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            sb.append(i == 0 ? "" : ":").append(String.format("%02x", f[off + i] & 0xff));
        }
        return sb.toString();
    }
}
