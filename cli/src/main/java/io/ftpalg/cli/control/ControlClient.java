package io.ftpalg.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The client side of {@link ControlServer}'s protocol: send one request, read answer lines until the end. */
public final class ControlClient implements AutoCloseable {
    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    public ControlClient(Path path) throws IOException {
        this.channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(path));
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    public void send(JsonNode request) throws IOException {
        out.write(ControlServer.JSON.writeValueAsBytes(request));
        out.write('\n');
        out.flush();
    }

    /** The next answer line, or null when the server closed the connection. */
    public JsonNode next() throws IOException {
        String line = in.readLine();
        return line == null ? null : ControlServer.JSON.readTree(line);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
