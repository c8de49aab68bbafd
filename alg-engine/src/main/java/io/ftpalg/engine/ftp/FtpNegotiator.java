package io.ftpalg.engine.ftp;

/**
 * What the control-stream processor asks the engine when a line announces a data endpoint: decide whether it
 * may open a data connection (bounce guard, port floor, caps), map it through NAT, create the expectation, and
 * say what the text must say instead.
 */
public interface FtpNegotiator {
    /** Kinds of announcement. */
    int PORT = 1;

    int EPRT = 2;
    int PASV_227 = 3;
    int EPSV_229 = 4;

    /**
     * @param flow the control flow
     * @param dir the direction the line travels (ORIGINAL = from the client)
     * @param kind one of the constants above
     * @param announced what the line says (for 229, {@code ipVersion == 0}: only a port)
     * @param rewriteTo filled with what the text must say, when this returns true
     * @return true if the numeric span must be replaced by {@code rewriteTo}; false to leave the line unchanged
     */
    boolean negotiate(int flow, int dir, int kind, FtpEndpoint announced, FtpEndpoint rewriteTo, long nowMs);

    /** The announcement's name as it appears on the wire, for messages. */
    static String name(int kind) {
        switch (kind) {
            case PORT:
                return "PORT";
            case EPRT:
                return "EPRT";
            case PASV_227:
                return "227";
            case EPSV_229:
                return "229";
            default:
                return "line";
        }
    }
}
