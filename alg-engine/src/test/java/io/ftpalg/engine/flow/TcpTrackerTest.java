package io.ftpalg.engine.flow;

import static io.ftpalg.engine.codec.TcpHeader.ACK;
import static io.ftpalg.engine.codec.TcpHeader.FIN;
import static io.ftpalg.engine.codec.TcpHeader.PSH;
import static io.ftpalg.engine.codec.TcpHeader.RST;
import static io.ftpalg.engine.codec.TcpHeader.SYN;
import static io.ftpalg.engine.flow.FlowState.ASSURED;
import static io.ftpalg.engine.flow.FlowState.FIN_ORIGINAL;
import static io.ftpalg.engine.flow.FlowState.FIN_REPLY;
import static io.ftpalg.engine.flow.FlowState.LIVE;
import static io.ftpalg.engine.flow.FlowState.REPLY_SEEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ftpalg.engine.config.Timeouts;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TcpTrackerTest {
    private static final Timeouts T = Timeouts.defaults();
    private final TcpTracker tracker = new TcpTracker(T);

    /**
     * Runs a script of segments, {@code "o:SA"} = from ORIGINAL with SYN+ACK, {@code "r:F"} from REPLY with FIN,
     * flags S A F R P, starting from a fresh live flow; returns the final word or INVALID.
     */
    private int run(String script) {
        int word = LIVE;
        for (String step : script.trim().split("\\s+")) {
            int dir = step.charAt(0) == 'o' ? FlowTable.ORIGINAL : FlowTable.REPLY;
            int flags = 0;
            for (char c : step.substring(2).toCharArray()) {
                flags |= switch (c) {
                    case 'S' -> SYN;
                    case 'A' -> ACK;
                    case 'F' -> FIN;
                    case 'R' -> RST;
                    case 'P' -> PSH;
                    default -> throw new IllegalArgumentException(step);
                };
            }
            word = tracker.update(word, dir, flags);
            if (word == TcpTracker.INVALID) {
                return word;
            }
        }
        return word;
    }

    static Stream<Arguments> transitions() {
        return Stream.of(
                // script, expected tcp state (or "invalid"), assured? (null: not asserted)
                Arguments.of("o:S", "syn-sent", false),
                Arguments.of("o:S o:S", "syn-sent", false),
                Arguments.of("o:S r:SA", "syn-recv", false),
                Arguments.of("o:S r:SA r:SA", "syn-recv", false),
                Arguments.of("o:S r:S", "syn-recv", false), // simultaneous open
                Arguments.of("o:S r:SA r:A", "syn-recv", false), // the responder's ACK completes nothing
                Arguments.of("o:S r:SA o:A", "established", true),
                Arguments.of("o:S r:SA o:A o:PA r:A r:PA", "established", true),
                Arguments.of("o:S r:SA o:A o:FA", "fin-wait", true),
                Arguments.of("o:S r:SA o:A r:FA", "close-wait", true),
                Arguments.of("o:S r:SA o:A o:FA r:A", "fin-wait", true),
                Arguments.of("o:S r:SA o:A o:FA r:FA", "last-ack", true),
                Arguments.of("o:S r:SA o:A r:FA o:FA", "last-ack", true),
                Arguments.of("o:S r:SA o:A o:FA r:FA o:A", "time-wait", true),
                Arguments.of("o:S r:SA o:A r:FA o:FA r:A", "time-wait", true),
                Arguments.of("o:S r:SA o:A o:FA o:FA", "fin-wait", true), // FIN retransmitted
                Arguments.of("o:S r:SA o:A r:R", "close", true),
                Arguments.of("o:S r:SA o:A r:R o:FA", "close", true), // a FIN after a reset revives nothing
                Arguments.of("o:S r:SA o:A o:FA r:FA o:A r:FA", "time-wait", true), // FIN retransmitted late
                Arguments.of("o:S r:SA o:A o:RA", "close", true),
                Arguments.of("o:S r:RA", "close", false), // port closed
                Arguments.of("o:S r:SA o:A o:FA r:FA o:A o:S", "syn-sent", null), // reuse in TIME_WAIT
                Arguments.of("o:S r:RA o:S", "syn-sent", false), // reuse after CLOSE
                Arguments.of("o:S r:SA o:A o:S", "established", true), // stray SYN ignored
                Arguments.of("o:SF", "invalid", false),
                Arguments.of("o:S r:SA o:A o:SF", "invalid", false),
                Arguments.of("o:S r:SR", "invalid", false),
                Arguments.of("o:S r:SA o:A r:S", "invalid", false), // bare SYN from responder when established
                // A FIN before the handshake completed must not make the flow assured: assured flows are
                // never early-dropped, so SYN + FIN as two packets would pin table records (cf. Linux, which
                // assures only on reaching ESTABLISHED from SYN_RECV).
                Arguments.of("o:S o:F", "fin-wait", false),
                Arguments.of("o:S r:SA o:FA", "fin-wait", false),
                Arguments.of("o:S r:SA r:F", "close-wait", false));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("transitions")
    void transitionTable(String script, String expected, Boolean assured) {
        int word = run(script);
        if (expected.equals("invalid")) {
            assertEquals(TcpTracker.INVALID, word);
            return;
        }
        assertEquals(expected, FlowState.name(FlowState.tcp(word)), "state");
        if (assured != null) {
            assertEquals(assured, FlowState.isAssured(word), "assured");
        }
        assertTrue((word & LIVE) != 0, "other flag bits kept");
    }

    @Test
    void replySeenAndFinFlags() {
        int w = run("o:S");
        assertFalse((w & REPLY_SEEN) != 0);
        w = run("o:S r:SA");
        assertTrue((w & REPLY_SEEN) != 0);
        w = run("o:S r:SA o:A o:FA");
        assertEquals(FIN_ORIGINAL, w & (FIN_ORIGINAL | FIN_REPLY));
        w = run("o:S r:SA o:A r:FA");
        assertEquals(FIN_REPLY, w & (FIN_ORIGINAL | FIN_REPLY));
        // reuse in TIME_WAIT clears both FIN flags, so the new connection's first FIN is not "both"
        w = run("o:S r:SA o:A o:FA r:FA o:A o:S r:SA o:A o:FA");
        assertEquals("fin-wait", FlowState.name(FlowState.tcp(w)));
    }

    @Test
    void opensFlowOnlyForBareSyn() {
        assertTrue(TcpTracker.opensFlow(SYN));
        assertTrue(TcpTracker.opensFlow(SYN | PSH));
        assertFalse(TcpTracker.opensFlow(SYN | ACK));
        assertFalse(TcpTracker.opensFlow(SYN | FIN));
        assertFalse(TcpTracker.opensFlow(SYN | RST));
        assertFalse(TcpTracker.opensFlow(ACK));
        assertFalse(TcpTracker.opensFlow(0));
    }

    static Stream<Arguments> timeouts() {
        return Stream.of(
                Arguments.of(FlowState.TCP_SYN_SENT, T.tcpSynSentMs(), 120_000L),
                Arguments.of(FlowState.TCP_SYN_RECV, T.tcpSynRecvMs(), 60_000L),
                Arguments.of(FlowState.TCP_ESTABLISHED, T.tcpEstablishedMs(), 432_000_000L),
                Arguments.of(FlowState.TCP_FIN_WAIT, T.tcpFinWaitMs(), 120_000L),
                Arguments.of(FlowState.TCP_CLOSE_WAIT, T.tcpCloseWaitMs(), 60_000L),
                Arguments.of(FlowState.TCP_LAST_ACK, T.tcpLastAckMs(), 30_000L),
                Arguments.of(FlowState.TCP_TIME_WAIT, T.tcpTimeWaitMs(), 120_000L),
                Arguments.of(FlowState.TCP_CLOSE, T.tcpCloseMs(), 10_000L),
                Arguments.of(FlowState.TCP_NONE, T.otherMs(), 600_000L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timeouts")
    void timeoutPerState(int tcpState, long configured, long linuxDefault) {
        assertEquals(linuxDefault, configured);
        int word = FlowState.withTcp(LIVE | ASSURED | REPLY_SEEN, tcpState);
        assertEquals(configured, tracker.timeoutMs(word), FlowState.name(tcpState));
    }

    @Test
    void timeoutsFollowConfiguration() {
        Timeouts custom = Timeouts.defaults().with("tcp-established", 7_200_000).with("tcp-time-wait", 5_000);
        TcpTracker t = new TcpTracker(custom);
        assertEquals(7_200_000, t.timeoutMs(FlowState.TCP_ESTABLISHED | ASSURED));
        assertEquals(5_000, t.timeoutMs(FlowState.TCP_TIME_WAIT));
        assertEquals(120_000, t.timeoutMs(FlowState.TCP_SYN_SENT));
    }

    @Test
    void stateNamesAreDistinct() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int s = 0; s <= FlowState.GENERIC; s++) {
            assertTrue(names.add(FlowState.name(s).toLowerCase(Locale.ROOT)));
        }
    }
}
