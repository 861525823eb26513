package dev.cync.canary.flags;

import java.io.IOException;

/**
 * The shared flag store did not answer when a replica started, so the replica refuses to start (it
 * will not route on flags it has not read). An operational condition, not a bug: the command line
 * prints the message as one line, without a stack trace.
 */
public final class StoreUnreachableException extends IOException {
    private static final long serialVersionUID = 1L;

    StoreUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
