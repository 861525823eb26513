package dev.cync.canary.http;

/** A request the API refuses: the HTTP status, the metric reason and a message that says what to do. */
public final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;
    final String reason;
    /** The {@code Allow} header of a 405, else null. */
    final String allow;

    public ApiError(int status, String reason, String message) {
        this(status, reason, message, null);
    }

    private ApiError(int status, String reason, String message, String allow) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
        this.allow = allow;
    }

    ApiError allow(String methods) {
        return new ApiError(status, reason, getMessage(), methods);
    }

    public static ApiError badRequest(String message) {
        return new ApiError(400, "bad_request", message);
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "not_found", message);
    }
}
