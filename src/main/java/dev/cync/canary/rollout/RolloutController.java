package dev.cync.canary.rollout;

import dev.cync.canary.flags.FileFlagStore;
import dev.cync.canary.flags.FlagState;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.slo.AutoRollbackCheck;
import dev.cync.canary.slo.Check;
import dev.cync.canary.slo.Objective;
import dev.cync.canary.slo.SloEvaluator;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.support.DurableFiles;
import dev.cync.canary.support.Durations;
import dev.cync.canary.support.Percentages;
import dev.cync.canary.support.StateMarker;
import dev.cync.canary.time.Clock;
import dev.cync.canary.time.Scheduler;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link RolloutPlan} once a minute on the injected scheduler: feeds the SLO windows, checks
 * the new transport for the automatic rollback, and promotes, holds or rolls back stages by their
 * gates. Every transition is persisted, logged, audited (through the flags' audit log) and kept in
 * the timeline.
 *
 * <p>Threading and lock order: the minute tick and the operator's actions are serialised on this
 * object's monitor. While holding it, the controller calls into the flag store, whose locks are
 * leaves (contract C1), and never the reverse: the flag listener only queues the new state
 * (it never blocks nor takes this monitor), and the queue is worked through under the monitor at the
 * start of every tick, every operator action and every read of {@link #state} (and at once on the
 * rollout's scheduler). So an operator's rollback racing an automatic one can never deadlock.
 *
 * <p>Persistence: one {@link RolloutStateStore}, {@link RolloutStateFile} ({@code rollout.json}) on
 * one machine or the shared store on etcd; {@link RolloutStateWrites} decides when to write, and a
 * write that fails is counted ({@link #persistFailures}) and retried at the next tick, never in the
 * way of a transition. A state that cannot be trusted refuses the start, unless the operator starts
 * with {@code --reset-state rollout.json} (the plan then starts again from its first stage, paused).
 */
public final class RolloutController {

    private static final Logger log = LoggerFactory.getLogger(RolloutController.class);
    static final String NEW = Metrics.NEW;
    static final String LEGACY = Metrics.LEGACY;
    static final String ROLLOUT = "rollout";
    static final String AUTO = "auto-rollback";
    /** The rollout state file's name ({@link RolloutStateFile#NAME}), for callers that list the state files. */
    public static final String STATE_FILE = RolloutStateFile.NAME;
    /**
     * With no command on the new transport for this long, the stage is on a no-data hold: the hold is
     * dated from this long ago, and that time is taken back from the stage clock.
     */
    static final Duration QUIET_AFTER = Duration.ofHours(1);

    static final String NO_DATA_HOLD = "no data";
    static final String EVIDENCE_HOLD = "insufficient evidence";

    private final RolloutPlan plan;
    private final SloEvaluator evaluator;
    private final SloSpec spec;
    private final Flags flags;
    private final Clock clock;
    private final Metrics metrics;
    /** Where the state is kept ({@code rollout.json} or the shared store), or null: nowhere (rehearsals). */
    private final RolloutStateStore stateStore;
    /** When the state goes to {@link #stateStore}, and the writes that failed. */
    private final RolloutStateWrites writes;

    private final Notifier notifier;
    private final Runnable beforeTick;
    private final AutoRollbackCheck autoCheck;
    private final GateEvaluator gates;
    /** The kind of the hold in force ({@link #NO_DATA_HOLD} or {@link #EVIDENCE_HOLD}), null when none. */
    private String holdKind;

    private final List<Consumer<RolloutState.Event>> listeners = new CopyOnWriteArrayList<>();
    private RolloutState state;
    private Instant lastTick;
    private Scheduler.Cancellable ticker;
    private List<Check> lastNewChecks = List.of();
    private String lastAutoCheck = "no check yet";
    /**
     * Versions of the flag changes this controller made itself (a promotion, a resume, a retry, an
     * abort), possibly in an operator's name: those are not changes "made elsewhere". Guarded by this.
     */
    private final Set<Long> ownChanges = new HashSet<>();
    /** Flag states the listener queued, worked through under this object's monitor. */
    private final ConcurrentLinkedQueue<FlagState> flagChanges = new ConcurrentLinkedQueue<>();

    private Scheduler scheduler;

    public RolloutController(
            RolloutPlan plan,
            SloEvaluator evaluator,
            Flags flags,
            Clock clock,
            Metrics metrics,
            Path stateFile,
            Notifier notifier,
            Runnable beforeTick) {
        this(plan, evaluator, flags, clock, metrics, stateFile, null, DurableFiles.DISK, notifier, beforeTick);
    }

    /**
     * @param stateFile {@code rollout.json}, or null to keep nothing (rehearsals)
     * @param marker the state directory's marker (null: no marker, e.g. a test's own directory)
     * @param writer how the state reaches the disk
     */
    public RolloutController(
            RolloutPlan plan,
            SloEvaluator evaluator,
            Flags flags,
            Clock clock,
            Metrics metrics,
            Path stateFile,
            StateMarker marker,
            DurableFiles.Writer writer,
            Notifier notifier,
            Runnable beforeTick) {
        this(
                plan,
                evaluator,
                flags,
                clock,
                metrics,
                stateFile == null ? null : new RolloutStateFile(stateFile, marker, writer),
                notifier,
                beforeTick);
    }

    /**
     * With the state kept in {@code stateStore} (shared by the replicas on etcd) instead of a file.
     * Writes that fail are counted like the file's ({@link #persistFailures}) and retried at the next tick.
     */
    public static RolloutController shared(
            RolloutPlan plan,
            SloEvaluator evaluator,
            Flags flags,
            Clock clock,
            Metrics metrics,
            RolloutStateStore stateStore,
            Notifier notifier,
            Runnable beforeTick) {
        return new RolloutController(plan, evaluator, flags, clock, metrics, stateStore, notifier, beforeTick);
    }

    /**
     * With the state kept in {@code stateStore}: a {@link RolloutStateFile} on one machine, the shared
     * store on etcd, or null to keep nothing (rehearsals). Private: an 8-argument public twin of the
     * file constructor would make its {@code null} ambiguous.
     */
    private RolloutController(
            RolloutPlan plan,
            SloEvaluator evaluator,
            Flags flags,
            Clock clock,
            Metrics metrics,
            RolloutStateStore stateStore,
            Notifier notifier,
            Runnable beforeTick) {
        this.stateStore = stateStore;
        this.writes = new RolloutStateWrites(stateStore);
        this.plan = plan;
        this.evaluator = evaluator;
        this.spec = evaluator.spec();
        this.flags = flags;
        this.clock = clock;
        this.metrics = metrics;
        this.notifier = notifier;
        this.beforeTick = beforeTick;
        this.autoCheck = new AutoRollbackCheck(spec, evaluator.windows());
        this.gates = new GateEvaluator(evaluator);
    }

    /** Loads the persisted state (or starts the plan at its first stage) and ticks every minute. */
    public synchronized RolloutController start(Scheduler scheduler) throws IOException {
        this.scheduler = scheduler;
        lastTick = clock.instant();
        RolloutStateStore.Found found =
                stateStore == null ? new RolloutStateStore.Found(null, null) : stateStore.open(plan);
        state = found.state();
        String problem = found.resetBecause();
        if (state != null) {
            holdKind = state.status() == RolloutState.Status.HOLD ? lastHoldKind() : null;
            log.info(
                    "rollout {}: continuing {} in stage {} after {} of {}",
                    plan.name(),
                    state.status(),
                    stage().name(),
                    Durations.format(Duration.ofMillis(state.stageElapsedMillis())),
                    Durations.format(stage().minDuration()));
        } else if (problem != null) {
            // --reset-state rollout.json: the plan starts again from its first stage, paused, and the flags stay as
            // they are.
            String why = "rollout state reset by an operator (--reset-state " + STATE_FILE + "): " + problem
                    + "; the plan waits at its first stage until an operator resumes it";
            state = new RolloutState(plan.name(), RolloutState.Status.PAUSED, 0, 0, 0, null, -1, why, List.of());
            own(flags.audit(
                    "operator:--reset-state",
                    FileFlagStore.RESET_STATE,
                    STATE_FILE + " " + problem,
                    "plan " + plan.name() + " paused at " + stage().name(),
                    "started with --reset-state " + STATE_FILE));
            event(RolloutEvent.RESET, why);
            log.warn("rollout {}", why);
        } else {
            state = new RolloutState(plan.name(), RolloutState.Status.RUNNING, 0, 0, 0, null, -1, "started", List.of());
            event(RolloutEvent.START, "plan " + plan.name() + " started");
            if (!flags.current().rollbackSticky()) {
                applyStage(stage(), ROLLOUT, "rollout " + plan.name() + " entered stage " + stage().name());
            }
        }
        if (flags.current().rollbackSticky() && state.status() != RolloutState.Status.ROLLED_BACK) {
            // The flags hold a rollback (an automatic one, or a reset): a plan never starts moving traffic over it.
            String why = "the flags hold a rollback (" + flags.current().summary()
                    + "); the plan waits until an operator resumes it";
            state = state.to(RolloutState.Status.ROLLED_BACK)
                    .failures(0)
                    .failedStage(state.stage())
                    .reason(why)
                    .apply();
            event(RolloutEvent.HELD_BY_ROLLBACK, why);
            log.warn("rollout {}: {}", plan.name(), why);
        }
        // The changes made above reached no listener of this controller: nothing to recognise later.
        ownChanges.clear();
        flags.store().addListener(this::flagsChanged);
        publishStage();
        persist();
        ticker = scheduler.scheduleAtFixedRate(this::tick, Duration.ofMinutes(1));
        return this;
    }

    public void addListener(Consumer<RolloutState.Event> l) {
        listeners.add(l);
    }

    public synchronized RolloutState state() {
        applyFlagChanges();
        return state;
    }

    /**
     * This replica has just become the leader again: continue from the shared state the previous
     * leader left (its stage and watched time), counting time from now. Flag changes queued while
     * following are dropped: the leader of that time judged them, and its judgement is in the state.
     */
    public synchronized void takeOver() throws IOException {
        flagChanges.clear();
        ownChanges.clear();
        state = stateStore.open(plan).state();
        holdKind = state.status() == RolloutState.Status.HOLD ? lastHoldKind() : null;
        lastTick = clock.instant();
        writes.loaded(state);
        publishStage();
        log.info(
                "rollout {}: this replica leads now; {} in stage {} after {} of {}",
                plan.name(),
                state.status(),
                stage().name(),
                Durations.format(Duration.ofMillis(state.stageElapsedMillis())),
                Durations.format(stage().minDuration()));
    }

    public RolloutPlan plan() {
        return plan;
    }

    public synchronized String lastAutoCheck() {
        return lastAutoCheck;
    }

    public RolloutPlan.Stage stage() {
        return plan.stages().get(state.stage());
    }

    /** One gate of the current stage as it would be judged now: the gate, pass/fail/no_data, and why. */
    public record GateState(String gate, String result, String detail) {}

    /**
     * Each gate of the current stage judged now, on the checks of the last tick (for the status page).
     * Reading only: it changes no state, so the stage is still judged at its minute tick as before.
     */
    public synchronized List<GateState> gateStates() {
        Instant now = clock.instant();
        List<GateState> out = new ArrayList<>();
        for (RolloutPlan.Gate g : stage().gates()) {
            GateEvaluator.Verdict v =
                    gates.judge(g, Duration.ofMillis(state.stageElapsedMillis()), state.lastSloFailureAt(), now);
            out.add(new GateState(g.describe(), v.result().label(), v.detail()));
        }
        return out;
    }

    public void stop() {
        if (ticker != null) {
            ticker.cancel();
        }
    }

    // ---- the minute tick ----

    public synchronized void tick() {
        applyFlagChanges();
        try {
            tickUnsafe();
        } catch (RuntimeException e) {
            log.error("rollout tick failed; it runs again in a minute", e);
        }
    }

    private void tickUnsafe() {
        Instant now = clock.instant();
        long delta = Math.max(0, Duration.between(lastTick, now).toMillis());
        lastTick = now;
        beforeTick.run();
        long nowMs = now.toEpochMilli();
        lastNewChecks = evaluator.checks(NEW, nowMs);
        publishChecks(lastNewChecks, evaluator.checks(LEGACY, nowMs));
        Instant lastFail = state.lastSloFailureAt();
        if (lastNewChecks.stream().anyMatch(c -> c.result() == Check.Result.FAIL)) {
            lastFail = now;
        }
        state = state.to(state.status()).lastFailureAt(lastFail).apply();
        // The watch never stops while any device is on the new transport: running, held, paused or
        // complete plan, or a percentage set by hand (docs/design.md rule 7).
        if (onNewTransport(flags.current())) {
            autoRollbackCheck(nowMs);
        } else {
            lastAutoCheck = "not watching: no device is on the new transport";
        }
        RolloutState.Status s = state.status();
        if (s == RolloutState.Status.RUNNING || s == RolloutState.Status.HOLD) {
            advanceStage(now, delta);
        }
        // Transitions are persisted as they happen; the stage clock as often as the store asks.
        writes.afterTick(state);
    }

    /** Whether any device is routed to the new transport by these flags. */
    static boolean onNewTransport(FlagState f) {
        return !f.killSwitch() && (f.percentageBasisPoints() > 0 || !f.cohort().isEmpty());
    }

    private void autoRollbackCheck(long nowMs) {
        SloSpec.AutoRollback a = spec.autoRollback();
        AutoRollbackCheck.Result r = autoCheck.check(NEW, nowMs);
        int fails = state.consecutiveFailures();
        switch (r.result()) {
            case FAIL -> {
                fails++;
                lastAutoCheck = "FAIL (" + fails + " of " + a.consecutiveFailures() + "): " + r.detail();
                log.warn("automatic rollback check {}", lastAutoCheck);
            }
            case NO_DATA -> lastAutoCheck = r.detail() + "; the count stays at " + fails;
            case PASS -> {
                fails = 0;
                lastAutoCheck = "PASS";
            }
            default -> throw new IllegalStateException(r.result().toString());
        }
        state = state.to(state.status()).failures(fails).apply();
        if (fails >= a.consecutiveFailures()) {
            autoRollback(r.detail());
        }
    }

    private void autoRollback(String why) {
        String from = currentPercent();
        String reason =
                spec.autoRollback().consecutiveFailures() + " consecutive failed checks of the new transport: " + why;
        log.error("AUTOMATIC ROLLBACK in stage {} from {}% to 0%: {}", stage().name(), from, reason);
        own(flags.rollback(AUTO, reason, true));
        metrics.rollback("auto");
        endHold("the canary was rolled back");
        state = state.to(RolloutState.Status.ROLLED_BACK)
                .stage(0)
                .elapsedMillis(0)
                .failures(0)
                .failedStage(state.stage())
                .reason(reason)
                .apply();
        event(RolloutEvent.AUTO_ROLLBACK, reason);
        notifier.rolledBack(new Notifier.Rollback(
                clock.instant(), "auto", plan.stages().get(state.failedStage()).name(), from, "0", reason));
        publishStage();
    }

    /**
     * One minute of a running or held stage: the stage clock counts only time with data; a quiet
     * hour starts a no-data hold (dated from the start of the quiet); past the minimum the gates
     * decide; past the maximum the plan pauses and asks an operator.
     */
    private void advanceStage(Instant now, long delta) {
        long nowMs = now.toEpochMilli();
        Objective success = spec.objective(Objective.Kind.SUCCESS);
        long elapsed = state.stageElapsedMillis();
        long held = state.stageHeldMillis();
        // Quiet means an hour without commands: a stage watched for less than an hour has not seen one
        // (the plan's first minute, with nothing on the new transport yet, is not a quiet hour).
        boolean quiet = elapsed + held + delta >= QUIET_AFTER.toMillis()
                && evaluator.windows().ratio(success, NEW, QUIET_AFTER, nowMs).total() == 0;
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
            promote(ROLLOUT, "gates passed: " + String.join("; ", passed));
        }
    }

    /** Starts a hold dated {@code since}: recorded in the timeline, logged, and the status says HOLD. */
    private void startHold(String kind, String why, Instant since) {
        holdKind = kind;
        state = state.to(RolloutState.Status.HOLD).reason(why).apply();
        event(RolloutEvent.HOLD, why, since);
        publishStage();
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
        publishStage();
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
        audit(ROLLOUT, "rollout_overdue", why);
        state = state.to(RolloutState.Status.PAUSED)
                .elapsedMillis(elapsed)
                .reason(why)
                .apply();
        event(RolloutEvent.OVERDUE, why);
        log.error("rollout needs an operator: {}", why);
        publishStage();
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
            own(flags.setPercentage(ROLLOUT, 0, "gate failed in " + stage().name() + ": " + why));
            own(flags.darkLaunch(ROLLOUT, false, null, "gate failed in " + stage().name() + ": " + why));
        } else {
            applyStage(
                    stage(),
                    ROLLOUT,
                    "gate failed in " + plan.stages().get(failed).name() + ": " + why);
        }
        metrics.rollback("gate");
        event(RolloutEvent.GATE_FAILED, why);
        notifier.rolledBack(new Notifier.Rollback(
                clock.instant(), "gate", plan.stages().get(failed).name(), from, currentPercent(), why));
        publishStage();
    }

    private void promote(String actor, String why) {
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
            applyStage(stage(), actor, "promoted to " + stage().name() + ": " + why);
            event(RolloutEvent.PROMOTE, why);
            log.info("rollout promoted to {} ({}%): {}", stage().name(), currentPercent(), why);
        }
        publishStage();
    }

    private void applyStage(RolloutPlan.Stage s, String actor, String reason) {
        FlagState f = flags.current();
        if (f.percentageBasisPoints() != s.percentageBasisPoints()
                || f.killSwitch() != (s.percentageBasisPoints() == 0)
                || f.rollbackSticky()) {
            own(flags.setPercentage(actor, s.percentageBasisPoints(), reason));
        }
        if (f.darkLaunch() != s.darkLaunch()
                || (s.darkLaunch() && f.darkLaunchBasisPoints() != s.darkLaunchBasisPoints())) {
            own(flags.darkLaunch(actor, s.darkLaunch(), s.darkLaunchBasisPoints(), reason));
        }
    }

    /** Marks a flag change as this controller's own, so the listener does not take it for an operator's. */
    private FlagState own(FlagState committed) {
        ownChanges.add(committed.version());
        return committed;
    }

    private String currentPercent() {
        FlagState f = flags.current();
        return f.killSwitch() ? "0" : Percentages.fromBasisPoints(f.percentageBasisPoints());
    }

    /**
     * An operator outranks the plan. A rollback made elsewhere (API, CLI, environment) stops the plan
     * where it is; a canary percentage set by hand pauses it, so the next promotion does not
     * silently undo the operator's choice ({@code resume} hands control back).
     */
    private void flagsChanged(FlagState f) {
        // Called by the flag store outside its locks, possibly while another thread holds this
        // object's monitor (a tick rolling back): queue, never block.
        flagChanges.add(f);
        Scheduler s = scheduler;
        if (s != null) {
            s.schedule(this::applyFlagChanges, Duration.ZERO);
        }
    }

    /** Works through the flag changes the listener queued, in order. */
    public synchronized void applyFlagChanges() {
        FlagState f;
        while ((f = flagChanges.poll()) != null) {
            var c = f.lastChange();
            if (ownChanges.remove(f.version())
                    || c == null
                    || c.actor().equals(ROLLOUT)
                    || c.actor().equals(AUTO)) {
                continue;
            }
            RolloutState.Status s = state.status();
            if (s == RolloutState.Status.ROLLED_BACK || s == RolloutState.Status.COMPLETE) {
                continue;
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
                publishStage();
                persist();
            } else if (c.action().equals("set_percentage") && s != RolloutState.Status.PAUSED) {
                endHold("paused by hand");
                String why = c.actor() + " set the canary to " + c.newValue() + " by hand (" + c.reason()
                        + "); the plan is paused until an operator resumes it";
                state = state.to(RolloutState.Status.PAUSED).reason(why).apply();
                event(RolloutEvent.PAUSE, why);
                log.warn("rollout paused: {}", why);
                publishStage();
                persist();
            }
        }
    }

    // ---- operator actions ----

    public synchronized RolloutState pause(String actor, String reason) {
        applyFlagChanges();
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
        publishStage();
        persist();
        return state;
    }

    public synchronized RolloutState resume(String actor, String reason) {
        applyFlagChanges();
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
            applyStage(stage(), actor, "resumed in " + stage().name() + ": " + reason);
        }
        event(RolloutEvent.RESUME, "by " + actor + ": " + reason);
        publishStage();
        persist();
        return state;
    }

    public synchronized RolloutState promote(String actor, String reason, boolean operator) {
        applyFlagChanges();
        require(state.status() != RolloutState.Status.COMPLETE, "promote", "not complete");
        promote(actor, "promoted by " + actor + ": " + reason);
        persist();
        return state;
    }

    public synchronized RolloutState abort(String actor, String reason) {
        applyFlagChanges();
        require(state.status() != RolloutState.Status.COMPLETE, "abort", "not complete");
        endHold("aborted by " + actor);
        String from = currentPercent();
        own(flags.rollback(actor, "rollout aborted: " + reason, false));
        metrics.rollback("manual");
        state = state.to(RolloutState.Status.ROLLED_BACK)
                .elapsedMillis(0)
                .failures(0)
                .failedStage(state.stage())
                .reason("aborted by " + actor + ": " + reason)
                .apply();
        event(RolloutEvent.ABORT, "by " + actor + ": " + reason);
        notifier.rolledBack(new Notifier.Rollback(clock.instant(), "manual", stage().name(), from, "0", reason));
        publishStage();
        persist();
        return state;
    }

    public synchronized RolloutState retry(String actor, String reason) {
        applyFlagChanges();
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
        applyStage(stage(), actor, "retrying stage " + stage().name() + ": " + reason);
        event(RolloutEvent.RETRY, "by " + actor + ": " + reason);
        publishStage();
        persist();
        return state;
    }

    private void require(boolean ok, String action, String when) {
        if (!ok) {
            throw new IllegalStateException("cannot " + action + " a rollout that is "
                    + state.status().name().toLowerCase(Locale.ROOT) + " (only when " + when + ")");
        }
    }

    private void audit(String actor, String action, String reason) {
        own(flags.audit(actor, action, state.status().name(), stage().name(), reason));
    }

    // ---- timeline, metrics, persistence ----

    private void event(RolloutEvent name, String reason) {
        event(name, reason, clock.instant());
    }

    private void event(RolloutEvent name, String reason, Instant at) {
        RolloutState.Event e = new RolloutState.Event(at, name, stage().name(), currentPercent(), reason);
        List<RolloutState.Event> h = new ArrayList<>(state.history());
        h.add(e);
        if (h.size() > 500) {
            h.remove(0);
        }
        state = state.to(state.status()).history(h).apply();
        for (Consumer<RolloutState.Event> l : listeners) {
            l.accept(e);
        }
    }

    private void publishStage() {
        List<String> names = new ArrayList<>();
        plan.stages().forEach(s -> names.add(s.name()));
        names.add("rolled_back");
        names.add("complete");
        String status = overdueNow() ? "overdue" : state.status().name().toLowerCase(Locale.ROOT);
        String current = switch (state.status()) {
            case ROLLED_BACK -> "rolled_back";
            case COMPLETE -> "complete";
            default -> stage().name();
        };
        metrics.rolloutStage(current, names);
        metrics.rolloutStatus(status, STATUSES);
    }

    /** The values of {@code canary_rollout_status}: "overdue" is a pause by the plan itself, asking an operator. */
    public static final List<String> STATUSES =
            List.of("running", "hold", "paused", "overdue", "rolled_back", "complete");

    /** Paused because the stage ran past its maximum length (the latest pause is the plan's own). */
    private boolean overdueNow() {
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

    private void publishChecks(List<Check> fresh, List<Check> legacy) {
        List<String> results = List.of("pass", "fail", "no_data");
        for (Check c : fresh) {
            metrics.sloCheck(c.objective().name(), c.result().label(), results);
            metrics.errorBudgetRemaining(c.objective().name(), NEW, c.budgetRemaining());
        }
        for (Check c : legacy) {
            metrics.errorBudgetRemaining(c.objective().name(), LEGACY, c.budgetRemaining());
        }
    }

    /** Writes the state now (see {@link RolloutStateWrites}: a failure is counted and retried at the next tick). */
    private void persist() {
        writes.write(state);
    }

    /** Rollout state writes that failed since the start (each retried at the next tick). */
    public long persistFailures() {
        return writes.failures();
    }

    /** True while the state in memory is not on disk (the last write failed). */
    public synchronized boolean persistPending() {
        return writes.pending(state);
    }
}
