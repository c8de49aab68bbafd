package io.ftpalg.engine.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongSupplier;

/**
 * Where one engine keeps its state, and how to open it.
 *
 * <pre>
 *   DIR/lock                 held (fcntl lock) while a gateway runs on DIR: a second one is refused
 *   DIR/pipeline.state       header only: format version and worker count (flows are sharded by worker)
 *   DIR/worker-N/flows.state     flow records (FlowTable layout), one per table slot
 *   DIR/worker-N/sessions.state  FTP sessions with their sequence-adjustment histories
 *   DIR/worker-N/expect.state    header only: the sizes the expectation map was built for
 *   DIR/worker-N/expect.cmap     the expectations, a persisted Chronicle Map
 * </pre>
 *
 * @param dir the worker's directory
 * @param reset rebuild empty any file of another version, other sizes or damaged, instead of refusing to start
 * @param wallClockMs the wall clock (System::currentTimeMillis live), read at restore to measure the gap
 */
public record StateDir(Path dir, boolean reset, LongSupplier wallClockMs) {

    /** The lock and the pipeline header of a state directory, held for the life of the gateway. */
    public static final class Root implements AutoCloseable {
        private final Path dir;
        private final boolean reset;
        private final FileChannel lockChannel;
        private final FileLock lock;
        private final StateFile header;

        private Root(Path dir, boolean reset, FileChannel lockChannel, FileLock lock, StateFile header) {
            this.dir = dir;
            this.reset = reset;
            this.lockChannel = lockChannel;
            this.lock = lock;
            this.header = header;
        }

        public Path dir() {
            return dir;
        }

        /** True when the directory held state from an earlier run (false: created now, or reset). */
        public boolean loaded() {
            return header.loaded();
        }

        /** The state directory of worker {@code i}. */
        public StateDir worker(int i, LongSupplier wallClockMs) {
            Path w = dir.resolve("worker-" + i);
            try {
                Files.createDirectories(w);
            } catch (IOException e) {
                throw new StateException("cannot create " + w + ": " + e.getMessage(), e);
            }
            return new StateDir(w, reset, wallClockMs);
        }

        @Override
        public void close() {
            header.close();
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                // released with the process anyway
            }
        }
    }

    /**
     * Opens (creating it if needed) a state directory for a pipeline of {@code workers} workers: takes its lock
     * (refused while another gateway holds it) and checks the worker count it was written with (flows live on the
     * worker their outside party hashes to; another count would put them on the wrong one: refused, or with
     * {@code reset} every worker's files are rebuilt empty).
     */
    public static Root open(Path dir, int workers, boolean reset) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StateException("cannot create the state directory " + dir + ": " + e.getMessage(), e);
        }
        FileChannel ch = null;
        FileLock lock;
        try {
            ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held by this very process (a second Root on the same directory)
        } catch (IOException e) {
            throw new StateException("cannot lock " + dir.resolve("lock") + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            try {
                ch.close();
            } catch (IOException e) {
                // refusing anyway
            }
            throw new StateException(
                    "state directory " + dir + " is in use by another ftp-alg (its lock is held): refusing to start");
        }
        StateFile header;
        try {
            header = StateFile.open(dir.resolve("pipeline.state"), "pipeline", new long[] {workers}, 1, 0, reset);
        } catch (StateException e) {
            try {
                lock.release();
                ch.close();
            } catch (IOException x) {
                // refusing anyway
            }
            throw e;
        }
        boolean resetWorkers = reset && !header.loaded();
        if (resetWorkers) {
            // The pipeline header was rebuilt (or never existed): workers' files from another layout must go.
            try (var list = Files.list(dir)) {
                for (Path w : (Iterable<Path>) list::iterator) {
                    if (Files.isDirectory(w) && w.getFileName().toString().matches("worker-[0-9]+")) {
                        deleteQuietly(w);
                    }
                }
            } catch (IOException e) {
                throw new StateException("cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        return new Root(dir, reset, ch, lock, header);
    }

    private static void deleteQuietly(Path w) {
        for (String f : new String[] {"flows.state", "sessions.state", "expect.state", "expect.cmap"}) {
            try {
                Files.deleteIfExists(w.resolve(f));
            } catch (IOException e) {
                throw new StateException("cannot remove " + w.resolve(f) + ": " + e.getMessage(), e);
            }
        }
    }

    Path flows() {
        return dir.resolve("flows.state");
    }

    Path sessions() {
        return dir.resolve("sessions.state");
    }

    Path expectHeader() {
        return dir.resolve("expect.state");
    }

    public Path expectMap() {
        return dir.resolve("expect.cmap");
    }
}
