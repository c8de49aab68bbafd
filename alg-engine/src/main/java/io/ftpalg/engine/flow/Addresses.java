package io.ftpalg.engine.flow;

import io.ftpalg.engine.config.IpAddress;

/** Text forms of addresses for reports and messages (slow path: allocates). */
public final class Addresses {
    private Addresses() {}

    /**
     * {@code 192.0.2.1:21}, {@code [2001:db8::1]:21}, or without the port when {@code port < 0}. IPv6 is written
     * in RFC 5952 form.
     */
    public static String format(int version, long hi, long lo, int port) {
        String a = new IpAddress(version, version == 4 ? 0 : hi, lo).toString();
        if (port < 0) {
            return a;
        }
        return version == 6 ? "[" + a + "]:" + port : a + ":" + port;
    }
}
