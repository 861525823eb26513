package dev.cync.canary.http;

/** Who may call a route. */
public enum Access {
    /** Anyone: {@code /metrics} and {@code /healthz}, as Prometheus and Kubernetes expect. */
    OPEN,
    /** The admin token or the read-only token: every {@code GET /api/...}. */
    READ,
    /** The admin token only: every call that changes something. */
    WRITE
}
