package io.ftpalg.engine.config;

/**
 * A configuration file that cannot be used. The message reads {@code <source>:<line>: <what is wrong>}, naming the
 * offending word and what was expected, so the file can be fixed from the message alone.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final String detail;

    public ConfigException(String source, int line, String detail) {
        super(source + ":" + line + ": " + detail);
        this.source = source;
        this.line = line;
        this.detail = detail;
    }

    public ConfigException(String source, int line, String detail, Throwable cause) {
        super(source + ":" + line + ": " + detail, cause);
        this.source = source;
        this.line = line;
        this.detail = detail;
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    /** The message without the {@code source:line: } prefix. */
    public String detail() {
        return detail;
    }
}
