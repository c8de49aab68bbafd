package io.ftpalg.cli.run;

import sun.misc.Signal;

/**
 * SIGINT and SIGTERM ask {@code run} to stop: the handler only calls {@code onStop}; the main thread then stops the
 * pipeline, prints the counters and returns 0. With the JVM's own handlers a signal stop would exit 130 or 143
 * (128 + the signal), which systemd and scripts read as a failure.
 */
final class SignalStop {
    private SignalStop() {}

    static void install(Runnable onStop) {
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), s -> onStop.run());
        }
    }
}
