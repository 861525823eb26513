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
            @JsonProperty("event") String event,
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
    RolloutState with(
            Status s,
            int stageIndex,
            long elapsed,
            int fails,
            Instant lastFail,
            int failed,
            String why,
            List<Event> events) {
        boolean fresh = s == Status.ROLLED_BACK || stageIndex != stage;
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
                fresh ? 0 : stageHeldMillis,
                fresh ? 0 : stageOverdueAtMillis);
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
