package io.ftpalg.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ftpalg.engine.codec.Checksum;
import io.ftpalg.engine.codec.Decoder;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.pipeline.Engine;
import io.ftpalg.engine.pipeline.PacketSlot;
import io.ftpalg.engine.report.EventSink;
import io.ftpalg.engine.stats.Counter;
import java.util.Arrays;

/**
 * Arbitrary frames through an engine, in router mode (source and destination NAT) and in bridge mode. The input is
 * a sequence of up to {@link #MAX_FRAMES} records {@code [control][length: 2 bytes][frame]}, so that one input can
 * open a flow and then send into it; control bit 0 picks the ingress port, bit 1 the bridge engine, bits 2..7 a
 * time step. The engines live for the whole run (building one takes a Chronicle Map, about a second), so state
 * carries over between inputs as it does between packets on a wire.
 *
 * <p>What holds for every frame, whatever its bytes:
 *
 * <ul>
 *   <li>{@code process} does not throw and answers FORWARD, DROP, HELD or (router mode: a frame for the gateway
 *       itself, answered or consumed there) LOCAL;
 *   <li>FORWARD leaves at most the slot's capacity, on a valid port (a bridge: the other one; a router may hairpin
 *       back out of the ingress port), and only for a frame that decoded (an IP packet the decoder accepted, or a
 *       non-IP frame in bridge mode);
 *   <li>a non-IP frame a bridge forwards is forwarded byte for byte unchanged (nothing in it can be checked, so
 *       nothing else is claimed);
 *   <li>a forwarded IP packet decodes again (lengths consistent) and, when IPv4, has a valid header checksum;
 *   <li>when the received packet's TCP/UDP/ICMP checksum was valid, the forwarded one's is too (NAT and sequence
 *       rewrites keep checksums right); when a TCP or UDP checksum was wrong, the forwarded one's is still wrong
 *       (never laundered into a valid one: the receiver must still drop it);
 *   <li>a router forwards with the TTL / hop limit one lower.
 * </ul>
 */
class EngineFrameFuzzTest {
    static final String ROUTER = """
            mode router
            port inside mac 02:00:00:00:00:01
            port outside mac 02:00:00:00:00:02
            snat from 192.0.2.0/24 to 203.0.113.1
            snat from 2001:db8:1::/64 to 2001:db8:ff::1
            dnat to 203.0.113.1 port 21 -> 192.0.2.20
            dnat to 203.0.113.1 port 2121 -> 192.0.2.21 port 21
            flows max 1024
            ftp sessions 16
            ftp max-expect 64
            """;

    static final String BRIDGE = """
            mode bridge
            port inside
            port outside
            flows max 1024
            ftp sessions 16
            ftp max-expect 64
            """;

    static final int CAPACITY = 2048;
    static final int MAX_FRAMES = 4;

    private static Engine router;
    private static Engine bridge;
    private static long clockNanos = 1_700_000_000_000_000_000L;

    private final PacketSlot slot = new PacketSlot(CAPACITY);
    private final PacketSlot in = new PacketSlot(CAPACITY);
    private final PacketSlot check = new PacketSlot(CAPACITY);
    private final Decoder decoder = new Decoder();

    private static synchronized Engine engine(boolean bridgeMode) throws Exception {
        if (router == null) {
            router = new Engine(ConfigParser.parse(ROUTER, "fuzz-router"), EventSink.NONE, CAPACITY);
            bridge = new Engine(ConfigParser.parse(BRIDGE, "fuzz-bridge"), EventSink.NONE, CAPACITY);
        }
        return bridgeMode ? bridge : router;
    }

    @FuzzTest(maxDuration = "10s")
    void frames(byte[] input) throws Exception {
        int p = 0;
        for (int k = 0; k < MAX_FRAMES && p + 3 <= input.length; k++) {
            int control = input[p] & 0xFF;
            int len = Math.min(((input[p + 1] & 0xFF) << 8) | (input[p + 2] & 0xFF), input.length - p - 3);
            len = Math.min(len, CAPACITY);
            byte[] frame = Arrays.copyOfRange(input, p + 3, p + 3 + len);
            p += 3 + len;
            clockNanos += (control >>> 2) * 250_000_000L; // 0 .. 15.75 s
            one(engine((control & 2) != 0), (control & 2) != 0, control & 1, frame);
        }
    }

    /** A UDP checksum of 0 means "none" over IPv4 (RFC 768): a NAT may leave it so or fill it in. */
    private static boolean zeroUdpChecksum(PacketSlot s) {
        return s.ipVersion == 4 && s.data[s.l4Offset + 6] == 0 && s.data[s.l4Offset + 7] == 0;
    }

    private void one(Engine engine, boolean bridgeMode, int ingress, byte[] frame) {
        System.arraycopy(frame, 0, slot.data, 0, frame.length);
        slot.length = frame.length;
        slot.ingressPort = ingress;
        slot.timestampNanos = clockNanos;
        // What the frame is, judged independently of the engine.
        System.arraycopy(frame, 0, in.data, 0, frame.length);
        in.length = frame.length;
        Counter decoded = decoder.decode(in);
        boolean l4Valid = decoded == null && Checksum.verifyL4(in);

        long forwardedBefore = engine.counters().get(Counter.TX_FORWARDED);
        int verdict = engine.process(slot);
        assertTrue(
                verdict == Engine.FORWARD
                        || verdict == Engine.DROP
                        || verdict == Engine.HELD
                        || (verdict == Engine.LOCAL && !bridgeMode),
                "verdict " + verdict);
        if (verdict != Engine.FORWARD) {
            assertEquals(forwardedBefore, engine.counters().get(Counter.TX_FORWARDED), "counted as forwarded");
            if (verdict == Engine.HELD) {
                assertTrue(decoded == null && in.l4Proto == 6, "only TCP is held");
            }
            return;
        }
        assertTrue(slot.length > 0 && slot.length <= slot.capacity(), "forwarded length " + slot.length);
        if (bridgeMode) {
            assertEquals(ingress ^ 1, slot.egressPort, "a bridge forwards to the other port");
        } else {
            // A router may send a packet back out of the port it came in on (hairpin NAT: an inside client
            // reaching an inside server through its public address), so only the port's validity holds.
            assertTrue(
                    slot.egressPort == PacketSlot.PORT_INSIDE || slot.egressPort == PacketSlot.PORT_OUTSIDE,
                    "egress port " + slot.egressPort);
        }
        assertTrue(
                decoded == null || (decoded == Counter.PASS_NON_IP && bridgeMode),
                "forwarded a frame that was " + decoded + " (bridge " + bridgeMode + ")");
        if (decoded == Counter.PASS_NON_IP) {
            assertArrayEquals(frame, Arrays.copyOf(slot.data, slot.length), "non-IP frame changed");
            return;
        }
        System.arraycopy(slot.data, 0, check.data, 0, slot.length);
        check.length = slot.length;
        assertNull(decoder.decode(check), "forwarded packet does not decode");
        assertEquals(in.ipVersion, check.ipVersion);
        assertEquals(in.l4Proto, check.l4Proto);
        if (check.ipVersion == 4) {
            assertTrue(
                    Checksum.verifyIpv4Header(check.data, check.l3Offset, (check.data[check.l3Offset] & 0x0F) * 4),
                    "IPv4 header checksum");
        }
        if (l4Valid) {
            assertTrue(Checksum.verifyL4(check), "L4 checksum was valid and is not after forwarding");
        } else if (decoded == null && (in.l4Proto == 6 || (in.l4Proto == 17 && !zeroUdpChecksum(in)))) {
            assertFalse(Checksum.verifyL4(check), "a wrong L4 checksum was made valid (laundered) by forwarding");
        }
        if (!bridgeMode) {
            assertEquals(in.ttl - 1, check.ttl, "router TTL");
        } else {
            assertEquals(in.ttl, check.ttl, "bridge TTL");
        }
    }
}
