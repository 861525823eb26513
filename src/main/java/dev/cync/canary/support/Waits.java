package dev.cync.canary.support;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Waiting on executors rather than sleeps, for the commands, the bench and the composition root:
 * a daemon scheduler that never keeps the JVM alive, a polled condition and a bounded future.
 */
public final class Waits {

    private Waits() {}

    /** A one-thread scheduler on a daemon thread, so that it never keeps the JVM alive. */
    public static ScheduledExecutorService daemonScheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Waits until {@code condition} holds, checking every {@code poll}; false on timeout. */
    public static boolean until(BooleanSupplier condition, Duration timeout, Duration poll)
            throws InterruptedException {
        ScheduledExecutorService ex = daemonScheduler("wait");
        try {
            CompletableFuture<Void> met = new CompletableFuture<>();
            ex.scheduleAtFixedRate(
                    () -> {
                        if (condition.getAsBoolean()) {
                            met.complete(null);
                        }
                    },
                    0,
                    poll.toNanos(),
                    TimeUnit.NANOSECONDS);
            return await(met, timeout);
        } finally {
            ex.shutdownNow();
        }
    }

    /** Waits for {@code f} up to {@code timeout}; false if it did not complete. */
    public static boolean await(CompletableFuture<?> f, Duration timeout) throws InterruptedException {
        try {
            f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
