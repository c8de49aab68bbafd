package io.ftpalg.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {

    @ParameterizedTest
    @CsvSource({
        "02:00:00:00:01:01, 02:00:00:00:01:01, 0x020000000101",
        "AA:bb:CC:dd:EE:ff, aa:bb:cc:dd:ee:ff, 0xaabbccddeeff",
        "ff:ff:ff:ff:ff:ff, ff:ff:ff:ff:ff:ff, 0xffffffffffff",
        "00:00:00:00:00:00, 00:00:00:00:00:00, 0x0",
    })
    void roundTrips(String text, String canonical, String hex) {
        MacAddress m = MacAddress.parse(text);
        assertEquals(canonical, m.toString());
        assertEquals(Long.decode(hex).longValue(), m.value());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "02:00:00:00:01",
                "02:00:00:00:01:01:01",
                "2:00:00:00:01:01",
                "02-00-00-00-01-01",
                "0g:00:00:00:01:01"
            })
    void rejects(String text) {
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
    }

    @Test
    void readsSixBytesOfAFrame() {
        byte[] frame = {0, 0, (byte) 0xaa, (byte) 0xbb, (byte) 0xcc, (byte) 0xdd, (byte) 0xee, (byte) 0xff, 1};
        assertEquals(0xaabbccddeeffL, MacAddress.fromBytes(frame, 2));
        assertEquals("aa:bb:cc:dd:ee:ff", new MacAddress(MacAddress.fromBytes(frame, 2)).toString());
    }
}
