package io.ftpalg.engine.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every per-session and per-lane array of {@link FtpSessions} survives {@link FtpSessionRecords}' round trip. The
 * arrays are found by reflection, so a field added to the pool later and forgotten in the record fails here.
 */
class FtpSessionRecordsTest {
    private static final int CAP = 4;
    private static final int MAX_LINE = 100;

    /** Elements of {@code field} that belong to session {@code s}: [from, to). */
    private static int[] span(FtpSessions p, Field f, int s) throws Exception {
        int len = Array.getLength(f.get(p));
        int per = len / CAP; // elements per session
        return new int[] {s * per, (s + 1) * per};
    }

    private static boolean stateArray(Field f) {
        return f.getType().isArray()
                && !Modifier.isStatic(f.getModifiers())
                && !f.getName().equals("freeStack");
    }

    @Test
    void everyFieldOfASessionRoundTrips() throws Exception {
        FtpSessions a = new FtpSessions(CAP, MAX_LINE);
        SplittableRandom rnd = new SplittableRandom(5);
        int s = 2;
        int fields = 0;
        for (Field f : FtpSessions.class.getDeclaredFields()) {
            if (!stateArray(f)) {
                continue;
            }
            fields++;
            f.setAccessible(true);
            Object arr = f.get(a);
            int[] sp = span(a, f, s);
            for (int i = sp[0]; i < sp[1]; i++) {
                Class<?> t = f.getType().getComponentType();
                if (t == int.class) {
                    Array.setInt(arr, i, rnd.nextInt(0, 8)); // small: lengths and counts stay in range
                } else if (t == long.class) {
                    Array.setLong(arr, i, rnd.nextLong());
                } else if (t == byte.class) {
                    Array.setByte(arr, i, (byte) rnd.nextInt());
                } else if (t == boolean.class) {
                    Array.setBoolean(arr, i, rnd.nextBoolean());
                } else {
                    throw new AssertionError("unexpected array type " + f);
                }
            }
        }
        assertTrue(fields >= 25, "found " + fields + " arrays");
        a.flow[s] = 7;
        FtpSessionRecords ra = new FtpSessionRecords(a);
        long[] rec = new long[ra.longs()];
        ra.export(s, rec, 0);

        FtpSessions b = new FtpSessions(CAP, MAX_LINE);
        assertTrue(new FtpSessionRecords(b).restore(s, rec, 0));
        for (Field f : FtpSessions.class.getDeclaredFields()) {
            if (!stateArray(f)) {
                continue;
            }
            f.setAccessible(true);
            int[] sp = span(a, f, s);
            for (int i = sp[0]; i < sp[1]; i++) {
                assertEquals(
                        String.valueOf(Array.get(f.get(a), i)),
                        String.valueOf(Array.get(f.get(b), i)),
                        f.getName() + "[" + i + "] not carried by FtpSessionRecords");
            }
        }
        b.rebuildFreeList();
        assertEquals(1, b.inUse());
    }
}
