/**
 * The gateway configuration: immutable records ({@link io.ftpalg.engine.config.Config} and its parts) and the
 * parser of the line-oriented configuration file ({@link io.ftpalg.engine.config.ConfigParser}). Read once at
 * start, never on the packet path, except the allocation-free lookups {@link
 * io.ftpalg.engine.config.IpPrefix#contains(int, long, long)} and {@link
 * io.ftpalg.engine.config.FtpConfig#isControlPort(int)}. Example files live under {@code
 * src/test/resources/io/ftpalg/engine/config/examples/}.
 */
package io.ftpalg.engine.config;
