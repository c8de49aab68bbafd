package io.ftpalg.cli.analyze;

import java.util.ArrayList;
import java.util.List;

/**
 * One data connection negotiated on a control connection: {@code PORT}/{@code EPRT} (active: the server is to
 * connect to the client) or {@code PASV}/{@code EPSV} answered by 227/229 (passive: the client connects), the
 * command that used it ({@code LIST}, {@code RETR}...), and the data connection(s) seen for it.
 */
final class Negotiation {
    final boolean active;
    /** PORT, EPRT, PASV or EPSV line. */
    final FtpLine command;
    /** The line that named the address: the PORT/EPRT command itself, or the 227/229 reply. */
    FtpLine announcement;
    /** The server's answer to PORT/EPRT (200 or an error); the 227/229 for passive. */
    FtpLine reply;
    /** Where the data connection is to go; null when the text could not be parsed or the reply was an error. */
    Endpoint target;
    /** LIST, RETR, STOR... sent after the negotiation, and the replies to it (150, 226, 425...). */
    FtpLine transfer;

    final List<FtpLine> transferReplies = new ArrayList<>();
    /** Data connections matched to it: exactly to the target, or to its port from the control peer. */
    final List<TcpConn> data = new ArrayList<>();
    /**
     * No transfer command and no data connection followed, and the control connection then ended or went on for
     * 10 s or more: the client waited for a data connection that never came (curl connects before it sends
     * LIST), or gave up.
     */
    boolean abandoned;
    /** True when the data connection went to the target's port but another address than the text named. */
    boolean addressDiffers;

    Negotiation(boolean active, FtpLine command) {
        this.active = active;
        this.command = command;
    }

    String kind() {
        return command.text.length() >= 4 ? command.text.substring(0, 4).toUpperCase() : command.text;
    }

    /** The final reply to the transfer command, if any (226, 425, 426...). */
    FtpLine finalTransferReply() {
        for (FtpLine l : transferReplies) {
            if (l.code >= 200) {
                return l;
            }
        }
        return null;
    }
}
