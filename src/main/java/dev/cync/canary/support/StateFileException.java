package dev.cync.canary.support;

/**
 * A state file that cannot be trusted: missing where it should exist, unreadable, or older than
 * the last one written. The message is one line for the operator: the file, what is wrong, and the
 * way out. It extends {@link IllegalArgumentException} so the command line prints it as bad input
 * (one line, exit status 2), never as a stack trace.
 */
public final class StateFileException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public StateFileException(String message) {
        super(message);
    }
}
