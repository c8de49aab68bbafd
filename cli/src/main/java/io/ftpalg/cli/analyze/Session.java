package io.ftpalg.cli.analyze;

import java.util.ArrayList;
import java.util.List;

/** One FTP control connection on one capture interface: its dialogue and its data connections. */
final class Session {
    /** 1-based, in the order the control connections appear. */
    final int number;

    final TcpConn control;
    final List<FtpLine> lines = new ArrayList<>();
    final List<Negotiation> negotiations = new ArrayList<>();
    /** The line after which the control connection is encrypted (the 234 reply to AUTH TLS), or null. */
    FtpLine tlsFrom;
    /** Bytes after {@link #tlsFrom} in each direction: TLS records, not readable. */
    long encryptedBytes;
    /** The same control connection seen on another interface of this capture (two-sided captures). */
    Session peer;
    /** True for the client-side copy of a pair (its SYN was captured first). */
    boolean clientSide;

    Session(int number, TcpConn control) {
        this.number = number;
        this.control = control;
    }

    String label() {
        return "session " + number + " " + control.client + " -> " + control.server
                + (control.iface.equals("0") ? "" : " (interface " + control.iface + ")");
    }
}
