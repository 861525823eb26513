package dev.cync.canary.cli;

import dev.cync.canary.app.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Waiting in commands, on executors rather than sleeps. */
final class Waits {

    private Waits() {}

    /** A one-thread scheduler on a daemon thread, so that it never keeps the JVM alive. */
    static ScheduledExecutorService daemonScheduler(String name) {
        return DaemonThreads.scheduler(name);
    }

    /** Waits until {@code condition} holds, checking every {@code poll}; false on timeout. */
    static boolean until(BooleanSupplier condition, Duration timeout, Duration poll) throws InterruptedException {
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

    /**
     * Holds a command open until Ctrl-C (or SIGTERM), and holds the JVM's shutdown until the
     * command has cleaned up: the JVM halts as soon as its shutdown hooks return, so the hook waits
     * (up to 15 s) for {@link #close}, which the command reaches after closing everything else.
     * Open it first in a try-with-resources, so that it closes last.
     */
    static final class ShutdownGate implements AutoCloseable {
        private final CountDownLatch stop = new CountDownLatch(1);
        private final CountDownLatch cleanedUp = new CountDownLatch(1);
        private final Thread hook;

        ShutdownGate() {
            hook = new Thread(
                    () -> {
                        stop.countDown();
                        try {
                            cleanedUp.await(15, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        /** Blocks until a shutdown signal, or until {@code limit} has passed when given. */
        void await(Duration limit) throws InterruptedException {
            if (limit == null) {
                stop.await();
            } else {
                stop.await(limit.toNanos(), TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void close() {
            cleanedUp.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // A signal started the shutdown; the hook returns now that cleanup is done.
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
