package dev.cync.canary.app;

import dev.cync.canary.flags.FlagState;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.rollout.RolloutController;
import dev.cync.canary.rollout.SloRecorder;
import dev.cync.canary.routing.CanaryRouter;
import dev.cync.canary.routing.RoutingConfig;
import dev.cync.canary.slo.SloEvaluator;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.slo.SloWindows;
import dev.cync.canary.time.Clock;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The canary's decision core, wired once: the flags drive the canary router, the SLO recorder
 * feeds the windows, the evaluator judges them, and the rollout controller reads the evaluator and
 * moves the flags. No network and no disk of its own: {@link CompositionRoot} builds it for {@code
 * serve}, {@code demo} and {@code bench} with the real transports around it, and {@code rehearse}
 * builds it on a virtual clock with modelled traffic.
 */
public final class CanaryCore {

    /**
     * Makes the rollout controller of this core: its state store and notifier differ (a state
     * file, etcd, or none in a rehearsal), the evaluator and the recorder it reads do not.
     */
    @FunctionalInterface
    public interface RolloutFactory {
        RolloutController create(SloEvaluator evaluator, SloRecorder recorder) throws IOException;
    }

    private final Metrics metrics;
    private final CanaryRouter router;
    private final SloRecorder recorder;
    private final SloEvaluator evaluator;
    private final RolloutController rollout;

    /**
     * @param windows this process's own SLO windows (the recorder writes them)
     * @param judged the windows the evaluator judges: {@code windows}, or every replica's merged
     * @param sloClock the clock of the SLO windows and the rollout (real, sped up, or virtual)
     * @param packets packets received from devices so far; {@code decodeErrors} those that did not decode
     * @param rollout makes the rollout controller; null: no rollout
     */
    public CanaryCore(
            Flags flags,
            Metrics metrics,
            SloSpec sloSpec,
            SloWindows windows,
            SloWindows judged,
            Clock sloClock,
            LongSupplier packets,
            LongSupplier decodeErrors,
            RolloutFactory rollout)
            throws IOException {
        this.metrics = metrics;
        this.router = new CanaryRouter(routing(flags.current()), metrics);
        // Every committed flag change reaches the router and the gauge at once.
        flags.store().addListener(this::flagsChanged);
        this.recorder = new SloRecorder(windows, sloClock, packets, decodeErrors);
        this.evaluator = new SloEvaluator(sloSpec, judged);
        this.rollout = rollout == null ? null : rollout.create(evaluator, recorder);
    }

    /** Fresh SLO windows for both transports, with the latency threshold of {@code sloSpec}. */
    public static SloWindows windows(SloSpec sloSpec) {
        return new SloWindows(List.of(Metrics.LEGACY, Metrics.NEW), sloSpec.latencyThreshold());
    }

    /** The router's snapshot of a flag state. */
    public static RoutingConfig routing(FlagState s) {
        return new RoutingConfig(
                s.percentageBasisPoints(),
                s.salt(),
                Set.copyOf(s.cohort()),
                Set.copyOf(s.exclude()),
                s.killSwitch(),
                s.darkLaunch(),
                s.darkLaunchBasisPoints(),
                s.version());
    }

    private void flagsChanged(FlagState s) {
        router.update(routing(s));
        metrics.canaryPercentage(s.killSwitch() ? 0 : s.percentageBasisPoints() / 100.0);
    }

    public CanaryRouter router() {
        return router;
    }

    /** Records the outcomes of the transports it watches into the SLO windows. */
    public SloRecorder recorder() {
        return recorder;
    }

    public SloEvaluator evaluator() {
        return evaluator;
    }

    /** The rollout controller, or null when this core was built without one. */
    public RolloutController rollout() {
        return rollout;
    }
}
