package io.ftpalg.cli.analyze;

import java.util.List;
import java.util.TreeSet;

/** One diagnosis: a failure mode, the session it is about, what was seen, and the frames that show it. */
final class Finding {
    final Mode mode;
    final Session session;
    /** What the capture shows, in one or two sentences. */
    final String evidence;
    /** Frame numbers, ascending. */
    final TreeSet<Integer> frames = new TreeSet<>();

    Finding(Mode mode, Session session, String evidence, List<Frame> frames) {
        this.mode = mode;
        this.session = session;
        this.evidence = evidence;
        for (Frame f : frames) {
            if (f != null) {
                this.frames.add(f.number);
            }
        }
    }
}
