package dev.cync.canary.rollout;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cync.canary.flags.AtomicFiles;
import dev.cync.canary.flags.FlagState;
import dev.cync.canary.flags.FlagValues;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.slo.Check;
import dev.cync.canary.slo.Objective;
import dev.cync.canary.slo.Ratio;
import dev.cync.canary.slo.SloEvaluator;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.time.Clock;
import dev.cync.canary.time.Durations;
import dev.cync.canary.time.Scheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * <p>Threading: the minute tick and the operator's actions are serialised on this object.
 */
public final class RolloutController {

    private static final Logger log = LoggerFactory.getLogger(RolloutController.class);
    static final String NEW = Metrics.NEW;
    static final String LEGACY = Metrics.LEGACY;
    static final String ROLLOUT = "rollout";
    static final String AUTO = "auto-rollback";
    /** How unlikely a miss must be under the target before a check calls it a FAIL. */
    static final double SIGNIFICANCE = 0.01;

    private final RolloutPlan plan;
    private final SloEvaluator evaluator;
    private final SloSpec spec;
    private final Flags flags;
    private final Clock clock;
    private final Metrics metrics;
    private final Path stateFile;
    private final RolloutStateStore stateStore;
    private final Notifier notifier;
    private final Runnable beforeTick;
    private final List<Consumer<RolloutState.Event>> listeners = new CopyOnWriteArrayList<>();
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private RolloutState state;
    private Instant lastTick;
    private Scheduler.Cancellable ticker;
    private List<Check> lastNewChecks = List.of();
    private String lastAutoCheck = "no check yet";
    static final int PERSIST_EVERY_TICKS = 10;
    private int ticksSincePersist;
    /**
     * True while this controller changes the flags itself (a promotion, a resume, a retry, an abort),
     * possibly in an operator's name: those are not changes "made elsewhere". Flag listeners run on
     * the changing thread, inside this object's lock, so a plain field is enough.
     */
    private boolean selfChange;
    private RolloutState lastPersisted;

    public RolloutController(RolloutPlan plan, SloEvaluator evaluator, Flags flags, Clock clock, Metrics metrics, Path stateFile,
            Notifier notifier, Runnable beforeTick) {
        this(plan, evaluator, flags, clock, metrics, stateFile, null, notifier, beforeTick);
    }

    /** With the state kept in {@code stateStore} (shared by the replicas) instead of a file. */
    public static RolloutController shared(RolloutPlan plan, SloEvaluator evaluator, Flags flags, Clock clock, Metrics metrics,
            RolloutStateStore stateStore, Notifier notifier, Runnable beforeTick) {
        return new RolloutController(plan, evaluator, flags, clock, metrics, null, stateStore, notifier, beforeTick);
    }

    private RolloutController(RolloutPlan plan, SloEvaluator evaluator, Flags flags, Clock clock, Metrics metrics, Path stateFile,
            RolloutStateStore stateStore, Notifier notifier, Runnable beforeTick) {
        this.stateStore = stateStore;
        this.plan = plan;
        this.evaluator = evaluator;
        this.spec = evaluator.spec();
        this.flags = flags;
        this.clock = clock;
        this.metrics = metrics;
        this.stateFile = stateFile;
        this.notifier = notifier;
        this.beforeTick = beforeTick;
    }

    /** Loads the persisted state (or starts the plan at its first stage) and ticks every minute. */
    public synchronized RolloutController start(Scheduler scheduler) throws IOException {
        lastTick = clock.instant();
        RolloutState saved = loadSaved();
        if (saved != null) {
            state = saved;
            log.info("rollout {}: continuing {} in stage {} after {} of {}", plan.name(), state.status(), stage().name(),
                    Durations.format(Duration.ofMillis(state.stageElapsedMillis())), Durations.format(stage().minDuration()));
        } else {
            state = new RolloutState(plan.name(), RolloutState.Status.RUNNING, 0, 0, 0, null, -1, "started", List.of());
            event("start", "plan " + plan.name() + " started");
            applyStage(stage(), ROLLOUT, "rollout " + plan.name() + " entered stage " + stage().name());
        }
        flags.store().addListener(this::flagsChanged);
        publishStage();
        persist();
        ticker = scheduler.scheduleAtFixedRate(this::tick, Duration.ofMinutes(1));
        return this;
    }

    private RolloutState loadSaved() throws IOException {
        RolloutState saved = null;
        String where = stateFile != null ? stateFile.toString() : "the shared rollout state";
        if (stateStore != null) {
            saved = stateStore.load().orElse(null);
        } else if (stateFile != null && Files.exists(stateFile)) {
            saved = json.readValue(stateFile.toFile(), RolloutState.class);
        }
        if (saved != null && !saved.plan().equals(plan.name())) {
            throw new IllegalArgumentException(where + " belongs to plan '" + saved.plan() + "', not '" + plan.name()
                    + "'; move it away to start the new plan");
        }
        return saved;
    }

    /**
     * This replica has just become the leader: continue from the shared state the previous leader
     * left (its stage and watched time), counting time from now.
     */
    public synchronized void takeOver() throws IOException {
        RolloutState saved = loadSaved();
        if (saved != null) {
            state = saved;
        }
        lastTick = clock.instant();
        publishStage();
        log.info("rollout {}: this replica leads now; {} in stage {} after {} of {}", plan.name(), state.status(), stage().name(),
                Durations.format(Duration.ofMillis(state.stageElapsedMillis())), Durations.format(stage().minDuration()));
    }

    public void addListener(Consumer<RolloutState.Event> l) {
        listeners.add(l);
    }

    public synchronized RolloutState state() {
        return state;
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

    public void stop() {
        if (ticker != null) {
            ticker.cancel();
        }
    }

    // ---- the minute tick ----

    public synchronized void tick() {
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
        state = state.with(state.status(), state.stage(), state.stageElapsedMillis(), state.consecutiveFailures(), lastFail,
                state.failedStage(), state.reason(), state.history());
        RolloutState.Status s = state.status();
        if (s != RolloutState.Status.ROLLED_BACK && s != RolloutState.Status.COMPLETE && stage().percentageBasisPoints() > 0) {
            autoRollbackCheck(nowMs);
        }
        s = state.status();
        if (s == RolloutState.Status.RUNNING || s == RolloutState.Status.HOLD) {
            state = state.with(s, state.stage(), state.stageElapsedMillis() + delta, state.consecutiveFailures(),
                    state.lastSloFailureAt(), state.failedStage(), state.reason(), state.history());
            if (state.stageElapsedMillis() >= stage().minDuration().toMillis()) {
                judgeStage(nowMs);
            }
        }
        // Transitions are persisted as they happen; the stage clock every ten ticks, so a crash
        // costs at most ten minutes of a stage's watched time, not a forced write every minute.
        if (++ticksSincePersist >= PERSIST_EVERY_TICKS || !sameApartFromTheClock(state, lastPersisted)) {
            persist();
        }
    }

    private void autoRollbackCheck(long nowMs) {
        SloSpec.AutoRollback a = spec.autoRollback();
        List<String> failures = new ArrayList<>();
        Objective success = spec.objective(Objective.Kind.SUCCESS);
        Ratio recent = evaluator.windows().ratio(success, NEW, a.successWindow(), nowMs);
        boolean enough = recent.total() >= a.minEvents();
        // A miss counts only with evidence (p < 1%): one unlucky failure in a small window is not a trend,
        // and the sliding window would otherwise show that one failure to ten checks in a row.
        if (enough && !recent.meets(a.successThresholdPpm()) && recent.missProbability(a.successThresholdPpm()) < SIGNIFICANCE) {
            failures.add(String.format(Locale.ROOT, "success %.3f%% < %s%% over %s (%d of %d, p=%.2g)", 100 * recent.value(),
                    FlagValues.formatPercentage((int) (a.successThresholdPpm() / 100)), Durations.format(a.successWindow()),
                    recent.good(), recent.total(), recent.missProbability(a.successThresholdPpm())));
        }
        Objective latency = spec.objective(Objective.Kind.LATENCY);
        if (latency != null) {
            Ratio fast = evaluator.windows().ratio(latency, NEW, a.successWindow(), nowMs);
            if (enough && !fast.meets(latency.targetPpm()) && fast.missProbability(latency.targetPpm()) < SIGNIFICANCE) {
                failures.add(String.format(Locale.ROOT, "latency good ratio %.3f%% < %s%% within %d ms over %s", 100 * fast.value(),
                        latency.targetPercent(), latency.threshold().toMillis(), Durations.format(a.successWindow())));
            }
        }
        double longBurn = evaluator.windows().ratio(success, NEW, a.fastBurnLongWindow(), nowMs).burnRate(success.targetPpm());
        double shortBurn = evaluator.windows().ratio(success, NEW, a.fastBurnShortWindow(), nowMs).burnRate(success.targetPpm());
        if (enough && longBurn > a.fastBurnRate() && shortBurn > a.fastBurnRate()) {
            failures.add(String.format(Locale.ROOT, "fast burn %.1fx over %s and %.1fx over %s (> %.1fx)", longBurn,
                    Durations.format(a.fastBurnLongWindow()), shortBurn, Durations.format(a.fastBurnShortWindow()), a.fastBurnRate()));
        }
        int fails = state.consecutiveFailures();
        if (!failures.isEmpty()) {
            fails++;
            lastAutoCheck = "FAIL (" + fails + " of " + a.consecutiveFailures() + "): " + String.join("; ", failures);
            log.warn("automatic rollback check {} ", lastAutoCheck);
        } else if (!enough) {
            lastAutoCheck = "NO_DATA: " + recent.total() + " commands on the new transport over " + Durations.format(a.successWindow())
                    + " (need " + a.minEvents() + "); the count stays at " + fails;
        } else {
            fails = 0;
            lastAutoCheck = "PASS";
        }
        state = state.with(state.status(), state.stage(), state.stageElapsedMillis(), fails, state.lastSloFailureAt(),
                state.failedStage(), state.reason(), state.history());
        if (fails >= a.consecutiveFailures()) {
            autoRollback(String.join("; ", failures));
        }
    }

    private void autoRollback(String why) {
        String from = currentPercent();
        String reason = spec.autoRollback().consecutiveFailures() + " consecutive failed checks of the new transport: " + why;
        log.error("AUTOMATIC ROLLBACK in stage {} from {}% to 0%: {}", stage().name(), from, reason);
        flags.rollback(AUTO, reason, true);
        metrics.rollback("auto");
        state = state.with(RolloutState.Status.ROLLED_BACK, 0, 0, 0, state.lastSloFailureAt(), state.stage(), reason, state.history());
        event("auto_rollback", reason);
        notifier.rolledBack(new Notifier.Rollback(clock.instant(), "auto", plan.stages().get(state.failedStage()).name(), from, "0", reason));
        publishStage();
    }

    private void judgeStage(long nowMs) {
        List<String> failed = new ArrayList<>();
        List<String> noData = new ArrayList<>();
        List<String> passed = new ArrayList<>();
        for (RolloutPlan.Gate g : stage().gates()) {
            GateVerdict v = gate(g, nowMs);
            (v.result == Check.Result.FAIL ? failed : v.result == Check.Result.NO_DATA ? noData : passed).add(g.describe() + ": " + v.detail);
        }
        if (!failed.isEmpty()) {
            gateFailed(String.join("; ", failed));
        } else if (!noData.isEmpty()) {
            String why = "no data for " + String.join("; ", noData);
            if (state.status() != RolloutState.Status.HOLD) {
                state = state.with(RolloutState.Status.HOLD, state.stage(), state.stageElapsedMillis(), state.consecutiveFailures(),
                        state.lastSloFailureAt(), state.failedStage(), why, state.history());
                event("hold", why);
                publishStage();
                log.warn("rollout holds in stage {}: {}", stage().name(), why);
            }
        } else {
            promote(ROLLOUT, "gates passed: " + String.join("; ", passed));
        }
    }

    private record GateVerdict(Check.Result result, String detail) {}

    private GateVerdict gate(RolloutPlan.Gate g, long nowMs) {
        Duration stageWindow = Duration.ofMillis(Math.max(60_000, Math.min(state.stageElapsedMillis(), Duration.ofDays(30).toMillis())));
        Objective success = spec.objective(Objective.Kind.SUCCESS);
        switch (g.type()) {
            case MIRROR_DATA -> {
                List<String> missing = new ArrayList<>();
                for (Objective o : spec.objectives()) {
                    if (evaluator.windows().ratio(o, NEW, stageWindow, nowMs).total() < spec.minEvents()) {
                        missing.add(o.name());
                    }
                }
                return missing.isEmpty() ? new GateVerdict(Check.Result.PASS, "data for every objective")
                        : new GateVerdict(Check.Result.NO_DATA, "too few events for " + String.join(", ", missing));
            }
            case NO_WORSE_THAN_LEGACY -> {
                Ratio n = evaluator.windows().ratio(success, NEW, stageWindow, nowMs);
                Ratio l = evaluator.windows().ratio(success, LEGACY, stageWindow, nowMs);
                if (n.total() < spec.minEvents() || l.total() < spec.minEvents()) {
                    return new GateVerdict(Check.Result.NO_DATA, n.total() + " new and " + l.total() + " legacy commands");
                }
                // new >= legacy - drop, exactly: n.good/n.total >= l.good/l.total - drop/10000
                boolean ok = n.good() * l.total() * 10_000 >= l.good() * n.total() * 10_000 - g.parameter() * n.total() * l.total();
                return new GateVerdict(ok ? Check.Result.PASS : Check.Result.FAIL,
                        String.format(Locale.ROOT, "new %.3f%% vs legacy %.3f%%", 100 * n.value(), 100 * l.value()));
            }
            case SUCCESS_RATE_AT_LEAST -> {
                Ratio n = evaluator.windows().ratio(success, NEW, stageWindow, nowMs);
                if (n.total() < spec.minEvents()) {
                    return new GateVerdict(Check.Result.NO_DATA, n.total() + " commands");
                }
                return new GateVerdict(n.meets(g.parameter() * 100) ? Check.Result.PASS : Check.Result.FAIL,
                        String.format(Locale.ROOT, "%.3f%% of %d", 100 * n.value(), n.total()));
            }
            case SLOS_MET -> {
                return slosMet();
            }
            case ERROR_BUDGET_ABOVE -> {
                GateVerdict met = slosMet();
                if (met.result == Check.Result.NO_DATA) {
                    return met;
                }
                List<String> low = new ArrayList<>();
                for (Check c : lastNewChecks) {
                    if (c.budgetRemaining() * 10_000 <= g.parameter()) {
                        low.add(String.format(Locale.ROOT, "%s %.1f%%", c.objective().name(), 100 * c.budgetRemaining()));
                    }
                }
                return low.isEmpty() ? new GateVerdict(Check.Result.PASS, "every budget above")
                        : new GateVerdict(Check.Result.FAIL, "budget left: " + String.join(", ", low));
            }
            case SLOS_MET_FOR -> {
                GateVerdict met = slosMet();
                if (met.result != Check.Result.PASS) {
                    return met;
                }
                Instant lastFail = state.lastSloFailureAt();
                Instant since = clock.instant().minusMillis(g.parameter());
                boolean ok = lastFail == null || lastFail.isBefore(since);
                return new GateVerdict(ok ? Check.Result.PASS : Check.Result.FAIL,
                        ok ? "no objective failed for " + Durations.format(Duration.ofMillis(g.parameter())) : "an objective failed at " + lastFail);
            }
            default -> throw new IllegalStateException(g.type().toString());
        }
    }

    private GateVerdict slosMet() {
        List<String> fail = new ArrayList<>();
        List<String> none = new ArrayList<>();
        for (Check c : lastNewChecks) {
            if (c.result() == Check.Result.FAIL) {
                fail.add(String.format(Locale.ROOT, "%s %.3f%% < %s%%", c.objective().name(), 100 * c.ratio().value(), c.objective().targetPercent()));
            } else if (c.result() == Check.Result.NO_DATA) {
                none.add(c.objective().name());
            }
        }
        if (!fail.isEmpty()) {
            return new GateVerdict(Check.Result.FAIL, String.join(", ", fail));
        }
        if (!none.isEmpty()) {
            return new GateVerdict(Check.Result.NO_DATA, "too few events for " + String.join(", ", none));
        }
        return new GateVerdict(Check.Result.PASS, "every objective met");
    }

    private void gateFailed(String why) {
        int target = plan.indexOf(stage().rollbackTo());
        String from = currentPercent();
        log.error("rollout gate FAILED in stage {}: {}; back to stage {}", stage().name(), why, plan.stages().get(target).name());
        int failed = state.stage();
        state = state.with(RolloutState.Status.ROLLED_BACK, target, 0, 0, state.lastSloFailureAt(), failed, "gate failed: " + why,
                state.history());
        if (target == failed) {
            flags.setPercentage(ROLLOUT, 0, "gate failed in " + stage().name() + ": " + why);
            flags.darkLaunch(ROLLOUT, false, null, "gate failed in " + stage().name() + ": " + why);
        } else {
            applyStage(stage(), ROLLOUT, "gate failed in " + plan.stages().get(failed).name() + ": " + why);
        }
        metrics.rollback("gate");
        event("gate_failed", why);
        notifier.rolledBack(new Notifier.Rollback(clock.instant(), "gate", plan.stages().get(failed).name(), from, currentPercent(), why));
        publishStage();
    }

    private void promote(String actor, String why) {
        if (state.stage() + 1 >= plan.stages().size()) {
            state = state.with(RolloutState.Status.COMPLETE, state.stage(), state.stageElapsedMillis(), 0, state.lastSloFailureAt(),
                    state.failedStage(), why, state.history());
            event("complete", why);
            log.info("rollout {} COMPLETE: {}", plan.name(), why);
        } else {
            state = state.with(RolloutState.Status.RUNNING, state.stage() + 1, 0, 0, state.lastSloFailureAt(), state.failedStage(),
                    why, state.history());
            applyStage(stage(), actor, "promoted to " + stage().name() + ": " + why);
            event("promote", why);
            log.info("rollout promoted to {} ({}%): {}", stage().name(), currentPercent(), why);
        }
        publishStage();
    }

    private void applyStage(RolloutPlan.Stage s, String actor, String reason) {
        selfChange = true;
        try {
            applyStageFlags(s, actor, reason);
        } finally {
            selfChange = false;
        }
    }

    private void applyStageFlags(RolloutPlan.Stage s, String actor, String reason) {
        FlagState f = flags.current();
        if (f.percentageBasisPoints() != s.percentageBasisPoints() || f.killSwitch() != (s.percentageBasisPoints() == 0) || f.rollbackSticky()) {
            flags.setPercentage(actor, s.percentageBasisPoints(), reason);
        }
        if (f.darkLaunch() != s.darkLaunch() || (s.darkLaunch() && f.darkLaunchBasisPoints() != s.darkLaunchBasisPoints())) {
            flags.darkLaunch(actor, s.darkLaunch(), s.darkLaunchBasisPoints(), reason);
        }
    }

    private String currentPercent() {
        FlagState f = flags.current();
        return f.killSwitch() ? "0" : FlagValues.formatPercentage(f.percentageBasisPoints());
    }

    /**
     * An operator outranks the plan. A rollback made elsewhere (API, CLI, environment) stops the plan
     * where it is; a canary percentage set by hand pauses it, so the next promotion does not
     * silently undo the operator's choice ({@code resume} hands control back).
     */
    private void flagsChanged(FlagState f) {
        var c = f.lastChange();
        if (selfChange || c == null || c.actor().equals(ROLLOUT) || c.actor().equals(AUTO)) {
            return;
        }
        synchronized (this) {
            RolloutState.Status s = state.status();
            if (s == RolloutState.Status.ROLLED_BACK || s == RolloutState.Status.COMPLETE) {
                return;
            }
            if (f.killSwitch() && stage().percentageBasisPoints() > 0) {
                state = state.with(RolloutState.Status.ROLLED_BACK, state.stage(), 0, 0, state.lastSloFailureAt(), state.stage(),
                        "rolled back by " + c.actor() + ": " + c.reason(), state.history());
                event("manual_rollback", "by " + c.actor() + ": " + c.reason());
                publishStage();
                persist();
            } else if (c.action().equals("set_percentage") && s != RolloutState.Status.PAUSED) {
                String why = c.actor() + " set the canary to " + c.newValue() + " by hand (" + c.reason()
                        + "); the plan is paused until an operator resumes it";
                state = state.with(RolloutState.Status.PAUSED, state.stage(), state.stageElapsedMillis(), state.consecutiveFailures(),
                        state.lastSloFailureAt(), state.failedStage(), why, state.history());
                event("pause", why);
                log.warn("rollout paused: {}", why);
                publishStage();
                persist();
            }
        }
    }

    // ---- operator actions ----

    public synchronized RolloutState pause(String actor, String reason) {
        require(state.status() == RolloutState.Status.RUNNING || state.status() == RolloutState.Status.HOLD, "pause", "running or holding");
        audit(actor, "rollout_pause", reason);
        state = state.with(RolloutState.Status.PAUSED, state.stage(), state.stageElapsedMillis(), state.consecutiveFailures(),
                state.lastSloFailureAt(), state.failedStage(), "paused by " + actor + ": " + reason, state.history());
        event("pause", "by " + actor + ": " + reason);
        publishStage();
        persist();
        return state;
    }

    public synchronized RolloutState resume(String actor, String reason) {
        require(state.status() == RolloutState.Status.PAUSED || state.status() == RolloutState.Status.ROLLED_BACK
                || state.status() == RolloutState.Status.HOLD, "resume", "paused, holding or rolled back");
        boolean wasRolledBack = state.status() == RolloutState.Status.ROLLED_BACK;
        audit(actor, "rollout_resume", reason);
        state = state.with(RolloutState.Status.RUNNING, state.stage(), state.stageElapsedMillis(), 0, state.lastSloFailureAt(),
                state.failedStage(), "resumed by " + actor + ": " + reason, state.history());
        if (wasRolledBack) {
            applyStage(stage(), actor, "resumed in " + stage().name() + ": " + reason);
        }
        event("resume", "by " + actor + ": " + reason);
        publishStage();
        persist();
        return state;
    }

    public synchronized RolloutState promote(String actor, String reason, boolean operator) {
        require(state.status() != RolloutState.Status.COMPLETE, "promote", "not complete");
        promote(actor, "promoted by " + actor + ": " + reason);
        persist();
        return state;
    }

    public synchronized RolloutState abort(String actor, String reason) {
        require(state.status() != RolloutState.Status.COMPLETE, "abort", "not complete");
        String from = currentPercent();
        selfChange = true;
        try {
            flags.rollback(actor, "rollout aborted: " + reason, false);
        } finally {
            selfChange = false;
        }
        metrics.rollback("manual");
        state = state.with(RolloutState.Status.ROLLED_BACK, state.stage(), 0, 0, state.lastSloFailureAt(), state.stage(),
                "aborted by " + actor + ": " + reason, state.history());
        event("abort", "by " + actor + ": " + reason);
        notifier.rolledBack(new Notifier.Rollback(clock.instant(), "manual", stage().name(), from, "0", reason));
        publishStage();
        persist();
        return state;
    }

    public synchronized RolloutState retry(String actor, String reason) {
        require(state.status() == RolloutState.Status.ROLLED_BACK, "retry", "rolled back");
        int again = state.failedStage() >= 0 ? state.failedStage() : state.stage();
        audit(actor, "rollout_retry", reason);
        state = state.with(RolloutState.Status.RUNNING, again, 0, 0, state.lastSloFailureAt(), -1, "retry by " + actor + ": " + reason,
                state.history());
        applyStage(stage(), actor, "retrying stage " + stage().name() + ": " + reason);
        event("retry", "by " + actor + ": " + reason);
        publishStage();
        persist();
        return state;
    }

    private void require(boolean ok, String action, String when) {
        if (!ok) {
            throw new IllegalStateException("cannot " + action + " a rollout that is " + state.status().name().toLowerCase(Locale.ROOT)
                    + " (only when " + when + ")");
        }
    }

    private void audit(String actor, String action, String reason) {
        flags.store().change(actor, action, state.status().name(), stage().name(), reason, b -> b);
    }

    // ---- timeline, metrics, persistence ----

    private void event(String name, String reason) {
        RolloutState.Event e = new RolloutState.Event(clock.instant(), name, stage().name(), currentPercent(), reason);
        List<RolloutState.Event> h = new ArrayList<>(state.history());
        h.add(e);
        if (h.size() > 500) {
            h.remove(0);
        }
        state = state.with(state.status(), state.stage(), state.stageElapsedMillis(), state.consecutiveFailures(), state.lastSloFailureAt(),
                state.failedStage(), state.reason(), h);
        for (Consumer<RolloutState.Event> l : listeners) {
            l.accept(e);
        }
    }

    private void publishStage() {
        List<String> names = new ArrayList<>();
        plan.stages().forEach(s -> names.add(s.name()));
        names.add("rolled_back");
        names.add("complete");
        String current = switch (state.status()) {
            case ROLLED_BACK -> "rolled_back";
            case COMPLETE -> "complete";
            default -> stage().name();
        };
        metrics.rolloutStage(current, names);
        metrics.rolloutStatus(state.status().name().toLowerCase(Locale.ROOT),
                List.of("running", "hold", "paused", "rolled_back", "complete"));
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

    private static boolean sameApartFromTheClock(RolloutState a, RolloutState b) {
        return b != null && a.status() == b.status() && a.stage() == b.stage() && a.consecutiveFailures() == b.consecutiveFailures()
                && a.failedStage() == b.failedStage() && a.history().size() == b.history().size()
                && java.util.Objects.equals(a.lastSloFailureAt(), b.lastSloFailureAt());
    }

    private void persist() {
        ticksSincePersist = 0;
        if (stateStore != null) {
            try {
                stateStore.save(state);
                lastPersisted = state;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot persist the rollout state: " + e.getMessage(), e);
            }
            return;
        }
        if (stateFile == null) {
            return;
        }
        try {
            AtomicFiles.write(stateFile, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
            lastPersisted = state;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist the rollout state to " + stateFile, e);
        }
    }
}
