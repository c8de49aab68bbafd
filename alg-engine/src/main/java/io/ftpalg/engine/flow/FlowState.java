package io.ftpalg.engine.flow;

/**
 * The flow state word: a TCP state in the low four bits and flags above it. A free record has state 0.
 *
 * <pre>
 *  31  30  29 28         12 11 10  9  8  7  6  5  4  3  2  1  0
 * +---+---+---+------------+--+--+--+--+--+--+--+--+-----------+
 * | - |NF |DT |  reserved  |OP|DA|CT|FR|FO|RS|AS|LV|  tcp state |
 * +---+---+---+------------+--+--+--+--+--+--+--+--+-----------+
 *  bit 31 is not a flag: FlowTable stores a flow's origin port there (FlowTable.state masks it off)
 *  LV live  AS assured (established, never early-dropped)  RS reply seen
 *  FO FIN seen from ORIGINAL  FR FIN seen from REPLY  CT FTP control  DA FTP data  OP FTP opaque (TLS)
 *  DT FTP detection: the first exchange is being inspected ('ftp detect')
 *  NF not FTP: detection decided the connection is not FTP; it is never inspected again
 * </pre>
 */
public final class FlowState {
    public static final int TCP_NONE = 0;
    public static final int TCP_SYN_SENT = 1;
    public static final int TCP_SYN_RECV = 2;
    public static final int TCP_ESTABLISHED = 3;
    public static final int TCP_FIN_WAIT = 4;
    public static final int TCP_CLOSE_WAIT = 5;
    public static final int TCP_LAST_ACK = 6;
    public static final int TCP_TIME_WAIT = 7;
    public static final int TCP_CLOSE = 8;
    /** Not TCP: UDP, ICMP and other protocols keep TCP_NONE and use {@link #GENERIC}. */
    public static final int GENERIC = 9;

    public static final int STATE_MASK = 0xF;
    public static final int LIVE = 1 << 4;
    public static final int ASSURED = 1 << 5;
    public static final int REPLY_SEEN = 1 << 6;
    public static final int FIN_ORIGINAL = 1 << 7;
    public static final int FIN_REPLY = 1 << 8;
    public static final int FTP_CONTROL = 1 << 9;
    public static final int FTP_DATA = 1 << 10;
    /** 'ftp detect': the connection's first exchange is being inspected for an FTP greeting and command. */
    public static final int FTP_DETECT = 1 << 29;
    /** 'ftp detect' decided the connection is not FTP (or could not tell): nothing in it is ever read. */
    public static final int NOT_FTP = 1 << 30;

    private FlowState() {}

    public static int tcp(int word) {
        return word & STATE_MASK;
    }

    public static int withTcp(int word, int tcpState) {
        return (word & ~STATE_MASK) | tcpState;
    }

    public static boolean isAssured(int word) {
        return (word & ASSURED) != 0;
    }

    public static String name(int tcpState) {
        switch (tcpState) {
            case TCP_NONE:
                return "none";
            case TCP_SYN_SENT:
                return "syn-sent";
            case TCP_SYN_RECV:
                return "syn-recv";
            case TCP_ESTABLISHED:
                return "established";
            case TCP_FIN_WAIT:
                return "fin-wait";
            case TCP_CLOSE_WAIT:
                return "close-wait";
            case TCP_LAST_ACK:
                return "last-ack";
            case TCP_TIME_WAIT:
                return "time-wait";
            case TCP_CLOSE:
                return "close";
            case GENERIC:
                return "generic";
            default:
                return "state-" + tcpState;
        }
    }
}
