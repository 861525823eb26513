package dev.cync.canary.time;

import java.time.Duration;

/** Runs tasks later, on the injected clock. */
public interface Scheduler {

    /** Runs {@code task} once after {@code delay}. */
    Cancellable schedule(Runnable task, Duration delay);

    /** Runs {@code task} every {@code period}, first after {@code period}. */
    Cancellable scheduleAtFixedRate(Runnable task, Duration period);

    /** A scheduled task that can be called off. */
    @FunctionalInterface
    interface Cancellable {
        /** Calls the task off; harmless if it already ran or was cancelled. */
        void cancel();
    }
}
