package dev.cync.canary.rollout;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * The rollout's persisted state: where it is, for how long, and what happened. Written atomically
 * to {@code rollout.json} in the state directory after every change and every minute, so a restart
 * continues the same stage with its elapsed time (time while the controller was down is not counted:
 * a stage must be watched for its whole duration).
 */
public record RolloutState(
        @JsonProperty("plan") String plan,
        @JsonProperty("status") Status status,
        @JsonProperty("stage") int stage,
        @JsonProperty("stage_elapsed_ms") long stageElapsedMillis,
        @JsonProperty("consecutive_failures") int consecutiveFailures,
        @JsonProperty("last_slo_failure_at") Instant lastSloFailureAt,
        @JsonProperty("failed_stage") int failedStage,
        @JsonProperty("reason") String reason,
        @JsonProperty("history") List<Event> history,
        @JsonProperty("stage_held_ms") long stageHeldMillis,
        @JsonProperty("stage_overdue_at_ms") long stageOverdueAtMillis) {

    /**
     * The state without the hold bookkeeping (files written before holds were kept load with 0 for
     * both: no time held, the plan's maximum stage length).
     */
    public RolloutState(
            String plan,
            Status status,
            int stage,
            long stageElapsedMillis,
            int consecutiveFailures,
            Instant lastSloFailureAt,
            int failedStage,
            String reason,
            List<Event> history) {
        this(
                plan,
                status,
                stage,
                stageElapsedMillis,
                consecutiveFailures,
                lastSloFailureAt,
                failedStage,
                reason,
                history,
                0,
                0);
    }

    /** Where the rollout stands. RUNNING is "in a stage"; the stage is in {@code stage}. */
    public enum Status {
        RUNNING,
        HOLD,
        PAUSED,
        ROLLED_BACK,
        COMPLETE
    }

    /** One transition, for the timeline. */
    public record Event(
            @JsonProperty("at") Instant at,
            @JsonProperty("event") RolloutEvent event,
            @JsonProperty("stage") String stage,
            @JsonProperty("canary_percent") String canaryPercent,
            @JsonProperty("reason") String reason) {}

    public RolloutState {
        history = history == null ? List.of() : List.copyOf(history);
    }

    /**
     * A transition. Entering another stage or rolling back starts the hold bookkeeping afresh: time
     * held and the overdue mark belong to one visit of one stage.
     */
    private RolloutState with(
            Status s,
            int stageIndex,
            long elapsed,
            int fails,
            Instant lastFail,
            int failed,
            String why,
            List<Event> events) {
        boolean anew = s == Status.ROLLED_BACK || stageIndex != stage;
        return new RolloutState(
                plan,
                s,
                stageIndex,
                elapsed,
                fails,
                lastFail,
                failed,
                why,
                events,
                anew ? 0 : stageHeldMillis,
                anew ? 0 : stageOverdueAtMillis);
    }

    /**
     * A transition to {@code status} that names only what else changes, e.g.
     * {@code state.to(Status.PAUSED).reason(why).apply()}; everything not named stays as it is.
     */
    Transition to(Status status) {
        return new Transition(this, status);
    }

    /** Builds one transition; {@link #apply} hands it to {@link #with}, which keeps the hold bookkeeping rule. */
    static final class Transition {
        private final RolloutState from;
        private final Status status;
        private int stage;
        private long elapsedMillis;
        private int failures;
        private Instant lastFailureAt;
        private int failedStage;
        private String reason;
        private List<Event> history;

        private Transition(RolloutState from, Status status) {
            this.from = from;
            this.status = status;
            this.stage = from.stage;
            this.elapsedMillis = from.stageElapsedMillis;
            this.failures = from.consecutiveFailures;
            this.lastFailureAt = from.lastSloFailureAt;
            this.failedStage = from.failedStage;
            this.reason = from.reason;
            this.history = from.history;
        }

        Transition stage(int index) {
            this.stage = index;
            return this;
        }

        Transition elapsedMillis(long millis) {
            this.elapsedMillis = millis;
            return this;
        }

        Transition failures(int consecutive) {
            this.failures = consecutive;
            return this;
        }

        Transition lastFailureAt(Instant at) {
            this.lastFailureAt = at;
            return this;
        }

        Transition failedStage(int index) {
            this.failedStage = index;
            return this;
        }

        Transition reason(String why) {
            this.reason = why;
            return this;
        }

        Transition history(List<Event> events) {
            this.history = events;
            return this;
        }

        RolloutState apply() {
            return from.with(status, stage, elapsedMillis, failures, lastFailureAt, failedStage, reason, history);
        }
    }

    /** The same state with the stage clock, time held and overdue mark replaced. */
    RolloutState withClock(long elapsed, long held, long overdueAt) {
        return new RolloutState(
                plan,
                status,
                stage,
                elapsed,
                consecutiveFailures,
                lastSloFailureAt,
                failedStage,
                reason,
                history,
                held,
                overdueAt);
    }
}
