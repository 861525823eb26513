package dev.cync.canary.rollout;

import dev.cync.canary.flags.Flags;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.slo.AutoRollbackCheck;
import dev.cync.canary.slo.Check;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.slo.SloWindows;
import dev.cync.canary.time.Clock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The automatic rollback while etcd does not answer. Then no replica leads (the leader steps down),
 * so the leader's fleet-wide check does not run, and the fleet view is stale. Each replica instead
 * checks its own devices' outcomes (the only fresh evidence it has), by the same rule and the same
 * number of consecutive failed checks; when they fail it rolls back. The rollback applies on this
 * replica at once and is written to etcd when it answers, and then every replica has it. It only
 * ever tightens: a replica never loosens anything on its own evidence.
 *
 * <p>Called once a minute (on the SLO clock); its count is confined to that thread.
 */
public final class OutageRollback {

    private static final Logger log = LoggerFactory.getLogger(OutageRollback.class);

    private final SloSpec spec;
    private final AutoRollbackCheck check;
    private final Flags flags;
    private final Clock clock;
    private final Metrics metrics;
    private final BooleanSupplier storeAnswers;
    private final BooleanSupplier leads;
    private int failures;

    /**
     * @param own this replica's own SLO windows
     * @param storeAnswers whether etcd answered the last operation
     * @param leads whether this replica leads (then the rollout's fleet-wide check is in charge)
     */
    public OutageRollback(
            SloSpec spec,
            SloWindows own,
            Flags flags,
            Clock clock,
            Metrics metrics,
            BooleanSupplier storeAnswers,
            BooleanSupplier leads) {
        this.spec = spec;
        this.check = new AutoRollbackCheck(spec, own);
        this.flags = flags;
        this.clock = clock;
        this.metrics = metrics;
        this.storeAnswers = storeAnswers;
        this.leads = leads;
    }

    /** One minute's check; does nothing while etcd answers or this replica leads. */
    public void tick() {
        if (storeAnswers.getAsBoolean() || leads.getAsBoolean() || !RolloutController.onNewTransport(flags.current())) {
            failures = 0;
            return;
        }
        AutoRollbackCheck.Result r = check.check(RolloutController.NEW, clock.millis());
        if (r.result() == Check.Result.PASS) {
            failures = 0;
        } else if (r.result() == Check.Result.FAIL) {
            failures++;
            log.warn(
                    "etcd unavailable, so this replica checks its own devices: automatic rollback check FAIL ({} of {}): {}",
                    failures,
                    spec.autoRollback().consecutiveFailures(),
                    r.detail());
        }
        if (failures >= spec.autoRollback().consecutiveFailures()) {
            String reason = "etcd unavailable (no leader); " + failures
                    + " consecutive failed checks of this replica's own devices on the" + " new transport: "
                    + r.detail();
            log.error("AUTOMATIC ROLLBACK during the etcd outage: {}", reason);
            flags.rollback(RolloutController.AUTO, reason, true);
            metrics.rollback("auto");
            failures = 0;
        }
    }

    /** Consecutive failed checks so far (0 while etcd answers). */
    public int failures() {
        return failures;
    }
}
