package io.ftpalg.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTest {

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({
        "300, 300000",
        "300s, 300000",
        "1ms, 1",
        "1500ms, 1500",
        "5m, 300000",
        "2h, 7200000",
        "5d, 432000000",
        "432000s, 432000000",
        "007s, 7000",
    })
    void parses(String text, long ms) {
        assertEquals(ms, ConfigParser.parseDuration(text));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "s",
                "ms",
                "0",
                "0ms",
                "-5",
                "+5",
                "1.5s",
                "10x",
                "10 s",
                "5S",
                "5min",
                "99999999999999999999"
            })
    void rejects(String text) {
        assertThrows(IllegalArgumentException.class, () -> ConfigParser.parseDuration(text));
    }

    @ParameterizedTest
    @CsvSource({"300000, 5m", "432000000, 5d", "1500, 1500ms", "7200000, 2h", "30000, 30s", "90000, 90s"})
    void formats(long ms, String text) {
        assertEquals(text, Config.formatDuration(ms));
        assertEquals(ms, ConfigParser.parseDuration(text));
    }
}
