package io.ftpalg.cli.analyze;

import io.ftpalg.engine.codec.TcpHeader;
import io.ftpalg.engine.testing.PacketBuilder;
import io.ftpalg.pcap.LinkType;
import io.ftpalg.pcap.PcapngWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes small synthetic captures for the diagnosis rule tests: TCP conversations with real handshakes,
 * sequence and acknowledgement numbers, on named pcapng interfaces. Each frame is 1 ms after the previous one
 * unless {@link #at} or {@link #after} moves the clock. Synthetic on purpose: each test builds exactly the frames
 * one rule needs (the real captures made in network namespaces are the golden cases).
 */
final class Synth implements AutoCloseable {
    private final PcapngWriter w;
    private final Map<String, Integer> ifaces = new HashMap<>();
    long now = 1_700_000_000_000_000_000L;

    /** Link type of every interface: Ethernet, or RAW (the Ethernet header is stripped). */
    private final int linkType;

    Synth(Path file) throws IOException {
        this(file, LinkType.ETHERNET);
    }

    Synth(Path file, int linkType) throws IOException {
        w = new PcapngWriter(file, "analyze-test");
        this.linkType = linkType;
    }

    Synth at(double seconds) {
        now = 1_700_000_000_000_000_000L + (long) (seconds * 1e9);
        return this;
    }

    Synth after(double seconds) {
        now += (long) (seconds * 1e9);
        return this;
    }

    int iface(String name) throws IOException {
        Integer id = ifaces.get(name);
        if (id == null) {
            id = w.addInterface(name, linkType, 0);
            ifaces.put(name, id);
        }
        return id;
    }

    void write(String iface, byte[] frame) throws IOException {
        int off = linkType == LinkType.RAW ? 14 : 0;
        w.write(iface(iface), now, frame, off, frame.length - off, null);
        now += 1_000_000L;
    }

    Tcp tcp(String iface, String client, int cport, String server, int sport) {
        return new Tcp(iface, client, cport, server, sport, 1000, 5000);
    }

    /** An ICMP error from {@code router} quoting {@code quoted}'s SYN (type 3 code 13: administratively prohibited). */
    void icmpUnreachable(String iface, String router, Tcp quoted, int code) throws IOException {
        PacketBuilder inner = ip(PacketBuilder.ethernet(), quoted.client, quoted.server)
                .tcp(quoted.cport, quoted.sport, quoted.cseq - 1, 0, TcpHeader.SYN);
        PacketBuilder b = ip(PacketBuilder.ethernet(), router, quoted.client);
        b = quoted.client.contains(":") ? b.icmpv6(1, code == 13 ? 1 : code) : b.icmp(3, code);
        write(iface, b.quote(inner, 28 + (quoted.client.contains(":") ? 20 : 0)).build());
    }

    static PacketBuilder ip(PacketBuilder b, String src, String dst) {
        return src.contains(":") ? b.ipv6(src, dst) : b.ipv4(src, dst);
    }

    @Override
    public void close() throws IOException {
        w.close();
    }

    /** One TCP connection; {@code cseq}/{@code sseq} are the next sequence numbers of each side. */
    final class Tcp {
        final String iface;
        final String client;
        final int cport;
        final String server;
        final int sport;
        long cseq;
        long sseq;
        /** TTL of each side's frames: 64 = sent on this link; lower = came through routers. */
        int cttl = 64;

        int sttl = 64;

        Tcp(String iface, String client, int cport, String server, int sport, long cisn, long sisn) {
            this.iface = iface;
            this.client = client;
            this.cport = cport;
            this.server = server;
            this.sport = sport;
            this.cseq = cisn;
            this.sseq = sisn;
        }

        /** The same connection as another interface sees it (same ISNs), e.g. the other side of a NAT. */
        Tcp seenAs(String otherIface, String client, int cport, String server, int sport) {
            Tcp t = new Tcp(otherIface, client, cport, server, sport, cseq, sseq);
            return t;
        }

        PacketBuilder c2s() {
            return ip(PacketBuilder.ethernet(), client, server).ttl(cttl);
        }

        PacketBuilder s2c() {
            return ip(PacketBuilder.ethernet(), server, client).ttl(sttl);
        }

        /** TTLs as a capture at the server sees them: the client's frames came through {@code hops} routers. */
        Tcp atServer(int hops) {
            cttl = 64 - hops;
            return this;
        }

        Tcp syn() throws IOException {
            write(iface, c2s().tcp(cport, sport, cseq, 0, TcpHeader.SYN).build());
            return this;
        }

        /** The same SYN again (retransmission). */
        Tcp synAgain() throws IOException {
            write(iface, c2s().tcp(cport, sport, cseq, 0, TcpHeader.SYN).build());
            return this;
        }

        Tcp synAck() throws IOException {
            write(
                    iface,
                    s2c().tcp(sport, cport, sseq, cseq + 1, TcpHeader.SYN | TcpHeader.ACK)
                            .build());
            return this;
        }

        Tcp handshake() throws IOException {
            syn();
            synAck();
            cseq++;
            sseq++;
            write(iface, c2s().tcp(cport, sport, cseq, sseq, TcpHeader.ACK).build());
            return this;
        }

        /** Client sends {@code text}; the server acknowledges it unless {@code ack} is false. */
        Tcp client(String text, boolean ack) throws IOException {
            write(
                    iface,
                    c2s().tcp(cport, sport, cseq, sseq, TcpHeader.ACK | TcpHeader.PSH)
                            .payload(text)
                            .build());
            cseq += text.length();
            if (ack) {
                write(iface, s2c().tcp(sport, cport, sseq, cseq, TcpHeader.ACK).build());
            }
            return this;
        }

        Tcp client(String text) throws IOException {
            return client(text, true);
        }

        /** Client sends {@code text} at {@code cseq - back} (a retransmission when back = its length). */
        Tcp clientAt(long back, String text) throws IOException {
            write(
                    iface,
                    c2s().tcp(cport, sport, cseq - back, sseq, TcpHeader.ACK | TcpHeader.PSH)
                            .payload(text)
                            .build());
            return this;
        }

        Tcp server(String text, boolean ack) throws IOException {
            write(
                    iface,
                    s2c().tcp(sport, cport, sseq, cseq, TcpHeader.ACK | TcpHeader.PSH)
                            .payload(text)
                            .build());
            sseq += text.length();
            if (ack) {
                write(iface, c2s().tcp(cport, sport, cseq, sseq, TcpHeader.ACK).build());
            }
            return this;
        }

        Tcp server(String text) throws IOException {
            return server(text, true);
        }

        /** Server sends {@code n} bytes of data (for data connections). */
        Tcp serverData(int n) throws IOException {
            return server("x".repeat(n));
        }

        Tcp clientData(int n) throws IOException {
            return client("x".repeat(n));
        }

        Tcp rstFromServer() throws IOException {
            write(
                    iface,
                    s2c().tcp(sport, cport, 0, cseq + 1, TcpHeader.RST | TcpHeader.ACK)
                            .build());
            return this;
        }

        Tcp rstFromClient() throws IOException {
            write(
                    iface,
                    c2s().tcp(cport, sport, cseq, sseq, TcpHeader.RST | TcpHeader.ACK)
                            .build());
            return this;
        }

        /** FIN from the server, FIN from the client, last ACK. */
        Tcp closeByServer() throws IOException {
            write(
                    iface,
                    s2c().tcp(sport, cport, sseq, cseq, TcpHeader.FIN | TcpHeader.ACK)
                            .build());
            sseq++;
            write(
                    iface,
                    c2s().tcp(cport, sport, cseq, sseq, TcpHeader.FIN | TcpHeader.ACK)
                            .build());
            cseq++;
            write(iface, s2c().tcp(sport, cport, sseq, cseq, TcpHeader.ACK).build());
            return this;
        }

        Tcp closeByClient() throws IOException {
            write(
                    iface,
                    c2s().tcp(cport, sport, cseq, sseq, TcpHeader.FIN | TcpHeader.ACK)
                            .build());
            cseq++;
            write(
                    iface,
                    s2c().tcp(sport, cport, sseq, cseq, TcpHeader.FIN | TcpHeader.ACK)
                            .build());
            sseq++;
            write(iface, c2s().tcp(cport, sport, cseq, sseq, TcpHeader.ACK).build());
            return this;
        }

        /** Moves the capture's clock (a pause on this connection). */
        Tcp after(double seconds) {
            Synth.this.after(seconds);
            return this;
        }

        /** Handshake, greeting, anonymous login: the usual start of a session. */
        Tcp login() throws IOException {
            handshake();
            server("220 (vsFTPd 3.0.3)\r\n");
            client("USER anonymous\r\n");
            server("331 Please specify the password.\r\n");
            client("PASS guest@\r\n");
            server("230 Login successful.\r\n");
            return this;
        }
    }
}
