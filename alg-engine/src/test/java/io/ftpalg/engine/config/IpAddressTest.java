package io.ftpalg.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // IPv4
        "192.0.2.1, 192.0.2.1",
        "0.0.0.0, 0.0.0.0",
        "255.255.255.255, 255.255.255.255",
        "203.0.113.254, 203.0.113.254",
        // RFC 5952 4.1: no leading zeros; 4.3: lower case
        "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "2001:DB8::1, 2001:db8::1",
        "2001:db8:aaaa:bbbb:cccc:dddd:eeee:AAAA, 2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa",
        "2001:db8::0:1, 2001:db8::1",
        "2001:db8:0:0:0:0:2:1, 2001:db8::2:1",
        // RFC 5952 4.2.2: a single zero group is not compressed
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "2001:db8::1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        // RFC 5952 4.2.3: the longest run; the first on a tie
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        // Ends
        "::, ::",
        "::1, ::1",
        "1::, 1::",
        "2001:db8::, 2001:db8::",
        "0:0:0:0:0:0:0:0, ::",
        "1:0:0:0:0:0:0:0, 1::",
        "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6::8, 1:2:3:4:5:6:0:8",
        // Embedded IPv4 (RFC 4291 2.2 form 3); RFC 5952 5: IPv4-mapped keeps the dotted tail
        "::ffff:192.0.2.1, ::ffff:192.0.2.1",
        "::FFFF:c000:0201, ::ffff:192.0.2.1",
        "2001:db8::192.0.2.1, 2001:db8::c000:201",
        "0:0:0:0:0:ffff:198.51.100.7, ::ffff:198.51.100.7",
        "1:2:3:4:5:6:192.0.2.1, 1:2:3:4:5:6:c000:201",
    })
    void parsesAndFormatsCanonically(String text, String canonical) {
        IpAddress a = IpAddress.parse(text);
        assertEquals(canonical, a.toString());
        assertEquals(a, IpAddress.parse(canonical), "canonical form parses back to the same value");
    }

    @Test
    void packsIntoTwoWords() {
        IpAddress v4 = IpAddress.parse("192.0.2.1");
        assertEquals(4, v4.version());
        assertEquals(0, v4.hi());
        assertEquals(0xC000_0201L, v4.lo());

        IpAddress v6 = IpAddress.parse("2001:db8::1");
        assertEquals(6, v6.version());
        assertEquals(0x2001_0db8_0000_0000L, v6.hi());
        assertEquals(1L, v6.lo());

        IpAddress all = IpAddress.parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        assertEquals(-1L, all.hi());
        assertEquals(-1L, all.lo());
        assertEquals(IpAddress.v4(0xCB00_7101L), IpAddress.parse("203.0.113.1"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "192.0.2",
                "192.0.2.1.5",
                "192.0.2.256",
                "192.0.2.01",
                "192.0.2.",
                ".192.0.2.1",
                "192.0..2",
                "192.0.2.1/24",
                "192.0.2.x",
                "1234.0.2.1",
                "2001:db8:::1",
                "2001:db8::1::2",
                "1:2:3:4:5:6:7:8:9",
                "1:2:3:4:5:6:7",
                "1:2:3:4:5:6:7:8::",
                "::1:2:3:4:5:6:7:8",
                "12345::",
                "2001:db8::g",
                "fe80::1%eth0",
                ":1:2:3:4:5:6:7",
                "1:2:3:4:5:6:7:",
                "::1.2.3",
                "::256.0.0.1",
                "192.0.2.1::",
                "::192.0.2.1:1",
                "1:2:3:4:5:6:7:192.0.2.1",
            })
    void rejects(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void constructorRejectsWideIpv4() {
        assertThrows(IllegalArgumentException.class, () -> new IpAddress(4, 0, 1L << 32));
        assertThrows(IllegalArgumentException.class, () -> new IpAddress(5, 0, 0));
        assertFalse(IpAddress.parse("192.0.2.1").isV6());
    }
}
