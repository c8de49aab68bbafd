package io.ftpalg.engine.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an FTP peer makes of the text it received, parsed here independently of the engine's parsers (a test
 * that used the engine's own parser to read the engine's output would prove nothing).
 */
public final class Wire {
    private static final Pattern SIX = Pattern.compile("(\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)");
    private static final Pattern EPRT = Pattern.compile("EPRT \\|([12])\\|([^|]+)\\|(\\d+)\\|");
    private static final Pattern EPSV = Pattern.compile("\\(\\|\\|\\|(\\d+)\\|\\)");

    /** An address and port as text ("192.0.2.1", 1025). */
    public record Endpoint(String ip, int port) {}

    private Wire() {}

    /** From "PORT h1,h2,h3,h4,p1,p2" or "227 ... (h1,h2,h3,h4,p1,p2)". */
    public static Endpoint six(String line) {
        Matcher m = SIX.matcher(line);
        if (!m.find()) {
            throw new AssertionError("no h1,h2,h3,h4,p1,p2 in: " + line);
        }
        String ip = m.group(1) + "." + m.group(2) + "." + m.group(3) + "." + m.group(4);
        return new Endpoint(ip, Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6)));
    }

    public static Endpoint eprt(String line) {
        Matcher m = EPRT.matcher(line);
        if (!m.find()) {
            throw new AssertionError("no EPRT |af|addr|port| in: " + line);
        }
        return new Endpoint(m.group(2), Integer.parseInt(m.group(3)));
    }

    public static int epsvPort(String line) {
        Matcher m = EPSV.matcher(line);
        if (!m.find()) {
            throw new AssertionError("no (|||port|) in: " + line);
        }
        return Integer.parseInt(m.group(1));
    }

    /** "PORT 192,0,2,10,195,80" for an IPv4 address and port. */
    public static String portArgs(String ip, int port) {
        return ip.replace('.', ',') + "," + (port >> 8) + "," + (port & 0xFF);
    }
}
