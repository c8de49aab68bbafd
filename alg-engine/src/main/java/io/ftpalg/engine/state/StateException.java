package io.ftpalg.engine.state;

/**
 * A state file cannot be used: another format version, written for other table sizes, damaged, or not readable.
 * Thrown at start only (never on the data path); the message says which file, what is wrong and what to do.
 */
public final class StateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StateException(String message) {
        super(message);
    }

    public StateException(String message, Throwable cause) {
        super(message, cause);
    }
}
