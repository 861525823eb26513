package dev.cync.canary.http;

/**
 * A route: a function from a request to its reply. It runs off the I/O threads (it may block, e.g.
 * waiting for a device's outcome). A thrown {@link ApiError} becomes its status and message; any
 * other exception a 500 with the exception's class name (and one log line).
 */
@FunctionalInterface
public interface HttpRoute {
    HttpReply handle(HttpCall call) throws Exception;
}
