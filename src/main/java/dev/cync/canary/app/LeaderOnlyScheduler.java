package dev.cync.canary.app;

import dev.cync.canary.time.Scheduler;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Runs scheduled tasks only while this replica leads; a follower's ticks are skipped, not queued. */
public final class LeaderOnlyScheduler implements Scheduler {

    private final Scheduler delegate;
    private final BooleanSupplier leads;

    public LeaderOnlyScheduler(Scheduler delegate, BooleanSupplier leads) {
        this.delegate = delegate;
        this.leads = leads;
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        return delegate.schedule(guarded(task), delay);
    }

    @Override
    public Cancellable scheduleAtFixedRate(Runnable task, Duration period) {
        return delegate.scheduleAtFixedRate(guarded(task), period);
    }

    private Runnable guarded(Runnable task) {
        return () -> {
            if (leads.getAsBoolean()) {
                task.run();
            }
        };
    }
}
