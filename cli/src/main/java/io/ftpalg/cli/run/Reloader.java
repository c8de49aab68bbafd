package io.ftpalg.cli.run;

import io.ftpalg.engine.config.Config;
import io.ftpalg.engine.config.ConfigException;
import io.ftpalg.engine.config.ConfigParser;
import io.ftpalg.engine.pipeline.Dataplane;
import io.ftpalg.engine.pipeline.Engine;
import io.ftpalg.engine.pipeline.ReloadApply;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Applies a changed config file to a running gateway without a restart (SIGHUP, {@code ftp-alg reload}).
 *
 * <ol>
 *   <li>The file is parsed; a config that does not parse is refused with the parser's message (file, line, what
 *       was expected) and the running config stays.
 *   <li>What only a restart can change (mode, ports, pipeline, table sizes: {@link Engine#restartNeeded}) is
 *       refused the same way.
 *   <li>Each worker's new stages are built here, off the workers; then each worker swaps them in at its safe
 *       point between two batches ({@link ReloadApply}) and removes the flows the new rules no longer admit,
 *       counted ({@code flow-reload-dropped}) and reported. Each worker switches atomically (between two packets);
 *       the workers switch one after the other, within a batch of each other.
 * </ol>
 *
 * One reload at a time (a second waits for the first).
 */
final class Reloader {
    private static final long WORKER_TIMEOUT_MS = 10_000;

    private final Path file;
    private final Dataplane dp;
    private final UnaryOperator<Config> localize;
    private final PrintStream out;
    private Config current;

    /**
     * @param localize what {@code run} does to a parsed config before use (the interfaces' MACs)
     */
    Reloader(Path file, Dataplane dp, Config current, UnaryOperator<Config> localize, PrintStream out) {
        this.file = file;
        this.dp = dp;
        this.current = current;
        this.localize = localize;
        this.out = out;
    }

    /** The outcome of one reload: applied or not, and the line that says what happened. */
    record Result(boolean applied, int dropped, String message) {}

    synchronized Result reload() {
        Config next;
        try {
            next = localize.apply(ConfigParser.parse(file));
        } catch (ConfigException e) {
            return log(new Result(false, 0, "reload refused, the running config stays: " + e.getMessage()));
        }
        String why = Engine.restartNeeded(current, next);
        if (why != null) {
            return log(new Result(
                    false, 0, "reload refused, the running config stays: " + why + " (only a restart can change it)"));
        }
        int workers = dp.workers();
        ReloadApply[] cmds = new ReloadApply[workers];
        for (int w = 0; w < workers; w++) {
            cmds[w] = new ReloadApply(dp.engine(w).prepare(next));
        }
        int dropped = 0;
        StringBuilder late = new StringBuilder();
        for (int w = 0; w < workers; w++) {
            if (!dp.submit(w, cmds[w])) {
                late.append(" worker ").append(w).append(" refused the command (its queue is full)");
                continue;
            }
        }
        for (int w = 0; w < workers; w++) {
            if (!cmds[w].await(WORKER_TIMEOUT_MS)) {
                late.append(" worker ")
                        .append(w)
                        .append(" has not applied it within ")
                        .append(WORKER_TIMEOUT_MS / 1000)
                        .append(" s (it will at its next batch)");
            } else if (cmds[w].failure() != null) {
                late.append(" worker ").append(w).append(" failed: ").append(cmds[w].failure());
            } else {
                dropped += cmds[w].dropped();
            }
        }
        current = next;
        return log(new Result(
                true,
                dropped,
                "reload applied from " + file + ": " + dropped + " flow(s) the new rules no longer admit were dropped"
                        + " (flow-reload-dropped; their FTP sessions and expectations with them)" + late));
    }

    private Result log(Result r) {
        out.println("ftp-alg run: " + r.message());
        out.flush();
        return r;
    }
}
