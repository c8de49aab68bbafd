package io.ftpalg.engine.expect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyFilterTest {
    /** Against a multiset model, with hashes forced into few home slots so clusters wrap and collide. */
    @Test
    void behavesLikeAMultisetUnderCollisions() {
        Random r = new Random(7);
        KeyFilter f = new KeyFilter(64);
        Map<Long, Integer> model = new HashMap<>();
        for (int op = 0; op < 50_000; op++) {
            long h = (r.nextInt(40) << 8) | (r.nextInt(3) == 0 ? 0xFF : 1); // few distinct values, shared homes
            int count = model.getOrDefault(h, 0);
            if (r.nextBoolean()
                    && model.values().stream().mapToInt(Integer::intValue).sum() < 60) {
                f.add(h);
                model.put(h, count + 1);
            } else if (count > 0) {
                f.remove(h);
                model.put(h, count - 1);
            }
            for (long k = 0; k < 40; k++) {
                for (long low : new long[] {1, 0xFF}) {
                    long key = (k << 8) | low;
                    assertEquals(model.getOrDefault(key, 0) > 0, f.mayContain(key), "op " + op + " key " + key);
                }
            }
        }
    }
}
