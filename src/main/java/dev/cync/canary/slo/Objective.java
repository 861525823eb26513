package dev.cync.canary.slo;

import java.time.Duration;

/**
 * One service level objective: good events over all events, in a rolling window, at least the
 * target. Targets are held in parts per million so every comparison at a threshold is exact.
 *
 * @param threshold the latency threshold, for {@link Kind#LATENCY} only (already chosen for the mode)
 */
public record Objective(
        String name, String description, Kind kind, long targetPpm, Duration window, Duration threshold) {

    /** What counts as an event and what counts as good. */
    public enum Kind {
        /** good = succeeded commands; events = commands. */
        SUCCESS("success"),
        /** good = commands that succeeded within the threshold; events = commands. */
        LATENCY("latency"),
        /** bad = retransmissions; events = commands. */
        RETRANSMITS("retransmits"),
        /** bad = decode errors; events = packets received (fleet-wide). */
        DECODE_ERRORS("decode_errors"),
        /** bad = queue_full outcomes; events = commands. */
        QUEUE_FULL("queue_full");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Kind of(String label) {
            for (Kind k : values()) {
                if (k.label.equals(label)) {
                    return k;
                }
            }
            throw new IllegalArgumentException(
                    "kind must be success, latency, retransmits, decode_errors or queue_full, got '" + label + "'");
        }
    }

    public static final long MILLION = 1_000_000;

    public Objective {
        if (targetPpm <= 0 || targetPpm >= MILLION) {
            throw new IllegalArgumentException(
                    name + ".target: must be above 0% and below 100%, got " + targetPpm / 1e4 + "%");
        }
        if (window.isNegative() || window.isZero() || window.compareTo(SloWindows.HISTORY) > 0) {
            throw new IllegalArgumentException(name + ".window: must be positive and at most 30d, got " + window);
        }
        if (kind == Kind.LATENCY && (threshold == null || threshold.isNegative() || threshold.isZero())) {
            throw new IllegalArgumentException(name + ".threshold: a latency objective needs a positive threshold");
        }
    }

    /** The target as a percentage, e.g. 99.9. */
    public double targetPercent() {
        return targetPpm / 1e4;
    }
}
