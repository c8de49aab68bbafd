package io.ftpalg.cli.analyze;

import java.util.ArrayList;
import java.util.List;

/**
 * One TCP connection as one capture interface saw it: who opened it (the client, sender of the SYN), the
 * handshake, how it ended, and each direction's {@link Stream}.
 */
final class TcpConn {
    int id;
    final String iface;
    final Endpoint client;
    final Endpoint server;
    /** True when the capture holds the client's SYN; otherwise {@link #client} is a guess. */
    final boolean sawSyn;

    final List<Frame> frames = new ArrayList<>();
    final List<Frame> syns = new ArrayList<>();
    final List<Frame> synAcks = new ArrayList<>();
    /** ICMP errors that quote a segment of this connection. */
    final List<Frame> icmpErrors = new ArrayList<>();

    Frame firstRst;
    boolean rstFromClient;
    Frame clientFin;
    Frame serverFin;

    final Stream toServer = new Stream();
    final Stream toClient = new Stream();

    /** Result of the FTP detection: a control connection recognised by its dialogue or its port. */
    boolean ftp;
    /** Why {@link #ftp} (or not), for the report. */
    String ftpReason;

    /**
     * The two ends as the server's side sees them: for a connection made of two halves captured on the two sides
     * of a NAT (what enters a device on each side), the client's translated address and the server's inside
     * one; otherwise {@link #client} and {@link #server}.
     */
    Endpoint clientAtServer;

    Endpoint serverAtServer;
    /** "iface src>dst" of the client's direction, one per half. */
    final java.util.Set<String> clientKeys = new java.util.HashSet<>();

    TcpConn(int id, String iface, Endpoint client, Endpoint server, boolean sawSyn) {
        this.id = id;
        this.iface = iface;
        this.client = client;
        this.server = server;
        this.sawSyn = sawSyn;
        this.clientAtServer = client;
        this.serverAtServer = server;
        clientKeys.add(directed(iface, client, server));
    }

    static String directed(String iface, Endpoint from, Endpoint to) {
        return iface + " " + from + ">" + to;
    }

    boolean fromClient(Frame f) {
        return clientKeys.contains(directed(f.iface, new Endpoint(f.src, f.srcPort), new Endpoint(f.dst, f.dstPort)));
    }

    /** Either view of the client's address. */
    boolean clientIs(io.ftpalg.engine.config.IpAddress a) {
        return client.address().equals(a) || clientAtServer.address().equals(a);
    }

    /** Either view of the server's address. */
    boolean serverIs(io.ftpalg.engine.config.IpAddress a) {
        return server.address().equals(a) || serverAtServer.address().equals(a);
    }

    /** Seen on interface {@code other}, or on one of the interfaces of a merged connection. */
    boolean onInterfaceOf(TcpConn other) {
        return other.iface.equals(iface) || ("+" + other.iface + "+").contains("+" + iface + "+");
    }

    /**
     * Where the capture was taken, from the TTL / hop limit of each side's first frame: a sender's own frames
     * carry its initial value (64, 128 or 255), a router on the way decrements it. "server" when the server's
     * frames are undecremented and the client's are not; "client" the other way round; null when both or
     * neither (same link, or no frames from one side).
     */
    String capturedNear() {
        Boolean c = null;
        Boolean s = null;
        for (Frame f : frames) {
            if (c == null && fromClient(f)) {
                c = initialTtl(f.ttl);
            } else if (s == null && !fromClient(f)) {
                s = initialTtl(f.ttl);
            }
        }
        if (c == null || s == null || c.equals(s)) {
            return null;
        }
        return c ? "client" : "server";
    }

    private static boolean initialTtl(int t) {
        return t == 64 || t == 128 || t == 255;
    }

    /** True when this connection was put together from two halves seen on two interfaces. */
    boolean merged() {
        return !clientAtServer.equals(client) || !serverAtServer.equals(server) || clientKeys.size() > 1;
    }

    /** True if {@code a -> b} or {@code b -> a} is this connection, as either side sees it. */
    boolean is(Endpoint a, Endpoint b) {
        return (a.equals(client) && b.equals(server))
                || (b.equals(client) && a.equals(server))
                || (a.equals(clientAtServer) && b.equals(serverAtServer))
                || (b.equals(clientAtServer) && a.equals(serverAtServer));
    }

    void add(Frame f) {
        boolean c = fromClient(f);
        frames.add(f);
        if (f.syn()) {
            (f.ackFlag() ? synAcks : syns).add(f);
        }
        if (f.rst() && firstRst == null) {
            firstRst = f;
            rstFromClient = c;
        }
        if (f.fin()) {
            if (c && clientFin == null) {
                clientFin = f;
            } else if (!c && serverFin == null) {
                serverFin = f;
            }
        }
        if (c) {
            toServer.add(f);
            toClient.ack(f);
        } else {
            toClient.add(f);
            toServer.ack(f);
        }
    }

    Frame first() {
        return frames.get(0);
    }

    Frame last() {
        return frames.get(frames.size() - 1);
    }

    /** The handshake completed: a SYN-ACK and data or an ACK from the client after it. */
    boolean established() {
        return !synAcks.isEmpty() || !sawSyn;
    }

    long bytesToServer() {
        return toServer.next;
    }

    long bytesToClient() {
        return toClient.next;
    }

    /** How it ended, in words: "closed by the client (FIN)", "reset by the server", "still open". */
    String ending() {
        if (firstRst != null) {
            return (rstFromClient ? "reset by the client" : "reset by the server") + " (frame " + firstRst.number + ")";
        }
        if (clientFin != null || serverFin != null) {
            Frame first = clientFin == null
                    ? serverFin
                    : serverFin == null ? clientFin : clientFin.number < serverFin.number ? clientFin : serverFin;
            String who = first == clientFin ? "client" : "server";
            boolean both = clientFin != null && serverFin != null;
            return "closed by the " + who + " (FIN, frame " + first.number + ")"
                    + (both ? "" : ", other side never closed");
        }
        if (sawSyn && synAcks.isEmpty()) {
            return "never established";
        }
        return "still open at the end of the capture";
    }

    /** A key for the tuple as seen on one interface, direction-independent. */
    static String key(String iface, Endpoint a, Endpoint b) {
        String x = a.toString();
        String y = b.toString();
        return iface + " " + (x.compareTo(y) < 0 ? x + " " + y : y + " " + x);
    }
}
