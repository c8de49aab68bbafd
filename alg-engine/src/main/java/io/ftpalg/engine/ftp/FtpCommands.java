package io.ftpalg.engine.ftp;

/**
 * Classifies one FTP control line: the command verb of a client line, the reply code of a server line.
 *
 * <p>Every method reads one line, {@code b[from, to)}, with its line end already stripped ({@code to} is the
 * index of the CR or LF), allocates nothing and never throws on bad input: an unknown or malformed line is
 * {@link #CMD_OTHER} or {@code -1}.
 *
 * <p>The verb must start the line: a command preceded by anything (spaces included) is {@link #CMD_OTHER}. This
 * is deliberate: text that merely contains "PORT ..." must never be taken for a command (command injection,
 * NAT-slipstreaming-style tricks).
 */
public final class FtpCommands {
    /** Any verb this ALG does not act on. */
    public static final int CMD_OTHER = 0;
    /** {@code PORT h1,h2,h3,h4,p1,p2} (RFC 959 §4.1.2). */
    public static final int CMD_PORT = 1;
    /** {@code EPRT |1|192.0.2.1|6446|} (RFC 2428 §2). */
    public static final int CMD_EPRT = 2;
    /** {@code PASV} (RFC 959 §4.1.2), answered by 227. */
    public static final int CMD_PASV = 3;
    /** {@code EPSV}, {@code EPSV 2}, {@code EPSV ALL} (RFC 2428 §3), answered by 229. */
    public static final int CMD_EPSV = 4;
    /** {@code AUTH TLS} (RFC 4217 §4), answered by 234: the control connection becomes opaque. */
    public static final int CMD_AUTH = 5;
    /** {@code CCC} (RFC 4217 §6): back to clear text after AUTH, answered by 200. */
    public static final int CMD_CCC = 6;
    /** {@code LPRT} (RFC 1639 §2), long PORT: not rewritten, reported so a policy can refuse it. */
    public static final int CMD_LPRT = 7;
    /** {@code LPSV} (RFC 1639 §2), long PASV, answered by 228. */
    public static final int CMD_LPSV = 8;

    // Verbs packed big-endian, lower case, one byte per letter (3-letter verbs in the low 24 bits).
    private static final int V_PORT = pack('p', 'o', 'r', 't');
    private static final int V_EPRT = pack('e', 'p', 'r', 't');
    private static final int V_PASV = pack('p', 'a', 's', 'v');
    private static final int V_EPSV = pack('e', 'p', 's', 'v');
    private static final int V_AUTH = pack('a', 'u', 't', 'h');
    private static final int V_LPRT = pack('l', 'p', 'r', 't');
    private static final int V_LPSV = pack('l', 'p', 's', 'v');
    private static final int V_CCC = ('c' << 16) | ('c' << 8) | 'c';

    private FtpCommands() {}

    private static int pack(char c0, char c1, char c2, char c3) {
        return (c0 << 24) | (c1 << 16) | (c2 << 8) | c3;
    }

    /**
     * Returns the {@code CMD_*} constant of a client line: {@code "PORT 192,0,2,1,7,138"} is {@link #CMD_PORT}.
     * The verb is case-insensitive (RFC 959 §5.3) and must be followed by one SP or the end of the line;
     * {@code "PORTX"} and {@code "PORT\t..."} are {@link #CMD_OTHER}.
     */
    public static int classifyCommand(byte[] b, int from, int to) {
        int n = to - from;
        int len;
        if (n == 3 || (n > 3 && b[from + 3] == ' ')) {
            len = 3;
        } else if (n == 4 || (n > 4 && b[from + 4] == ' ')) {
            len = 4;
        } else {
            return CMD_OTHER;
        }
        // OR-ing 0x20 lower-cases a letter; the only bytes that then equal a given lower-case letter are that
        // letter's two cases, so non-letters can never match a verb.
        int key = 0;
        for (int i = 0; i < len; i++) {
            key = (key << 8) | ((b[from + i] | 0x20) & 0xFF);
        }
        if (len == 3) {
            return key == V_CCC ? CMD_CCC : CMD_OTHER;
        }
        if (key == V_PORT) {
            return CMD_PORT;
        } else if (key == V_EPRT) {
            return CMD_EPRT;
        } else if (key == V_PASV) {
            return CMD_PASV;
        } else if (key == V_EPSV) {
            return CMD_EPSV;
        } else if (key == V_AUTH) {
            return CMD_AUTH;
        } else if (key == V_LPRT) {
            return CMD_LPRT;
        } else if (key == V_LPSV) {
            return CMD_LPSV;
        }
        return CMD_OTHER;
    }

    /**
     * Returns the index where the argument of a command line starts: {@code "PORT 1,2,3,4,5,6"} gives the index
     * of {@code '1'} (RFC 959 §4.1: verb, one SP, argument). A line that is only a verb ({@code "PASV"}) gives
     * {@code to}. Strict: exactly one SP after the verb. Lenient: further SP and HT are skipped too. Returns -1
     * if the line is empty or starts with SP.
     */
    public static int argumentStart(byte[] b, int from, int to, boolean strict) {
        if (from >= to || b[from] == ' ') {
            return -1;
        }
        int i = from;
        while (i < to && b[i] != ' ') {
            i++;
        }
        if (i == to) {
            return to;
        }
        i++; // the one SP of RFC 959
        if (!strict) {
            while (i < to && (b[i] == ' ' || b[i] == '\t')) {
                i++;
            }
        }
        return i;
    }

    /**
     * Returns the reply code of a server line, 100..599, or -1: {@code "227 Entering Passive Mode (...)"} gives
     * 227 (RFC 959 §4.2). The three digits must start the line and be followed by SP, '-' or the end of the
     * line; {@code "2270"} and {@code " 227"} are -1.
     */
    public static int replyCode(byte[] b, int from, int to) {
        if (to - from < 3) {
            return -1;
        }
        int d0 = b[from] - '0';
        int d1 = b[from + 1] - '0';
        int d2 = b[from + 2] - '0';
        if (d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) {
            return -1;
        }
        if (to - from > 3) {
            byte sep = b[from + 3];
            if (sep != ' ' && sep != '-') {
                return -1;
            }
        }
        return d0 * 100 + d1 * 10 + d2;
    }

    /**
     * True for a one-line reply or the last line of a multi-line one: {@code "227 text"} or a bare {@code "227"}
     * (RFC 959 §4.2). False for the first line of a multi-line reply ({@code "230-Welcome"}) and for anything
     * that is not a reply line. Which lines are inside a multi-line reply is the caller's state, not this
     * method's: a line {@code "227 ..."} inside a {@code "230-"} block is still reported final here.
     */
    public static boolean isFinalReply(byte[] b, int from, int to) {
        return replyCode(b, from, to) >= 0 && (to - from == 3 || b[from + 3] == ' ');
    }

    /** True for the first line of a multi-line reply: {@code "230-Welcome"} (RFC 959 §4.2). */
    public static boolean isMultiLineStart(byte[] b, int from, int to) {
        return replyCode(b, from, to) >= 0 && to - from > 3 && b[from + 3] == '-';
    }

    /**
     * True if the argument of an AUTH command, {@code b[from, to)}, names a TLS mechanism: {@code TLS} (RFC 4217
     * §4) or the pre-standard {@code SSL}, {@code TLS-C}, {@code TLS-P}; case-insensitive, trailing SP/HT
     * allowed. A 234 answer to such an AUTH turns the control connection into TLS. Other mechanisms (RFC 2228
     * {@code GSSAPI}, ...) also protect later commands but give false here: the caller decides what to do with
     * them.
     */
    public static boolean authIsTls(byte[] b, int from, int to) {
        while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
            to--;
        }
        int n = to - from;
        if (n != 3 && n != 5) {
            return false;
        }
        int c0 = b[from] | 0x20;
        int c1 = b[from + 1] | 0x20;
        int c2 = b[from + 2] | 0x20;
        boolean tls = c0 == 't' && c1 == 'l' && c2 == 's';
        if (n == 3) {
            return tls || (c0 == 's' && c1 == 's' && c2 == 'l');
        }
        if (!tls || b[from + 3] != '-') {
            return false;
        }
        int c4 = b[from + 4] | 0x20;
        return c4 == 'c' || c4 == 'p';
    }
}
