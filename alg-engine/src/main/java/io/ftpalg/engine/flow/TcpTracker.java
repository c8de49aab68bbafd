package io.ftpalg.engine.flow;

import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.config.Timeouts;

/**
 * The TCP state machine of one flow, reduced to what a gateway needs to time a connection out correctly (RFC
 * 9293 section 3.3.2; the states and default timeouts are Linux conntrack's). It follows flags, not windows: a
 * segment is never refused here for its sequence numbers, only for an impossible flag combination.
 *
 * <pre>
 *  SYN (orig)            -> SYN_SENT
 *  SYN+ACK (reply)       -> SYN_RECV
 *  ACK (orig) in SYN_RECV-> ESTABLISHED (assured)
 *  FIN (one side)        -> FIN_WAIT (orig first) / CLOSE_WAIT (reply first)
 *  FIN (other side)      -> LAST_ACK;  ACK after both FINs -> TIME_WAIT
 *  RST (either)          -> CLOSE
 * </pre>
 */
public final class TcpTracker {
    /** Returned for a segment that cannot belong to the flow in its state (e.g. SYN+FIN). */
    public static final int INVALID = -1;

    private final Timeouts timeouts;

    public TcpTracker(Timeouts timeouts) {
        this.timeouts = timeouts;
    }

    /** True if a segment with these flags may open a new flow (a SYN without ACK, RST or FIN). */
    public static boolean opensFlow(int flags) {
        return (flags & (TcpHeader.SYN | TcpHeader.ACK | TcpHeader.RST | TcpHeader.FIN)) == TcpHeader.SYN;
    }

    /** Returns the state word after a segment with {@code flags} travelling in direction {@code dir}. */
    public int update(int word, int dir, int flags) {
        if ((flags & TcpHeader.SYN) != 0 && (flags & (TcpHeader.FIN | TcpHeader.RST)) != 0) {
            return INVALID;
        }
        int st = FlowState.tcp(word);
        if (dir == FlowTable.REPLY) {
            word |= FlowState.REPLY_SEEN;
        }
        if ((flags & TcpHeader.RST) != 0) {
            return FlowState.withTcp(word, FlowState.TCP_CLOSE);
        }
        if ((flags & TcpHeader.SYN) != 0) {
            if (dir == FlowTable.ORIGINAL) {
                // A SYN again from the initiator: a retransmission, or a new connection on a tuple in TIME_WAIT
                // or CLOSE (RFC 9293 3.10.7.4 allows reuse); either way the handshake starts over.
                if (st == FlowState.TCP_SYN_SENT
                        || st == FlowState.TCP_TIME_WAIT
                        || st == FlowState.TCP_CLOSE
                        || st == FlowState.TCP_NONE) {
                    return FlowState.withTcp(
                            word & ~(FlowState.FIN_ORIGINAL | FlowState.FIN_REPLY), FlowState.TCP_SYN_SENT);
                }
                return word;
            }
            // SYN+ACK from the responder.
            if ((flags & TcpHeader.ACK) == 0 && st != FlowState.TCP_SYN_SENT) {
                return INVALID;
            }
            return st == FlowState.TCP_SYN_SENT || st == FlowState.TCP_SYN_RECV
                    ? FlowState.withTcp(word, FlowState.TCP_SYN_RECV)
                    : word;
        }
        if ((flags & TcpHeader.FIN) != 0) {
            if (st == FlowState.TCP_CLOSE || st == FlowState.TCP_TIME_WAIT) {
                // A FIN after a reset, or one retransmitted after the last ACK, must not revive the flow's longer
                // timeouts.
                return word;
            }
            word |= dir == FlowTable.ORIGINAL ? FlowState.FIN_ORIGINAL : FlowState.FIN_REPLY;
            boolean both = (word & (FlowState.FIN_ORIGINAL | FlowState.FIN_REPLY))
                    == (FlowState.FIN_ORIGINAL | FlowState.FIN_REPLY);
            if (both) {
                return FlowState.withTcp(word, FlowState.TCP_LAST_ACK);
            }
            // ASSURED is not granted here: only the handshake's completion assures a flow. A FIN seen before it
            // (SYN then FIN) would otherwise pin a record that early drop may never evict.
            return FlowState.withTcp(
                    word, dir == FlowTable.ORIGINAL ? FlowState.TCP_FIN_WAIT : FlowState.TCP_CLOSE_WAIT);
        }
        if ((flags & TcpHeader.ACK) != 0) {
            switch (st) {
                case FlowState.TCP_SYN_RECV:
                    if (dir == FlowTable.ORIGINAL) {
                        return FlowState.withTcp(word | FlowState.ASSURED, FlowState.TCP_ESTABLISHED);
                    }
                    return word;
                case FlowState.TCP_LAST_ACK:
                    return FlowState.withTcp(word, FlowState.TCP_TIME_WAIT);
                default:
                    return word;
            }
        }
        return word;
    }

    /** Milliseconds a flow in this state lives without traffic. */
    public long timeoutMs(int word) {
        switch (FlowState.tcp(word)) {
            case FlowState.TCP_SYN_SENT:
                return timeouts.tcpSynSentMs();
            case FlowState.TCP_SYN_RECV:
                return timeouts.tcpSynRecvMs();
            case FlowState.TCP_ESTABLISHED:
                return timeouts.tcpEstablishedMs();
            case FlowState.TCP_FIN_WAIT:
                return timeouts.tcpFinWaitMs();
            case FlowState.TCP_CLOSE_WAIT:
                return timeouts.tcpCloseWaitMs();
            case FlowState.TCP_LAST_ACK:
                return timeouts.tcpLastAckMs();
            case FlowState.TCP_TIME_WAIT:
                return timeouts.tcpTimeWaitMs();
            case FlowState.TCP_CLOSE:
                return timeouts.tcpCloseMs();
            default:
                return timeouts.otherMs();
        }
    }
}
