package io.ftpalg.engine.expect;

/**
 * One expected data connection (reusable holder; the table copies into and out of it).
 *
 * <p>Matching key: a TCP connection from exactly {@code peer} (the control connection's other end, as seen on the
 * side where the data connection will arrive), to exactly {@code dst}:{@code dstPort} (what the negotiation told
 * that peer), any source port. The rest says what to do when it arrives: translate the destination to
 * {@code realDst}:{@code realDstPort} (what the announcing host really listens on) and the source to
 * {@code newSrc} (how the announcing host knows its control peer), and link the new flow to its control flow.
 */
public final class Expectation {
    public int ipVersion;
    public long peerHi, peerLo;
    public long dstHi, dstLo;
    public int dstPort;

    public long realDstHi, realDstLo;
    public int realDstPort;
    public long newSrcHi, newSrcLo;
    /** The port the data connection must arrive on. */
    public int ingressPort;

    public int controlFlow;
    public int controlGeneration;
    public int session;
    public long deadlineMs;
    public long createdMs;

    public void copyFrom(Expectation o) {
        ipVersion = o.ipVersion;
        peerHi = o.peerHi;
        peerLo = o.peerLo;
        dstHi = o.dstHi;
        dstLo = o.dstLo;
        dstPort = o.dstPort;
        realDstHi = o.realDstHi;
        realDstLo = o.realDstLo;
        realDstPort = o.realDstPort;
        newSrcHi = o.newSrcHi;
        newSrcLo = o.newSrcLo;
        ingressPort = o.ingressPort;
        controlFlow = o.controlFlow;
        controlGeneration = o.controlGeneration;
        session = o.session;
        deadlineMs = o.deadlineMs;
        createdMs = o.createdMs;
    }
}
