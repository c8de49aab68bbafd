package io.ftpalg.cli.analyze;

import java.util.List;

/** One line of an FTP control connection, a command from the client or a reply line from the server. */
final class FtpLine {
    final boolean fromClient;
    /** The text without its line end; a password is masked. */
    final String text;
    /** Stream offsets of the line, its line end included. */
    final long from;

    final long to;
    /** The frames that carried it, in order; the last one completed the line. */
    final List<Frame> frames;
    /** False when the capture ended in the middle of the line (no line end seen). */
    final boolean complete;
    /** Frames that sent bytes of this line again. */
    final List<Frame> retransmissions;
    /** The receiver acknowledged the whole line (as far as this capture shows). */
    final boolean acknowledged;

    /** FtpCommands.CMD_* of a command; reply code of a reply, -1 if none. */
    int command;

    int code = -1;
    /** The address and port a PORT/EPRT/227/229 names, parsed by the engine's FtpParsers; else null. */
    io.ftpalg.engine.ftp.FtpEndpoint parsed;
    /** What the line means, in words; null when nothing worth saying. */
    String meaning;
    /** For a two-sided capture: the same line on the other side of the device, if it was changed. */
    String otherSide;

    FtpLine(
            boolean fromClient,
            String text,
            long from,
            long to,
            List<Frame> frames,
            boolean complete,
            List<Frame> retransmissions,
            boolean acknowledged) {
        this.fromClient = fromClient;
        this.text = text;
        this.from = from;
        this.to = to;
        this.frames = frames;
        this.complete = complete;
        this.retransmissions = retransmissions;
        this.acknowledged = acknowledged;
    }

    Frame last() {
        return frames.get(frames.size() - 1);
    }

    Frame first() {
        return frames.get(0);
    }

    String who() {
        return fromClient ? "Client" : "Server";
    }
}
