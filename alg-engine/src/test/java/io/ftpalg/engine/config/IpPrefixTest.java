package io.ftpalg.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpPrefixTest {

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
        "192.0.2.0/24, 192.0.2.0, true",
        "192.0.2.0/24, 192.0.2.255, true",
        "192.0.2.0/24, 192.0.3.0, false",
        "192.0.2.0/24, 192.0.1.255, false",
        "192.0.2.128/25, 192.0.2.127, false",
        "192.0.2.128/25, 192.0.2.128, true",
        "192.0.2.1/32, 192.0.2.1, true",
        "192.0.2.1/32, 192.0.2.2, false",
        "0.0.0.0/0, 203.0.113.9, true",
        "0.0.0.0/0, 2001:db8::1, false",
        "128.0.0.0/1, 198.51.100.1, true",
        "128.0.0.0/1, 127.0.0.1, false",
        "2001:db8::/32, 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, true",
        "2001:db8::/32, 2001:db9::, false",
        "2001:db8::/32, 192.0.2.1, false",
        "::/0, 2001:db8::1, true",
        "::/0, 192.0.2.1, false",
        "2001:db8:1::/64, 2001:db8:1::ffff, true",
        "2001:db8:1::/64, 2001:db8:1:1::, false",
        "2001:db8:1:0:8000::/65, 2001:db8:1:0:8000::1, true",
        "2001:db8:1:0:8000::/65, 2001:db8:1:0:7fff::, false",
        "2001:db8:1::/63, 2001:db8:1:1::1, true",
        "2001:db8:1::/63, 2001:db8:1:2::1, false",
        "2001:db8::1/128, 2001:db8::1, true",
        "2001:db8::1/128, 2001:db8::2, false",
        "2001:db8::fffe/127, 2001:db8::ffff, true",
        "2001:db8::fffe/127, 2001:db8::1:0, false",
    })
    void contains(String prefix, String address, boolean expected) {
        IpPrefix p = IpPrefix.parse(prefix);
        IpAddress a = IpAddress.parse(address);
        assertEquals(expected, p.contains(a.version(), a.hi(), a.lo()));
        assertEquals(p, IpPrefix.parse(p.toString()), "canonical form parses back");
    }

    @ParameterizedTest
    @CsvSource({
        "192.0.2.1/24, host bits set",
        "192.0.2.1/24, did you mean 192.0.2.0/24?",
        "2001:db8::1/32, did you mean 2001:db8::/32?",
        "192.0.2.0/33, greater than 32",
        "2001:db8::/129, greater than 128",
        "192.0.2.0, expected <address>/<length>",
        "192.0.2.0/, length '' is not a number",
        "192.0.2.0/-1, length '-1' is not a number",
        "192.0.2.0/2x, length '2x' is not a number",
        "192.0.2/24, needs 4 octets",
    })
    void rejects(String text, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse(text));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void overlaps() {
        assertTrue(IpPrefix.parse("192.0.2.0/24").overlaps(IpPrefix.parse("192.0.2.128/25")));
        assertTrue(IpPrefix.parse("192.0.2.128/25").overlaps(IpPrefix.parse("192.0.2.0/24")));
        assertFalse(IpPrefix.parse("192.0.2.0/25").overlaps(IpPrefix.parse("192.0.2.128/25")));
        assertFalse(IpPrefix.parse("0.0.0.0/0").overlaps(IpPrefix.parse("::/0")));
        assertEquals("2001:db8::/32", IpPrefix.parse("2001:0DB8:0::/32").toString());
    }
}
