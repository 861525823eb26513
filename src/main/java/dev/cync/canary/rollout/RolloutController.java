package dev.cync.canary.rollout;

import dev.cync.canary.flags.FlagState;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.slo.AutoRollbackCheck;
import dev.cync.canary.slo.Check;
import dev.cync.canary.slo.SloEvaluator;
import dev.cync.canary.support.DurableFiles;
import dev.cync.canary.support.Durations;
import dev.cync.canary.support.StateMarker;
import dev.cync.canary.time.Clock;
import dev.cync.canary.time.Scheduler;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link RolloutPlan} once a minute on the injected scheduler: feeds the SLO windows, runs
 * the automatic rollback check of the new transport, and lets the {@link StageMachine} promote, hold
 * or roll back stages by their gates. This class is the wiring around that machine: the lock, the
 * tick, the flags (and telling the operator's changes from its own), the metrics, the listeners and
 * the state store. Every transition is persisted, logged, audited (through the flags' audit log) and
 * kept in the timeline.
 *
 * <p>Threading and lock order: the minute tick and the operator's actions are serialised on this
 * object's monitor. While holding it, the controller calls into the flag store, whose locks are
 * leaves (contract C1), and never the reverse: the flag listener only queues the new state
 * (it never blocks nor takes this monitor), and the queue is worked through under the monitor at the
 * start of every tick, every operator action and every read of {@link #state} (and at once on the
 * rollout's scheduler). So an operator's rollback racing an automatic one can never deadlock. The
 * controller's own listeners get the timeline's entries after the monitor is released
 * ({@link EventDelivery}), in the order they were recorded.
 *
 * <p>Persistence: one {@link RolloutStateStore}, {@link RolloutStateFile} ({@code rollout.json}) on
 * one machine or the shared store on etcd; {@link RolloutStateWrites} decides when to write, and a
 * write that fails is counted ({@link #persistFailures}) and retried at the next tick, never in the
 * way of a transition. A state that cannot be trusted refuses the start, unless the operator starts
 * with {@code --reset-state rollout.json} (the plan then starts again from its first stage, paused).
 *
 * <p>Why one class: longer than 350 lines because it keeps the three ways its callers build it (a file, a file with
 * its marker and writer, a shared store) and one public method per operator action and read; each is
 * a few lines of wiring, and the transitions themselves are in {@link StageMachine}.
 */
public final class RolloutController {

    private static final Logger log = LoggerFactory.getLogger(RolloutController.class);
    static final String NEW = Metrics.NEW;
    static final String LEGACY = Metrics.LEGACY;
    static final String ROLLOUT = "rollout";
    static final String AUTO = "auto-rollback";
    /** The rollout state file's name ({@link RolloutStateFile#NAME}), for callers that list the state files. */
    public static final String STATE_FILE = RolloutStateFile.NAME;

    /** The values of {@code canary_rollout_status} ({@link RolloutMetrics#STATUSES}). */
    public static final List<String> STATUSES = RolloutMetrics.STATUSES;

    private final RolloutPlan plan;
    private final SloEvaluator evaluator;
    private final Flags flags;
    private final Clock clock;
    private final RolloutMetrics gauges;
    /** Where the state is kept ({@code rollout.json} or the shared store), or null: nowhere (rehearsals). */
    private final RolloutStateStore stateStore;
    /** When the state goes to {@link #stateStore}, and the writes that failed. */
    private final RolloutStateWrites writes;

    private final Runnable beforeTick;
    private final AutoRollbackCheck autoCheck;
    private final StageMachine machine;
    private final EventDelivery delivery = new EventDelivery();

    private Instant lastTick;
    private Scheduler.Cancellable ticker;
    private String lastAutoCheck = "no check yet";
    /** The flags as the transitions change them, and which changes were this controller's own. */
    private final RolloutFlags effects;
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
        this.flags = flags;
        this.clock = clock;
        this.gauges = new RolloutMetrics(metrics, plan);
        this.beforeTick = beforeTick;
        this.autoCheck = new AutoRollbackCheck(evaluator.spec(), evaluator.windows());
        this.effects = new RolloutFlags(flags, metrics, notifier);
        this.machine = new StageMachine(plan, evaluator, clock, effects, delivery::enqueue);
    }

    /** Loads the persisted state (or starts the plan at its first stage) and ticks every minute. */
    public RolloutController start(Scheduler scheduler) throws IOException {
        synchronized (this) {
            this.scheduler = scheduler;
            lastTick = clock.instant();
            RolloutStateStore.Found found =
                    stateStore == null ? new RolloutStateStore.Found(null, null) : stateStore.open(plan);
            machine.start(found.state(), found.resetBecause());
            // The changes made above reached no listener of this controller: nothing to recognise later.
            effects.forgetOwnChanges();
            flags.store().addListener(this::flagsChanged);
            publishStage();
            persist();
            ticker = scheduler.scheduleAtFixedRate(this::tick, Duration.ofMinutes(1));
        }
        delivery.deliver();
        return this;
    }

    /** Gets every entry of the timeline from now on, outside the controller's monitor, in order. */
    public void addListener(Consumer<RolloutState.Event> l) {
        delivery.addListener(l);
    }

    public RolloutState state() {
        return locked(() -> {
            applyQueuedFlagChanges();
            return machine.state();
        });
    }

    /**
     * This replica has just become the leader again: continue from the shared state the previous
     * leader left (its stage and watched time), counting time from now. Flag changes queued while
     * following are dropped: the leader of that time judged them, and its judgement is in the state.
     */
    public synchronized void takeOver() throws IOException {
        flagChanges.clear();
        effects.forgetOwnChanges();
        RolloutState loaded = stateStore.open(plan).state();
        machine.continueFrom(loaded != null ? loaded : machine.state());
        lastTick = clock.instant();
        writes.loaded(machine.state());
        publishStage();
        log.info(
                "rollout {}: this replica leads now; {} in stage {} after {} of {}",
                plan.name(),
                machine.state().status(),
                stage().name(),
                Durations.format(Duration.ofMillis(machine.state().stageElapsedMillis())),
                Durations.format(stage().minDuration()));
    }

    public RolloutPlan plan() {
        return plan;
    }

    public synchronized String lastAutoCheck() {
        return lastAutoCheck;
    }

    public RolloutPlan.Stage stage() {
        return machine.stage();
    }

    /** One gate of the current stage as it would be judged now: the gate, pass/fail/no_data, and why. */
    public record GateState(String gate, String result, String detail) {}

    /**
     * Each gate of the current stage judged now, on the checks of the last tick (for the status page).
     * Reading only: it changes no state, so the stage is still judged at its minute tick as before.
     */
    public synchronized List<GateState> gateStates() {
        return machine.gateStates(clock.instant());
    }

    public void stop() {
        if (ticker != null) {
            ticker.cancel();
        }
    }

    // ---- the minute tick ----

    public void tick() {
        locked(() -> {
            applyQueuedFlagChanges();
            try {
                tickUnsafe();
            } catch (RuntimeException e) {
                log.error("rollout tick failed; it runs again in a minute", e);
            }
            // Whatever the minute changed (a hold, a promotion, a rollback), and what it got to before a failure.
            publishStage();
            return null;
        });
    }

    private void tickUnsafe() {
        Instant now = clock.instant();
        long delta = Math.max(0, Duration.between(lastTick, now).toMillis());
        lastTick = now;
        beforeTick.run();
        long nowMs = now.toEpochMilli();
        List<Check> newChecks = evaluator.checks(NEW, nowMs);
        gauges.checks(newChecks, evaluator.checks(LEGACY, nowMs));
        boolean newCheckFailed = newChecks.stream().anyMatch(c -> c.result() == Check.Result.FAIL);
        // The watch never stops while any device is on the new transport (docs/design.md rule 7).
        AutoRollbackCheck.Result auto = onNewTransport(flags.current()) ? autoCheck.check(NEW, nowMs) : null;
        lastAutoCheck = machine.minute(now, delta, newCheckFailed, auto);
        // Transitions are persisted as they happen; the stage clock as often as the store asks.
        writes.afterTick(machine.state());
    }

    /** Whether any device is routed to the new transport by these flags. */
    static boolean onNewTransport(FlagState f) {
        return !f.killSwitch() && (f.percentageBasisPoints() > 0 || !f.cohort().isEmpty());
    }

    // ---- the flags ----

    /**
     * Called by the flag store outside its locks, possibly while another thread holds this object's
     * monitor (a tick rolling back): queue, never block.
     */
    private void flagsChanged(FlagState f) {
        flagChanges.add(f);
        Scheduler s = scheduler;
        if (s != null) {
            s.schedule(this::applyFlagChanges, Duration.ZERO);
        }
    }

    /**
     * Works through the flag changes the listener queued, in order: an operator's rollback or
     * percentage set by hand stops or pauses the plan ({@link StageMachine#flagsChangedElsewhere}).
     */
    public void applyFlagChanges() {
        locked(() -> {
            applyQueuedFlagChanges();
            return null;
        });
    }

    private void applyQueuedFlagChanges() {
        FlagState f;
        while ((f = flagChanges.poll()) != null) {
            if (effects.madeHere(f)) {
                continue;
            }
            RolloutState before = machine.state();
            machine.flagsChangedElsewhere(f);
            if (machine.state() != before) {
                publishStage();
                persist();
            }
        }
    }

    // ---- operator actions ----

    public RolloutState pause(String actor, String reason) {
        return action(() -> machine.pause(actor, reason));
    }

    public RolloutState resume(String actor, String reason) {
        return action(() -> machine.resume(actor, reason));
    }

    public RolloutState promote(String actor, String reason, boolean operator) {
        return action(() -> machine.promote(actor, reason));
    }

    public RolloutState abort(String actor, String reason) {
        return action(() -> machine.abort(actor, reason));
    }

    public RolloutState retry(String actor, String reason) {
        return action(() -> machine.retry(actor, reason));
    }

    /** An operator's action: queued flag changes first, then the transition, published and persisted. */
    private RolloutState action(Runnable transition) {
        return locked(() -> {
            applyQueuedFlagChanges();
            transition.run();
            publishStage();
            persist();
            return machine.state();
        });
    }

    /** Runs {@code work} under this object's monitor, then gives the listeners what it recorded, outside it. */
    private <T> T locked(Supplier<T> work) {
        try {
            synchronized (this) {
                return work.get();
            }
        } finally {
            delivery.deliver();
        }
    }

    // ---- metrics, persistence ----

    private void publishStage() {
        gauges.stage(machine);
    }

    /** Writes the state now (see {@link RolloutStateWrites}: a failure is counted and retried at the next tick). */
    private void persist() {
        writes.write(machine.state());
    }

    /** Rollout state writes that failed since the start (each retried at the next tick). */
    public long persistFailures() {
        return writes.failures();
    }

    /** True while the state in memory is not on disk (the last write failed). */
    public synchronized boolean persistPending() {
        return writes.pending(machine.state());
    }
}
