package io.ftpalg.cli.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The running gateway's control socket: a Unix domain socket (default {@value #DEFAULT_PATH}), root-only (its
 * directory is created 0700 when missing, the socket is 0600), one thread per client, never on a worker.
 *
 * <h2>Protocol</h2>
 *
 * One JSON request per line, {@code {"cmd":"NAME", ...arguments}}; the answer is JSON lines, the last of them
 * {@code {"end":true, ...}} on success or {@code {"error":"why"}} on failure. A streaming command (events) writes
 * lines until the client closes the connection. Then the next request may follow on the same connection.
 *
 * <pre>
 *   -&gt; {"cmd":"count"}
 *   &lt;- {"worker":0,"flows":12,"expectations":1,"sessions":3}
 *   &lt;- {"end":true,"flows":12,"expectations":1,"sessions":3}
 * </pre>
 *
 * <h2>API</h2>
 *
 * <pre>
 *   ControlServer server = new ControlServer(path);
 *   server.register("reload", (request, reply) -&gt; { ...; reply.end().put("changed", 3); });
 *   server.start();   // binds, then accepts on its own thread
 *   ...
 *   server.close();   // stops accepting, removes the socket file
 * </pre>
 *
 * A {@link Handler} runs on the client's thread. It writes answer lines with {@link Reply#line}, may fill the
 * final line through {@link Reply#end()} (the server writes it when the handler returns) and fails with
 * {@link ControlException} (the message goes to the client as {@code error}). Anything that must touch a worker's
 * tables goes through {@code Dataplane.submit} and a {@code WorkerCommand}; a handler never touches an engine.
 */
public final class ControlServer implements AutoCloseable {
    public static final String DEFAULT_PATH = "/run/ftp-alg/control.sock";
    /** Longest request line accepted. */
    static final int MAX_REQUEST = 64 * 1024;

    public static final ObjectMapper JSON = new ObjectMapper();

    /** Answers one request. Runs on the client's thread; may block (it is never a worker). */
    public interface Handler {
        void handle(JsonNode request, Reply reply) throws IOException;
    }

    /** A refusal with a message for the client. */
    public static final class ControlException extends RuntimeException {
        public ControlException(String message) {
            super(message);
        }
    }

    /** Where a handler writes its answer. */
    public static final class Reply {
        private final OutputStream out;
        private final ObjectNode end = JSON.createObjectNode();

        Reply(OutputStream out) {
            this.out = out;
            end.put("end", true);
        }

        /**
         * Writes one answer line into the connection's buffer (64 KiB; sent when full, on {@link #flush} and after
         * the final line).
         */
        public void line(JsonNode node) throws IOException {
            out.write(JSON.writeValueAsBytes(node));
            out.write('\n');
        }

        /** Sends what is buffered (a streaming handler calls it after each event). */
        public void flush() throws IOException {
            out.flush();
        }

        /** The final line ({@code "end":true} and what the handler adds). */
        public ObjectNode end() {
            return end;
        }
    }

    private final Path path;
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private ServerSocketChannel channel;
    private Thread acceptor;
    private volatile boolean closed;

    public ControlServer(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** Adds (or replaces) the handler of {@code cmd}. May be called before or after {@link #start}. */
    public void register(String cmd, Handler handler) {
        handlers.put(cmd, handler);
    }

    /**
     * Binds the socket: creates its directory (0700) if missing, removes a stale socket file left by a process
     * that is gone (refuses when another gateway answers on it), binds and sets the socket to 0600.
     */
    public void start() throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the socket's own permissions still apply
            }
        }
        if (Files.exists(path)) {
            if (answers(path)) {
                throw new IOException("another ftp-alg answers on " + path + " (stop it, or use --control-socket)");
            }
            Files.delete(path);
        }
        channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        acceptor = new Thread(this::acceptLoop, "ftp-alg-control");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static boolean answers(Path p) {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(p))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel c;
            try {
                c = channel.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread t = new Thread(() -> serve(c), "ftp-alg-control-client");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(SocketChannel c) {
        try (c;
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
                OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(c), 1 << 16)) {
            String line;
            while ((line = readLine(in)) != null) {
                if (line.isBlank()) {
                    continue;
                }
                Reply reply = new Reply(out);
                try {
                    JsonNode request;
                    try {
                        request = JSON.readTree(line);
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new ControlException("not a JSON request: " + e.getOriginalMessage());
                    }
                    String cmd = request.path("cmd").asText("");
                    Handler h = handlers.get(cmd);
                    if (h == null) {
                        throw new ControlException(
                                "unknown command '" + cmd + "' (known: " + String.join(", ", handlers.keySet()) + ")");
                    }
                    h.handle(request, reply);
                    reply.line(reply.end());
                    reply.flush();
                } catch (ControlException | IllegalArgumentException e) {
                    ObjectNode err = JSON.createObjectNode();
                    err.put("error", e.getMessage());
                    reply.line(err);
                    reply.flush();
                }
            }
        } catch (IOException e) {
            // client went away
        }
    }

    private static String readLine(BufferedReader in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int ch;
        while ((ch = in.read()) != -1) {
            if (ch == '\n') {
                return sb.toString();
            }
            if (sb.length() >= MAX_REQUEST) {
                throw new IOException("request too long");
            }
            sb.append((char) ch);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        if (channel != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // the directory went away
            }
        }
    }
}
