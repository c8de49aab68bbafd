package io.ftpalg.cli.analyze;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Everything {@code analyze} found in one capture: sessions with their dialogue, and the findings. */
final class Analysis {
    final String file;
    final List<Frame> frames;
    final FrameReader.Skipped skipped;
    final Connections connections;
    final List<Session> sessions;
    final List<Finding> findings;

    private Analysis(
            String file,
            List<Frame> frames,
            FrameReader.Skipped skipped,
            Connections cs,
            List<Session> sessions,
            List<Finding> findings) {
        this.file = file;
        this.frames = frames;
        this.skipped = skipped;
        this.connections = cs;
        this.sessions = sessions;
        this.findings = findings;
    }

    static Analysis of(Path capture, String name, Options o) throws IOException {
        FrameReader.Skipped skipped = new FrameReader.Skipped();
        List<Frame> frames = FrameReader.read(capture, skipped);
        Connections cs = Connections.build(frames);
        List<Session> sessions = SessionBuilder.build(cs);
        List<Finding> findings = Diagnosis.run(sessions, o);
        return new Analysis(name, frames, skipped, cs, sessions, findings);
    }

    long startNanos() {
        return frames.isEmpty() ? 0 : frames.get(0).timeNanos;
    }

    List<Finding> findingsOf(Session s) {
        return findings.stream().filter(f -> f.session == s).toList();
    }
}
