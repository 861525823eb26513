package dev.cync.canary.cli;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Waiting in commands, on executors rather than sleeps. */
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
        ScheduledExecutorService ex = daemonScheduler("wait");
        try {
            CompletableFuture<Void> met = new CompletableFuture<>();
            ex.scheduleAtFixedRate(() -> {
                if (condition.getAsBoolean()) {
                    met.complete(null);
                }
            }, 0, poll.toNanos(), TimeUnit.NANOSECONDS);
            met.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            ex.shutdownNow();
        }
    }

    /** Blocks until Ctrl-C (or SIGTERM), or until {@code limit} has passed when given. */
    static void forShutdown(Duration limit) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(stop::countDown, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (limit == null) {
            stop.await();
        } else {
            stop.await(limit.toNanos(), TimeUnit.NANOSECONDS);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The JVM is going down anyway.
            }
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
