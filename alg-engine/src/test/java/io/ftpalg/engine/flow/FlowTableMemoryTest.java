package io.ftpalg.engine.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Flow state per flow (issue 4: at most 256 bytes): every array a {@link FlowTable} holds (found by reflection,
 * so an array added later is counted too), element bytes plus a 16-byte array header each, divided by the
 * table's capacity. The table is all the per-flow state there is: NAT keeps its mapping as the flow's REPLY tuple
 * (no table of its own), and FTP sessions, sequence adjustment, expectations and the per-source budget are sized
 * by their own limits, not by {@code flows max}.
 */
class FlowTableMemoryTest {
    private static final int ARRAY_HEADER = 16;

    static Map<String, Long> breakdown(FlowTable t) throws IllegalAccessException {
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (Field f : FlowTable.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || !f.getType().isArray()) {
                continue;
            }
            f.setAccessible(true);
            Object a = f.get(t);
            long element = elementBytes(f.getType().getComponentType());
            bytes.put(f.getName(), ARRAY_HEADER + element * Array.getLength(a));
        }
        return bytes;
    }

    private static long elementBytes(Class<?> c) {
        if (c == long.class || c == double.class) {
            return 8;
        }
        if (c == int.class || c == float.class) {
            return 4;
        }
        if (c == short.class || c == char.class) {
            return 2;
        }
        if (c == byte.class || c == boolean.class) {
            return 1;
        }
        throw new AssertionError("array of references in the flow table: " + c);
    }

    /**
     * Default size, the benchmark sizes, and sizes just above a power of two (where the index is largest per
     * flow: eight slots).
     */
    @ParameterizedTest
    @ValueSource(ints = {262_144, 65_536, 2_097_152, 10_000, 1_000_000, 65_537, 1_025})
    void atMost256BytesPerFlow(int capacity) throws IllegalAccessException {
        FlowTable t = new FlowTable(capacity);
        Map<String, Long> parts = breakdown(t);
        long total = parts.values().stream().mapToLong(Long::longValue).sum();
        double perFlow = (double) total / capacity;
        StringBuilder sb =
                new StringBuilder("flows max " + capacity + ": " + String.format("%.1f", perFlow) + " bytes/flow =");
        parts.forEach((name, b) -> sb.append(String.format(" %s %.1f", name, (double) b / capacity)));
        System.out.println(sb);
        assertEquals(
                FlowTable.RECORD_LONGS * 8L * capacity + FlowTable.RECORD_PAD * 8L + ARRAY_HEADER,
                parts.get("records"));
        assertTrue(perFlow <= 256, sb.toString());
    }
}
