package dev.cync.canary.rollout;

import dev.cync.canary.flags.AuditEntry;
import dev.cync.canary.flags.FileFlagStore;
import dev.cync.canary.flags.FlagState;
import dev.cync.canary.slo.AutoRollbackCheck;
import dev.cync.canary.slo.Check;
import dev.cync.canary.slo.Objective;
import dev.cync.canary.slo.SloEvaluator;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.support.Durations;
import dev.cync.canary.support.Percentages;
import dev.cync.canary.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan's stages as a state machine: which {@link RolloutState} follows from the current one,
 * given the plan, the clock, the gates' verdicts, the automatic rollback check and what the
 * operator asks. It holds the state and the kind of the hold in force, writes the timeline, and
 * says what must happen outside through {@link Effects} (a flag change, an audit entry, a rollback
 * to count and notify) at the point of the transition where it happens: a rollback's flag change
 * lands before the state says ROLLED_BACK, so a flag store that fails never leaves a rollback only
 * on paper. It does no locking, no scheduling, no persistence and no metrics: the
 * {@link RolloutController} calls it under its monitor and does those.
 *
 * <p>Why one class: longer than 350 lines because it is one state and its transitions: the hold bookkeeping, the
 * timeline and the stage changes are shared by every transition, and splitting them would pass the
 * state back and forth between classes.
 */
final class StageMachine {

    /** The controller's logger: operators filter and alert on the transitions' lines by that name. */
    private static final Logger log = LoggerFactory.getLogger(RolloutController.class);

    /**
     * With no command on the new transport for this long, the stage is on a no-data hold: the hold is
     * dated from this long ago, and that time is taken back from the stage clock.
     */
    static final Duration QUIET_AFTER = Duration.ofHours(1);

    static final String NO_DATA_HOLD = "no data";
    static final String EVIDENCE_HOLD = "insufficient evidence";
    /** The timeline keeps this many entries, the oldest dropped first. */
    static final int HISTORY = 500;

    /** What a transition does outside the state: the flags, the audit log, the rollback's count and alert. */
    interface Effects {
        /** The flags as they are now. */
        FlagState flags();

        /** Sets the flags to stage {@code s}'s share and dark launch (only what differs). */
        void applyStage(RolloutPlan.Stage s, String actor, String reason);

        /** A gate failed in the stage it rolls back to: 0% and the mirror off. */
        void stageOff(String actor, String reason);

        /** Rolls the canary back to 0% (sticky for an automatic rollback). */
        void rollback(String actor, String reason, boolean automatic);

        void audit(String actor, String action, String oldValue, String newValue, String reason);

        /** A rollback happened: counted by its trigger and notified. */
        void rolledBack(Notifier.Rollback r);
    }

    private final RolloutPlan plan;
    private final SloEvaluator evaluator;
    private final SloSpec spec;
    private final GateEvaluator gates;
    private final Effects effects;
    private final Consumer<RolloutState.Event> events;
    private final Clock clock;
    private RolloutState state;
    /** The kind of the hold in force ({@link #NO_DATA_HOLD} or {@link #EVIDENCE_HOLD}), null when none. */
    private String holdKind;

    /**
     * @param events receives each timeline entry as it is recorded (the controller delivers them to
     *     its listeners after it releases its monitor)
     */
    StageMachine(
            RolloutPlan plan,
            SloEvaluator evaluator,
            Clock clock,
            Effects effects,
            Consumer<RolloutState.Event> events) {
        this.clock = clock;
        this.plan = plan;
        this.evaluator = evaluator;
        this.spec = evaluator.spec();
        this.gates = new GateEvaluator(evaluator);
        this.effects = effects;
        this.events = events;
    }

    RolloutState state() {
        return state;
    }

    RolloutPlan.Stage stage() {
        return plan.stages().get(state.stage());
    }

    // ---- the start ----

    /**
     * The state a start begins with: {@code loaded} continued, the first stage paused after an
     * operator's reset ({@code resetBecause} says why the old state was dropped), or the plan started
     * from its first stage. Over a rollback held by the flags, the plan never moves traffic.
     */
    void start(RolloutState loaded, String resetBecause) {
        if (loaded != null) {
            continueFrom(loaded);
            log.info(
                    "rollout {}: continuing {} in stage {} after {} of {}",
                    plan.name(),
                    state.status(),
                    stage().name(),
                    Durations.format(Duration.ofMillis(state.stageElapsedMillis())),
                    Durations.format(stage().minDuration()));
        } else if (resetBecause != null) {
            // --reset-state rollout.json: the plan starts again from its first stage, paused, and the flags stay as
            // they are.
            String why = "rollout state reset by an operator (--reset-state " + RolloutStateFile.NAME + "): "
                    + resetBecause + "; the plan waits at its first stage until an operator resumes it";
            state = new RolloutState(plan.name(), RolloutState.Status.PAUSED, 0, 0, 0, null, -1, why, List.of());
            effects.audit(
                    "operator:--reset-state",
                    FileFlagStore.RESET_STATE,
                    RolloutStateFile.NAME + " " + resetBecause,
                    "plan " + plan.name() + " paused at " + stage().name(),
                    "started with --reset-state " + RolloutStateFile.NAME);
            event(RolloutEvent.RESET, why);
            log.warn("rollout {}", why);
        } else {
            state = new RolloutState(plan.name(), RolloutState.Status.RUNNING, 0, 0, 0, null, -1, "started", List.of());
            event(RolloutEvent.START, "plan " + plan.name() + " started");
            if (!effects.flags().rollbackSticky()) {
                effects.applyStage(
                        stage(),
                        RolloutController.ROLLOUT,
                        "rollout " + plan.name() + " entered stage " + stage().name());
            }
        }
        FlagState f = effects.flags();
        if (f.rollbackSticky() && state.status() != RolloutState.Status.ROLLED_BACK) {
            // The flags hold a rollback (an automatic one, or a reset): a plan never starts moving traffic over it.
            String why = "the flags hold a rollback (" + f.summary() + "); the plan waits until an operator resumes it";
            state = state.to(RolloutState.Status.ROLLED_BACK)
                    .failures(0)
                    .failedStage(state.stage())
                    .reason(why)
                    .apply();
            event(RolloutEvent.HELD_BY_ROLLBACK, why);
            log.warn("rollout {}: {}", plan.name(), why);
        }
    }

    /** Continues {@code loaded} (a restart, or a replica taking over the shared state). */
    void continueFrom(RolloutState loaded) {
        state = loaded;
        holdKind = state.status() == RolloutState.Status.HOLD ? lastHoldKind() : null;
    }

    /** The kind of the latest hold in the timeline (after a restart in HOLD). */
    private String lastHoldKind() {
        for (int i = state.history().size() - 1; i >= 0; i--) {
            RolloutState.Event e = state.history().get(i);
            if (e.event() == RolloutEvent.HOLD) {
                return e.reason().startsWith(NO_DATA_HOLD) ? NO_DATA_HOLD : EVIDENCE_HOLD;
            }
        }
        return EVIDENCE_HOLD;
    }

    // ---- the minute tick ----

    /**
     * One minute: records a failed check of the new transport, counts the automatic rollback check
     * ({@code auto}, null when no device is on the new transport) and moves a running or held stage
     * on by {@code deltaMillis}. Returns the automatic rollback check in words, for the status page.
     */
    String minute(Instant now, long deltaMillis, boolean newCheckFailed, AutoRollbackCheck.Result auto) {
        state = state.to(state.status())
                .lastFailureAt(newCheckFailed ? now : state.lastSloFailureAt())
                .apply();
        // The watch never stops while any device is on the new transport: running, held, paused or
        // complete plan, or a percentage set by hand (docs/design.md rule 7).
        String autoCheck = auto == null ? "not watching: no device is on the new transport" : autoRollbackCheck(auto);
        RolloutState.Status s = state.status();
        if (s == RolloutState.Status.RUNNING || s == RolloutState.Status.HOLD) {
            advanceStage(now, deltaMillis);
        }
        return autoCheck;
    }

    private String autoRollbackCheck(AutoRollbackCheck.Result r) {
        SloSpec.AutoRollback a = spec.autoRollback();
        int fails = state.consecutiveFailures();
        String said;
        switch (r.result()) {
            case FAIL -> {
                fails++;
                said = "FAIL (" + fails + " of " + a.consecutiveFailures() + "): " + r.detail();
                log.warn("automatic rollback check {}", said);
            }
            case NO_DATA -> said = r.detail() + "; the count stays at " + fails;
            case PASS -> {
                fails = 0;
                said = "PASS";
            }
            default -> throw new IllegalStateException(r.result().toString());
        }
        state = state.to(state.status()).failures(fails).apply();
        if (fails >= a.consecutiveFailures()) {
            autoRollback(r.detail());
        }
        return said;
    }

    private void autoRollback(String why) {
        String from = currentPercent();
        String reason =
                spec.autoRollback().consecutiveFailures() + " consecutive failed checks of the new transport: " + why;
        log.error("AUTOMATIC ROLLBACK in stage {} from {}% to 0%: {}", stage().name(), from, reason);
        effects.rollback(RolloutController.AUTO, reason, true);
        endHold("the canary was rolled back");
        state = state.to(RolloutState.Status.ROLLED_BACK)
                .stage(0)
                .elapsedMillis(0)
                .failures(0)
                .failedStage(state.stage())
                .reason(reason)
                .apply();
        Instant at = event(RolloutEvent.AUTO_ROLLBACK, reason);
        effects.rolledBack(new Notifier.Rollback(
                at, "auto", plan.stages().get(state.failedStage()).name(), from, "0", reason));
    }

    /**
     * One minute of a running or held stage: the stage clock counts only time with data; a quiet
     * hour starts a no-data hold (dated from the start of the quiet); past the minimum the gates
     * decide; past the maximum the plan pauses and asks an operator.
     */
    void advanceStage(Instant now, long delta) {
        long nowMs = now.toEpochMilli();
        Objective success = spec.objective(Objective.Kind.SUCCESS);
        long elapsed = state.stageElapsedMillis();
        long held = state.stageHeldMillis();
        // Quiet means an hour without commands: a stage watched for less than an hour has not seen one
        // (the plan's first minute, with nothing on the new transport yet, is not a quiet hour).
        boolean quiet = elapsed + held + delta >= QUIET_AFTER.toMillis()
                && evaluator
                                .windows()
                                .ratio(success, RolloutController.NEW, QUIET_AFTER, nowMs)
                                .total()
                        == 0;
        if (quiet) {
            if (!NO_DATA_HOLD.equals(holdKind)) {
                // The quiet hour just seen was counted as stage time; it was a hold.
                long back = Math.min(elapsed, QUIET_AFTER.toMillis());
                elapsed -= back;
                held += back;
                endHold("no data instead");
                state = state.withClock(elapsed, held, state.stageOverdueAtMillis());
                startHold(
                        NO_DATA_HOLD,
                        "no data: no command on the new transport for " + Durations.format(QUIET_AFTER)
                                + "; the stage clock stops until commands return",
                        now.minusMillis(back));
            }
            held += delta;
        } else {
            if (NO_DATA_HOLD.equals(holdKind)) {
                endHold("commands on the new transport again");
            }
            elapsed += delta;
        }
        state = state.withClock(elapsed, held, state.stageOverdueAtMillis());
        long overdueAt = state.stageOverdueAtMillis() > 0
                ? state.stageOverdueAtMillis()
                : stage().maxDuration().toMillis();
        if (elapsed + held >= overdueAt) {
            overdue(elapsed, held);
            return;
        }
        if (!quiet && elapsed >= stage().minDuration().toMillis()) {
            judgeStage(now, elapsed + held);
        }
    }

    private void judgeStage(Instant now, long watchedMillis) {
        List<String> failed = new ArrayList<>();
        List<String> noData = new ArrayList<>();
        List<String> passed = new ArrayList<>();
        for (RolloutPlan.Gate g : stage().gates()) {
            GateEvaluator.Verdict v = gates.judge(g, Duration.ofMillis(watchedMillis), state.lastSloFailureAt(), now);
            (v.result() == Check.Result.FAIL ? failed : v.result() == Check.Result.NO_DATA ? noData : passed)
                    .add(g.describe() + ": " + v.detail());
        }
        if (!failed.isEmpty()) {
            endHold("a gate failed");
            gateFailed(String.join("; ", failed));
        } else if (!noData.isEmpty()) {
            if (!EVIDENCE_HOLD.equals(holdKind)) {
                startHold(
                        EVIDENCE_HOLD,
                        EVIDENCE_HOLD + " to pass, the stage is extended: " + String.join("; ", noData),
                        now);
            }
        } else {
            endHold("gates passed");
            promoteNow(RolloutController.ROLLOUT, "gates passed: " + String.join("; ", passed));
        }
    }

    /** One gate of the current stage as it would be judged now (reading only: nothing changes). */
    List<RolloutController.GateState> gateStates(Instant now) {
        List<RolloutController.GateState> out = new ArrayList<>();
        for (RolloutPlan.Gate g : stage().gates()) {
            GateEvaluator.Verdict v =
                    gates.judge(g, Duration.ofMillis(state.stageElapsedMillis()), state.lastSloFailureAt(), now);
            out.add(new RolloutController.GateState(g.describe(), v.result().label(), v.detail()));
        }
        return out;
    }

    /** Starts a hold dated {@code since}: recorded in the timeline, logged, and the status says HOLD. */
    private void startHold(String kind, String why, Instant since) {
        holdKind = kind;
        state = state.to(RolloutState.Status.HOLD).reason(why).apply();
        event(RolloutEvent.HOLD, why, since);
        log.warn("rollout holds in stage {}: {}", stage().name(), why);
    }

    /** Ends the hold in force, if any, with its end in the timeline. */
    private void endHold(String why) {
        if (holdKind == null) {
            return;
        }
        String kind = holdKind;
        holdKind = null;
        if (state.status() == RolloutState.Status.HOLD) {
            state = state.to(RolloutState.Status.RUNNING).reason(why).apply();
        }
        event(RolloutEvent.HOLD_END, kind + " hold over: " + why);
        log.info("rollout hold in stage {} over: {}", stage().name(), why);
    }

    /** The stage ran past its maximum length: the plan pauses and asks an operator (audited, alerted). */
    private void overdue(long elapsed, long held) {
        endHold("the stage is overdue");
        String why = String.format(
                Locale.ROOT,
                "stage %s ran %s (%s with data, %s held), past its maximum of %s; the plan is paused"
                        + " until an operator decides: resume (another %s), promote, or abort",
                stage().name(),
                Durations.format(Duration.ofMillis(elapsed + held)),
                Durations.format(Duration.ofMillis(elapsed)),
                Durations.format(Duration.ofMillis(held)),
                Durations.format(stage().maxDuration()),
                Durations.format(stage().maxDuration()));
        audit(RolloutController.ROLLOUT, "rollout_overdue", why);
        state = state.to(RolloutState.Status.PAUSED)
                .elapsedMillis(elapsed)
                .reason(why)
                .apply();
        event(RolloutEvent.OVERDUE, why);
        log.error("rollout needs an operator: {}", why);
    }

    /** Paused because the stage ran past its maximum length (the latest pause is the plan's own). */
    boolean overdueNow() {
        if (state.status() != RolloutState.Status.PAUSED) {
            return false;
        }
        for (int i = state.history().size() - 1; i >= 0; i--) {
            RolloutEvent e = state.history().get(i).event();
            if (e == RolloutEvent.OVERDUE) {
                return true;
            }
            if (e == RolloutEvent.PAUSE || e == RolloutEvent.RESUME) {
                return false;
            }
        }
        return false;
    }

    private void gateFailed(String why) {
        int target = plan.indexOf(stage().rollbackTo());
        String from = currentPercent();
        log.error(
                "rollout gate FAILED in stage {}: {}; back to stage {}",
                stage().name(),
                why,
                plan.stages().get(target).name());
        int failed = state.stage();
        state = state.to(RolloutState.Status.ROLLED_BACK)
                .stage(target)
                .elapsedMillis(0)
                .failures(0)
                .failedStage(failed)
                .reason("gate failed: " + why)
                .apply();
        if (target == failed) {
            effects.stageOff(RolloutController.ROLLOUT, "gate failed in " + stage().name() + ": " + why);
        } else {
            effects.applyStage(
                    stage(),
                    RolloutController.ROLLOUT,
                    "gate failed in " + plan.stages().get(failed).name() + ": " + why);
        }
        Instant at = event(RolloutEvent.GATE_FAILED, why);
        effects.rolledBack(
                new Notifier.Rollback(at, "gate", plan.stages().get(failed).name(), from, currentPercent(), why));
    }

    private void promoteNow(String actor, String why) {
        endHold("promoted");
        if (state.stage() + 1 >= plan.stages().size()) {
            state = state.to(RolloutState.Status.COMPLETE)
                    .failures(0)
                    .reason(why)
                    .apply();
            event(RolloutEvent.COMPLETE, why);
            log.info("rollout {} COMPLETE: {}", plan.name(), why);
        } else {
            state = state.to(RolloutState.Status.RUNNING)
                    .stage(state.stage() + 1)
                    .elapsedMillis(0)
                    .failures(0)
                    .reason(why)
                    .apply();
            effects.applyStage(stage(), actor, "promoted to " + stage().name() + ": " + why);
            event(RolloutEvent.PROMOTE, why);
            log.info("rollout promoted to {} ({}%): {}", stage().name(), currentPercent(), why);
        }
    }

    // ---- changes made elsewhere ----

    /**
     * An operator outranks the plan. A rollback made elsewhere (API, CLI, environment) stops the plan
     * where it is; a canary percentage set by hand pauses it, so the next promotion does not
     * silently undo the operator's choice ({@code resume} hands control back). Changes by the plan
     * or the automatic rollback are not an operator's.
     */
    void flagsChangedElsewhere(FlagState f) {
        AuditEntry c = f.lastChange();
        if (c == null
                || c.actor().equals(RolloutController.ROLLOUT)
                || c.actor().equals(RolloutController.AUTO)) {
            return;
        }
        RolloutState.Status s = state.status();
        if (s == RolloutState.Status.ROLLED_BACK || s == RolloutState.Status.COMPLETE) {
            return;
        }
        if (f.killSwitch() && stage().percentageBasisPoints() > 0) {
            endHold("rolled back by " + c.actor());
            state = state.to(RolloutState.Status.ROLLED_BACK)
                    .elapsedMillis(0)
                    .failures(0)
                    .failedStage(state.stage())
                    .reason("rolled back by " + c.actor() + ": " + c.reason())
                    .apply();
            event(RolloutEvent.MANUAL_ROLLBACK, "by " + c.actor() + ": " + c.reason());
        } else if (c.action().equals("set_percentage") && s != RolloutState.Status.PAUSED) {
            endHold("paused by hand");
            String why = c.actor() + " set the canary to " + c.newValue() + " by hand (" + c.reason()
                    + "); the plan is paused until an operator resumes it";
            state = state.to(RolloutState.Status.PAUSED).reason(why).apply();
            event(RolloutEvent.PAUSE, why);
            log.warn("rollout paused: {}", why);
        }
    }

    // ---- operator actions ----

    void pause(String actor, String reason) {
        require(
                state.status() == RolloutState.Status.RUNNING || state.status() == RolloutState.Status.HOLD,
                "pause",
                "running or holding");
        audit(actor, "rollout_pause", reason);
        endHold("paused by " + actor);
        state = state.to(RolloutState.Status.PAUSED)
                .reason("paused by " + actor + ": " + reason)
                .apply();
        event(RolloutEvent.PAUSE, "by " + actor + ": " + reason);
    }

    void resume(String actor, String reason) {
        require(
                state.status() == RolloutState.Status.PAUSED
                        || state.status() == RolloutState.Status.ROLLED_BACK
                        || state.status() == RolloutState.Status.HOLD,
                "resume",
                "paused, holding or rolled back");
        boolean wasRolledBack = state.status() == RolloutState.Status.ROLLED_BACK;
        audit(actor, "rollout_resume", reason);
        endHold("resumed by " + actor);
        if (overdueNow()) {
            // The operator grants the stage another maximum length.
            long watched = state.stageElapsedMillis() + state.stageHeldMillis();
            state = state.withClock(
                    state.stageElapsedMillis(),
                    state.stageHeldMillis(),
                    watched + stage().maxDuration().toMillis());
        }
        state = state.to(RolloutState.Status.RUNNING)
                .failures(0)
                .reason("resumed by " + actor + ": " + reason)
                .apply();
        if (wasRolledBack) {
            effects.applyStage(stage(), actor, "resumed in " + stage().name() + ": " + reason);
        }
        event(RolloutEvent.RESUME, "by " + actor + ": " + reason);
    }

    void promote(String actor, String reason) {
        require(state.status() != RolloutState.Status.COMPLETE, "promote", "not complete");
        promoteNow(actor, "promoted by " + actor + ": " + reason);
    }

    void abort(String actor, String reason) {
        require(state.status() != RolloutState.Status.COMPLETE, "abort", "not complete");
        endHold("aborted by " + actor);
        String from = currentPercent();
        effects.rollback(actor, "rollout aborted: " + reason, false);
        state = state.to(RolloutState.Status.ROLLED_BACK)
                .elapsedMillis(0)
                .failures(0)
                .failedStage(state.stage())
                .reason("aborted by " + actor + ": " + reason)
                .apply();
        Instant at = event(RolloutEvent.ABORT, "by " + actor + ": " + reason);
        effects.rolledBack(new Notifier.Rollback(at, "manual", stage().name(), from, "0", reason));
    }

    void retry(String actor, String reason) {
        require(state.status() == RolloutState.Status.ROLLED_BACK, "retry", "rolled back");
        int again = state.failedStage() >= 0 ? state.failedStage() : state.stage();
        audit(actor, "rollout_retry", reason);
        state = state.to(RolloutState.Status.RUNNING)
                .stage(again)
                .elapsedMillis(0)
                .failures(0)
                .failedStage(-1)
                .reason("retry by " + actor + ": " + reason)
                .apply();
        effects.applyStage(stage(), actor, "retrying stage " + stage().name() + ": " + reason);
        event(RolloutEvent.RETRY, "by " + actor + ": " + reason);
    }

    private void require(boolean ok, String action, String when) {
        if (!ok) {
            throw new IllegalStateException("cannot " + action + " a rollout that is "
                    + state.status().name().toLowerCase(Locale.ROOT) + " (only when " + when + ")");
        }
    }

    private void audit(String actor, String action, String reason) {
        effects.audit(actor, action, state.status().name(), stage().name(), reason);
    }

    // ---- the timeline ----

    private String currentPercent() {
        FlagState f = effects.flags();
        return f.killSwitch() ? "0" : Percentages.fromBasisPoints(f.percentageBasisPoints());
    }

    private Instant event(RolloutEvent name, String reason) {
        return event(name, reason, null);
    }

    /** Records an event dated {@code at} (null: now) in the timeline and hands it to the listeners' queue. */
    private Instant event(RolloutEvent name, String reason, Instant at) {
        Instant when = at == null ? clock.instant() : at;
        RolloutState.Event e = new RolloutState.Event(when, name, stage().name(), currentPercent(), reason);
        List<RolloutState.Event> h = new ArrayList<>(state.history());
        h.add(e);
        if (h.size() > HISTORY) {
            h.remove(0);
        }
        state = state.to(state.status()).history(h).apply();
        events.accept(e);
        return when;
    }
}
