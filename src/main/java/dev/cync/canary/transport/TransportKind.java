package dev.cync.canary.transport;

import dev.cync.canary.metrics.Metrics;

/** The two command paths. The reliable transport is the "new" one, as in the spec's queries and the router. */
public enum TransportKind {
    LEGACY(Metrics.LEGACY),
    NEW(Metrics.NEW);

    private final String label;

    TransportKind(String label) {
        this.label = label;
    }

    /** The {@code transport} label value: {@code legacy} or {@code new}. */
    public String label() {
        return label;
    }

    public static TransportKind fromLabel(String label) {
        for (TransportKind k : values()) {
            if (k.label.equals(label)) {
                return k;
            }
        }
        throw new IllegalArgumentException("transport must be 'legacy' or 'new', got '" + label + "'");
    }
}
