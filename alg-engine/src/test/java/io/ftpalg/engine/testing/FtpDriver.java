package io.ftpalg.engine.testing;

import io.ftpalg.engine.testing.SimNet.Conn;
import io.ftpalg.engine.testing.SimNet.Host;
import java.util.Arrays;
import java.util.Random;

/**
 * Plays both ends of FTP sessions over {@link SimNet}, the way real clients and servers behave on the wire: the
 * server connects back to whatever the PORT/EPRT it RECEIVED says, the client connects to whatever the 227/229
 * it RECEIVED says (the address of a 227 is trusted, as curl does with --no-ftp-skip-pasv-ip). Each method
 * returns the bytes that arrived at the far end, or null when the data connection could not be made; problems
 * are collected in {@link SimNet#errors}.
 */
public final class FtpDriver {
    private final SimNet net;
    public final Host client;
    public final Host server;
    public Conn c;
    public Conn s;
    /**
     * The receiving end of the last data connection: for active mode the client's accepted connection (its
     * {@code remotePort} is the source port the client saw), for passive mode the server's.
     */
    public Conn lastData;
    /** The source port the server's active-mode data connections come from (20 by RFC 959 convention). */
    public int serverDataPort = 20;

    public FtpDriver(SimNet net, Host client, Host server) {
        this.net = net;
        this.client = client;
        this.server = server;
    }

    public static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Connects to {@code serverAddress:port} (the address the client uses), greets and logs in. */
    public FtpDriver login(int clientPort, String serverAddress, int controlPort) {
        server.listen(controlPort);
        c = client.connect(clientPort, serverAddress, controlPort);
        s = server.lastAccepted(controlPort);
        reply("220 (vsFTPd 3.0.3)\r\n");
        command("USER anonymous\r\n");
        reply("331 Please specify the password.\r\n");
        command("PASS guest@\r\n");
        reply("230 Login successful.\r\n");
        command("TYPE I\r\n");
        reply("200 Switching to Binary mode.\r\n");
        return this;
    }

    /**
     * Connects to a load-balanced {@code address:port}, every host of {@code servers} listening there; the driver's
     * server is the one the gateway chose (null when none accepted). Greets and logs in like {@link #login}.
     */
    public static FtpDriver loginAny(
            SimNet net, Host client, java.util.List<Host> servers, int clientPort, String address, int port) {
        return loginAny(net, client, servers, clientPort, address, port, port);
    }

    /** {@link #loginAny} where the servers listen on {@code serverPort} (a dnat that also maps the port). */
    public static FtpDriver loginAny(
            SimNet net,
            Host client,
            java.util.List<Host> servers,
            int clientPort,
            String address,
            int port,
            int serverPort) {
        int[] before = new int[servers.size()];
        for (int i = 0; i < servers.size(); i++) {
            servers.get(i).listen(serverPort);
            before[i] = servers.get(i).accepted(serverPort).size();
        }
        Conn cc = client.connect(clientPort, address, port);
        for (int i = 0; i < servers.size(); i++) {
            if (servers.get(i).accepted(serverPort).size() > before[i]) {
                FtpDriver f = new FtpDriver(net, client, servers.get(i));
                f.c = cc;
                f.s = servers.get(i).lastAccepted(serverPort);
                f.reply("220 (vsFTPd 3.0.3)\r\n");
                f.command("USER anonymous\r\n");
                f.reply("331 Please specify the password.\r\n");
                f.command("PASS guest@\r\n");
                f.reply("230 Login successful.\r\n");
                return f;
            }
        }
        return null;
    }

    /** Client sends a command; returns it as the server received it. */
    public String command(String line) {
        c.send(line);
        return s.take();
    }

    /** Server replies; returns the reply as the client received it. */
    public String reply(String line) {
        s.send(line);
        return c.take();
    }

    /** Active mode, IPv4 (PORT) or IPv6/extended (EPRT); the server sends {@code file} (RETR). */
    public byte[] activeRetr(boolean extended, int clientDataPort, byte[] file) {
        String cmd = extended
                ? "EPRT |" + (client.v6 ? 2 : 1) + "|" + client.ip + "|" + clientDataPort + "|\r\n"
                : "PORT " + Wire.portArgs(client.ip, clientDataPort) + "\r\n";
        String got = command(cmd);
        Wire.Endpoint ep = extended ? Wire.eprt(got) : Wire.six(got);
        reply((extended ? "200 EPRT" : "200 PORT") + " command successful. Consider using PASV.\r\n");
        command("RETR file.bin\r\n");
        client.listen(clientDataPort);
        int before = client.accepted(clientDataPort).size();
        Conn d = server.connect(serverDataPort, ep.ip(), ep.port());
        if (client.accepted(clientDataPort).size() == before) {
            reply("425 Failed to establish connection.\r\n");
            return null;
        }
        Conn dc = client.lastAccepted(clientDataPort);
        lastData = dc;
        reply("150 Opening BINARY mode data connection for file.bin (" + file.length + " bytes).\r\n");
        d.send(file);
        d.close();
        dc.close();
        reply("226 Transfer complete.\r\n");
        return dc.receivedBytes();
    }

    /**
     * Passive mode: PASV (227 with the server's own address, or {@code advertised} when not null) or EPSV (229);
     * the client sends {@code file} (STOR).
     */
    public byte[] passiveStor(boolean extended, int serverDataPort, String advertised, byte[] file) {
        command(extended ? "EPSV\r\n" : "PASV\r\n");
        String addr = advertised != null ? advertised : server.ip;
        String got = extended
                ? reply("229 Entering Extended Passive Mode (|||" + serverDataPort + "|)\r\n")
                : reply("227 Entering Passive Mode (" + Wire.portArgs(addr, serverDataPort) + ").\r\n");
        Wire.Endpoint ep = extended ? new Wire.Endpoint(c.remoteIp, Wire.epsvPort(got)) : Wire.six(got);
        server.listen(serverDataPort);
        int before = server.accepted(serverDataPort).size();
        Conn d = client.connect(nextClientPort++, ep.ip(), ep.port());
        if (server.accepted(serverDataPort).size() == before) {
            return null;
        }
        Conn ds = server.lastAccepted(serverDataPort);
        lastData = ds;
        command("STOR upload.bin\r\n");
        reply("150 Ok to send data.\r\n");
        d.send(file);
        d.close();
        ds.close();
        reply("226 Transfer complete.\r\n");
        return ds.receivedBytes();
    }

    /** The client port of the next passive data connection (two drivers on one client host set it apart). */
    public int nextClientPort = 45000;

    public void quit() {
        command("QUIT\r\n");
        reply("221 Goodbye.\r\n");
        c.close();
        s.close();
    }

    /** Checks a transfer arrived intact; records a problem in the network's error list otherwise. */
    public void expectSame(String what, byte[] sent, byte[] got) {
        if (got == null) {
            net.errors.add(what + ": data connection was not established");
        } else if (!Arrays.equals(sent, got)) {
            net.errors.add(what + ": received " + got.length + " bytes differing from the " + sent.length + " sent");
        }
    }
}
