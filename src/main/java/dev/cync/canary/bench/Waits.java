package dev.cync.canary.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Waiting in the bench, on executors rather than sleeps: the waits of {@code cli.Waits}, which the
 * bench may not use (cli uses the bench).
 */
final class Waits {

    private Waits() {}

    /** A one-thread scheduler on a daemon thread, so that it never keeps the JVM alive. */
    static ScheduledExecutorService daemonScheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Waits until {@code condition} holds, checking every {@code poll}; false on timeout. */
    static boolean until(BooleanSupplier condition, Duration timeout, Duration poll) throws InterruptedException {
        ScheduledExecutorService ex = daemonScheduler("bench-wait");
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
    static boolean await(CompletableFuture<?> f, Duration timeout) throws InterruptedException {
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
