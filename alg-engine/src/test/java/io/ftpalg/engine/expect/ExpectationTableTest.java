package io.ftpalg.engine.expect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExpectationTableTest {
    private static final long CLIENT = 0xC633_6407L; // 198.51.100.7, the control peer
    private static final long PUBLIC = 0xCB00_710AL; // 203.0.113.10, what the 227 announced
    private static final long SERVER = 0xC000_020AL; // 192.0.2.10, the inside server

    private final List<ExpectationTable> open = new ArrayList<>();

    @AfterEach
    void close() {
        open.forEach(ExpectationTable::close);
    }

    private ExpectationTable table(int sessions, int perSession, int total) {
        ExpectationTable t = new ExpectationTable(sessions, perSession, total);
        open.add(t);
        return t;
    }

    private static Expectation exp(int session, int port, long deadline) {
        Expectation e = new Expectation();
        e.ipVersion = 4;
        e.peerLo = CLIENT;
        e.dstLo = PUBLIC;
        e.dstPort = port;
        e.realDstLo = SERVER;
        e.realDstPort = port + 1;
        e.newSrcLo = CLIENT + 1;
        e.ingressPort = 1;
        e.controlFlow = 100 + session;
        e.controlGeneration = 7;
        e.session = session;
        e.createdMs = deadline - 300_000;
        e.deadlineMs = deadline;
        return e;
    }

    private static int consume(ExpectationTable t, int port, long now, Expectation out) {
        return t.consume(4, 0, CLIENT, 0, PUBLIC, port, now, out);
    }

    @Test
    void createThenConsumeIsOneShot() {
        ExpectationTable t = table(4, 2, 16);
        Expectation e = exp(1, 50000, 10_000);
        e.peerHi = 0x1234;
        assertEquals(ExpectationTable.CREATED, t.create(e, new Expectation()));
        assertEquals(1, t.size());
        Expectation out = new Expectation();
        assertEquals(ExpectationTable.NO_MATCH, consume(t, 50000, 1_000, out), "peerHi is part of the key");
        assertEquals(ExpectationTable.MATCHED, t.consume(4, 0x1234, CLIENT, 0, PUBLIC, 50000, 1_000, out));
        assertEquals(0, t.size());
        assertEquals(4, out.ipVersion);
        assertEquals(0x1234, out.peerHi);
        assertEquals(CLIENT, out.peerLo);
        assertEquals(PUBLIC, out.dstLo);
        assertEquals(50000, out.dstPort);
        assertEquals(SERVER, out.realDstLo);
        assertEquals(50001, out.realDstPort);
        assertEquals(CLIENT + 1, out.newSrcLo);
        assertEquals(1, out.ingressPort);
        assertEquals(101, out.controlFlow);
        assertEquals(7, out.controlGeneration);
        assertEquals(1, out.session);
        assertEquals(10_000, out.deadlineMs);
        assertEquals(10_000 - 300_000, out.createdMs);
        assertEquals(ExpectationTable.NO_MATCH, t.consume(4, 0x1234, CLIENT, 0, PUBLIC, 50000, 1_000, out));
    }

    @Test
    void keyMustMatchExactly() {
        ExpectationTable t = table(4, 2, 16);
        t.create(exp(0, 50000, 10_000), new Expectation());
        Expectation out = new Expectation();
        assertEquals(ExpectationTable.NO_MATCH, consume(t, 50001, 0, out));
        assertEquals(ExpectationTable.NO_MATCH, t.consume(4, 0, CLIENT + 1, 0, PUBLIC, 50000, 0, out));
        assertEquals(ExpectationTable.NO_MATCH, t.consume(4, 0, CLIENT, 0, PUBLIC + 1, 50000, 0, out));
        assertEquals(ExpectationTable.NO_MATCH, t.consume(6, 0, CLIENT, 0, PUBLIC, 50000, 0, out));
        assertEquals(1, t.size());
        assertEquals(ExpectationTable.MATCHED, consume(t, 50000, 0, out));
    }

    @Test
    void expiredEntryIsRemovedAndReportedExpired() {
        ExpectationTable t = table(4, 2, 16);
        t.create(exp(0, 50000, 10_000), new Expectation());
        t.create(exp(0, 50002, 10_000), new Expectation());
        Expectation out = new Expectation();
        assertEquals(ExpectationTable.EXPIRED, consume(t, 50000, 10_000, out), "deadline == now is expired");
        assertEquals(50000, out.dstPort);
        assertEquals(ExpectationTable.NO_MATCH, consume(t, 50000, 0, out));
        assertEquals(ExpectationTable.MATCHED, consume(t, 50002, 9_999, out));
        assertEquals(0, t.size());
    }

    @Test
    void perSessionCapReplacesTheOldest() {
        ExpectationTable t = table(4, 2, 16);
        Expectation replaced = new Expectation();
        assertEquals(ExpectationTable.CREATED, t.create(exp(2, 50000, 10_000), replaced));
        assertEquals(ExpectationTable.CREATED, t.create(exp(2, 50001, 10_000), replaced));
        assertEquals(ExpectationTable.CREATED, t.create(exp(3, 50005, 10_000), replaced));
        assertEquals(ExpectationTable.REPLACED_OLDEST, t.create(exp(2, 50002, 10_000), replaced));
        assertEquals(50000, replaced.dstPort);
        assertEquals(2, replaced.session);
        assertEquals(3, t.size());
        assertEquals(ExpectationTable.REPLACED_OLDEST, t.create(exp(2, 50003, 10_000), replaced));
        assertEquals(50001, replaced.dstPort);
        Expectation out = new Expectation();
        assertEquals(ExpectationTable.NO_MATCH, consume(t, 50000, 0, out));
        assertEquals(ExpectationTable.NO_MATCH, consume(t, 50001, 0, out));
        assertEquals(ExpectationTable.MATCHED, consume(t, 50002, 0, out));
        assertEquals(50003, out.realDstPort, "the new entry's own value, not the replaced one's");
        assertEquals(2, out.session);
        assertEquals(ExpectationTable.MATCHED, consume(t, 50003, 0, out));
        assertEquals(50004, out.realDstPort);
        assertEquals(ExpectationTable.MATCHED, consume(t, 50005, 0, out), "other session untouched");
        assertEquals(3, out.session);
        assertEquals(0, t.size());
    }

    @Test
    void globalCapRefuses() {
        ExpectationTable t = table(8, 4, 3);
        Expectation r = new Expectation();
        assertEquals(ExpectationTable.CREATED, t.create(exp(0, 50000, 10_000), r));
        assertEquals(ExpectationTable.CREATED, t.create(exp(1, 50001, 10_000), r));
        assertEquals(ExpectationTable.CREATED, t.create(exp(2, 50002, 10_000), r));
        assertEquals(ExpectationTable.REFUSED_FULL, t.create(exp(3, 50003, 10_000), r));
        assertEquals(3, t.size());
        Expectation out = new Expectation();
        assertEquals(ExpectationTable.NO_MATCH, consume(t, 50003, 0, out));
        assertEquals(ExpectationTable.MATCHED, consume(t, 50001, 0, out));
        assertEquals(ExpectationTable.CREATED, t.create(exp(3, 50003, 10_000), r));
        assertEquals(ExpectationTable.MATCHED, consume(t, 50003, 0, out));
    }

    @Test
    void repeatedKeyRefreshesInPlace() {
        ExpectationTable t = table(4, 2, 16);
        Expectation r = new Expectation();
        t.create(exp(0, 50000, 10_000), r);
        assertEquals(ExpectationTable.CREATED, t.create(exp(0, 50000, 20_000), r));
        assertEquals(1, t.size());
        Expectation out = new Expectation();
        assertEquals(ExpectationTable.MATCHED, consume(t, 50000, 15_000, out), "deadline refreshed");
        assertEquals(20_000, out.deadlineMs);
        assertEquals(0, t.size());
    }

    /** A client repeating PORT with the same port while its session is at the cap must not evict another one. */
    @Test
    void refreshAtSessionCapKeepsTheOthers() {
        ExpectationTable t = table(4, 2, 16);
        Expectation r = new Expectation();
        t.create(exp(0, 50000, 10_000), r);
        t.create(exp(0, 50001, 10_000), r);
        assertEquals(ExpectationTable.CREATED, t.create(exp(0, 50001, 20_000), r));
        assertEquals(2, t.size());
        Expectation out = new Expectation();
        assertEquals(ExpectationTable.MATCHED, consume(t, 50000, 0, out));
        assertEquals(ExpectationTable.MATCHED, consume(t, 50001, 15_000, out));
        assertEquals(0, t.size());
    }

    /** Likewise a refresh at the global cap does not grow the table, so it is not refused. */
    @Test
    void refreshAtGlobalCapIsNotRefused() {
        ExpectationTable t = table(4, 2, 2);
        Expectation r = new Expectation();
        t.create(exp(0, 50000, 10_000), r);
        t.create(exp(1, 50001, 10_000), r);
        assertEquals(ExpectationTable.CREATED, t.create(exp(1, 50001, 20_000), r));
        Expectation out = new Expectation();
        assertEquals(ExpectationTable.MATCHED, consume(t, 50001, 15_000, out));
    }

    /**
     * The same key announced by a second session moves to that session: the first session's index must forget
     * it, or the table's count and both sessions' bookkeeping drift apart.
     */
    @Test
    void sameKeyFromAnotherSessionMovesIt() {
        ExpectationTable t = table(4, 2, 16);
        Expectation r = new Expectation();
        t.create(exp(0, 50000, 10_000), r);
        t.create(exp(1, 50000, 20_000), r);
        assertEquals(1, t.size());
        List<Integer> removed = new ArrayList<>();
        assertEquals(0, t.removeSession(0, new Expectation(), e -> removed.add(e.dstPort)));
        assertEquals(List.of(), removed);
        Expectation out = new Expectation();
        assertEquals(ExpectationTable.MATCHED, consume(t, 50000, 0, out));
        assertEquals(1, out.session);
        assertEquals(20_000, out.deadlineMs);
        assertEquals(0, t.size());
        // nothing left anywhere: sweeping and removing find nothing, and the count stays at zero
        assertEquals(0, t.sweep(Long.MAX_VALUE / 2, 4, new Expectation(), null));
        assertEquals(0, t.removeSession(1, new Expectation(), null));
        assertEquals(0, t.size());
    }

    @Test
    void removeSessionRemovesAllAndCallsBack() {
        ExpectationTable t = table(4, 4, 16);
        Expectation r = new Expectation();
        for (int p = 50000; p < 50003; p++) {
            t.create(exp(1, p, 10_000), r);
        }
        t.create(exp(2, 50010, 10_000), r);
        Set<Integer> ports = new HashSet<>();
        List<Integer> sessions = new ArrayList<>();
        int n = t.removeSession(1, new Expectation(), e -> {
            ports.add(e.dstPort);
            sessions.add(e.session);
        });
        assertEquals(3, n);
        assertEquals(Set.of(50000, 50001, 50002), ports);
        assertEquals(List.of(1, 1, 1), sessions);
        assertEquals(1, t.size());
        Expectation out = new Expectation();
        for (int p = 50000; p < 50003; p++) {
            assertEquals(ExpectationTable.NO_MATCH, consume(t, p, 0, out));
        }
        assertEquals(ExpectationTable.MATCHED, consume(t, 50010, 0, out));
        assertEquals(0, t.removeSession(1, new Expectation(), null));
    }

    @Test
    void sweepExpiresOnlyTimedOutOnes() {
        ExpectationTable t = table(3, 4, 16);
        Expectation r = new Expectation();
        t.create(exp(0, 50000, 100), r);
        t.create(exp(0, 50001, 300), r);
        t.create(exp(0, 50002, 200), r);
        t.create(exp(1, 50003, 150), r);
        t.create(exp(2, 50004, 250), r);
        Set<Integer> expired = new HashSet<>();
        assertEquals(3, t.sweep(200, 3, new Expectation(), e -> expired.add(e.dstPort)));
        assertEquals(Set.of(50000, 50002, 50003), expired);
        assertEquals(2, t.size());
        Expectation out = new Expectation();
        assertEquals(ExpectationTable.NO_MATCH, consume(t, 50000, 0, out));
        assertEquals(ExpectationTable.NO_MATCH, consume(t, 50003, 0, out));
        assertEquals(ExpectationTable.MATCHED, consume(t, 50001, 0, out));
        assertEquals(ExpectationTable.MATCHED, consume(t, 50004, 0, out));
    }

    @Test
    void sweepBudgetMovesACursorOverSessions() {
        ExpectationTable t = table(4, 2, 16);
        Expectation r = new Expectation();
        for (int s = 0; s < 4; s++) {
            t.create(exp(s, 50000 + s, 100), r);
        }
        assertEquals(1, t.sweep(1_000, 1, new Expectation(), null));
        assertEquals(3, t.size());
        assertEquals(2, t.sweep(1_000, 2, new Expectation(), null));
        assertEquals(1, t.sweep(1_000, 1, new Expectation(), null));
        assertEquals(0, t.size());
    }

    @Test
    void existsIgnoresTheSameControlFlow() {
        ExpectationTable t = table(4, 2, 16);
        assertFalse(t.exists(4, 0, CLIENT, 0, PUBLIC, 50000, 100));
        t.create(exp(0, 50000, 10_000), new Expectation()); // control flow 100
        assertFalse(t.exists(4, 0, CLIENT, 0, PUBLIC, 50000, 100));
        assertTrue(t.exists(4, 0, CLIENT, 0, PUBLIC, 50000, 101));
        assertFalse(t.exists(4, 0, CLIENT, 0, PUBLIC, 50001, 101));
        assertEquals(1, t.size(), "exists does not consume");
    }

    /** SECURITY.md states the off-heap size of the table at the default cap; keep that figure true. */
    @org.junit.jupiter.api.Test
    void offHeapSizeAtTheDefaultCapIsWhatSecurityMdSays() {
        try (ExpectationTable t = new ExpectationTable(16, 4, 65536)) {
            long bytes = t.offHeapBytes();
            org.junit.jupiter.api.Assertions.assertTrue(
                    bytes > 8L << 20 && bytes < 11L << 20, "documented as 9.6 MiB, measured " + bytes);
        }
    }
}
