package io.ftpalg.cli.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * The {@code --events} JSON Lines output: a file (appended to; {@link #reopen} after logrotate moved it, on
 * SIGUSR1) or stdout. Written by the event hub's dispatcher thread only, flushed after each event (events are
 * negotiations and connections, never packets).
 */
final class EventFile implements Consumer<ObjectNode>, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path path;
    private final PrintStream stdout;
    private OutputStream out;
    private volatile boolean reopen;
    private long failures;

    private EventFile(Path path, PrintStream stdout) throws IOException {
        this.path = path;
        this.stdout = stdout;
        this.out = path == null ? stdout : open(path);
    }

    static EventFile open(String name, PrintStream stdout) throws IOException {
        return new EventFile("-".equals(name) ? null : Path.of(name), stdout);
    }

    private static OutputStream open(Path p) throws IOException {
        return new BufferedOutputStream(
                Files.newOutputStream(p, StandardOpenOption.CREATE, StandardOpenOption.APPEND), 1 << 16);
    }

    void reopen() {
        reopen = true;
    }

    @Override
    public void accept(ObjectNode n) {
        try {
            if (reopen && path != null) {
                reopen = false;
                out.close();
                out = open(path);
            }
            out.write(JSON.writeValueAsBytes(n));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            if (failures++ == 0) { // once: a full disk would otherwise log once per event
                org.slf4j.LoggerFactory.getLogger(EventFile.class)
                        .warn("cannot write events to {}: {}", path == null ? "stdout" : path, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        try {
            out.flush();
            if (path != null) {
                out.close();
            }
        } catch (IOException ignored) {
            // nothing more to do at exit
        }
    }
}
