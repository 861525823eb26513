package dev.cync.canary.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What happened to the rollout, one entry of its timeline. The label is the word in {@code rollout.json},
 * {@code GET /api/rollout}, the status page and {@code rehearse}; the consumers switch on the constant,
 * never on the text.
 */
public enum RolloutEvent {
    START("start"),
    PROMOTE("promote"),
    COMPLETE("complete"),
    HOLD("hold"),
    HOLD_END("hold_end"),
    OVERDUE("overdue"),
    GATE_FAILED("gate_failed"),
    AUTO_ROLLBACK("auto_rollback"),
    MANUAL_ROLLBACK("manual_rollback"),
    HELD_BY_ROLLBACK("held_by_rollback"),
    ABORT("abort"),
    PAUSE("pause"),
    RESUME("resume"),
    RETRY("retry"),
    RESET("reset");

    private final String label;

    RolloutEvent(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }

    /** The event a label names; an unknown label is a corrupt or newer state file, refused by name. */
    @JsonCreator
    public static RolloutEvent of(String label) {
        for (RolloutEvent e : values()) {
            if (e.label.equals(label)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown rollout event '" + label + "'");
    }

    /** Traffic went back: by the controller's own check, a failed gate, an operator, or an abort. */
    public boolean isRollback() {
        return this == AUTO_ROLLBACK || this == GATE_FAILED || this == MANUAL_ROLLBACK || this == ABORT;
    }

    /** The plan stood still: a hold for evidence or data, or a pause. */
    public boolean isHold() {
        return this == HOLD || this == PAUSE;
    }

    /** The plan moved forward a stage, or finished. */
    public boolean isPromotion() {
        return this == PROMOTE || this == COMPLETE;
    }

    @Override
    public String toString() {
        return label;
    }
}
