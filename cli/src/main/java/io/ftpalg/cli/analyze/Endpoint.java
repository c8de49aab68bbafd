package io.ftpalg.cli.analyze;

import io.ftpalg.engine.config.IpAddress;

/** An address and a TCP port: {@code 192.0.2.10:50000}, {@code [2001:db8::a]:50000}. */
record Endpoint(IpAddress address, int port) {
    @Override
    public String toString() {
        return address.isV6() ? "[" + address + "]:" + port : address + ":" + port;
    }
}
