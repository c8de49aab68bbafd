package io.ftpalg.engine.state;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state directory's lock and worker-count header. */
class StateDirTest {
    @TempDir
    Path tmp;

    @Test
    void aSecondGatewayOnTheSameDirectoryIsRefused() {
        try (StateDir.Root first = StateDir.open(tmp, 1, false)) {
            StateException e = assertThrows(StateException.class, () -> StateDir.open(tmp, 1, false));
            assertTrue(e.getMessage().contains("in use by another ftp-alg"), e.getMessage());
        }
        StateDir.open(tmp, 1, false).close(); // released with the first
    }

    @Test
    void anotherWorkerCountIsRefusedOrResetWithTheWorkersFiles() throws Exception {
        try (StateDir.Root root = StateDir.open(tmp, 2, false)) {
            assertFalse(root.loaded());
            Files.writeString(root.worker(1, () -> 0).dir().resolve("flows.state"), "x");
        }
        try (StateDir.Root root = StateDir.open(tmp, 2, false)) {
            assertTrue(root.loaded());
        }
        StateException e = assertThrows(StateException.class, () -> StateDir.open(tmp, 4, false));
        assertTrue(e.getMessage().contains("pipeline.state"), e.getMessage());
        assertTrue(e.getMessage().contains("parameter 0 is 2, the config asks for 4"), e.getMessage());
        try (StateDir.Root root = StateDir.open(tmp, 4, true)) {
            assertFalse(root.loaded());
            assertFalse(Files.exists(tmp.resolve("worker-1/flows.state")), "a worker's files from 2 workers went");
        }
    }
}
