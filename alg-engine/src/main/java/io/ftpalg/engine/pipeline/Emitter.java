package io.ftpalg.engine.pipeline;

/**
 * Where the engine sends frames it makes itself (ARP and neighbour answers and requests, ICMP errors, a packet
 * that waited for its next hop to be resolved, TCP resets for unknown flows, keepalive probes on idle FTP control
 * connections). The caller owns the bytes only during the call.
 */
public interface Emitter {
    void emit(byte[] frame, int off, int len, int egressPort);

    Emitter NONE = (frame, off, len, port) -> {};
}
