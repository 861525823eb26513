package dev.cync.canary.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds a command open until Ctrl-C (or SIGTERM), and holds the JVM's shutdown until the
 * command has cleaned up: the JVM halts as soon as its shutdown hooks return, so the hook waits
 * (up to 15 s) for {@link #close}, which the command reaches after closing everything else.
 * Open it first in a try-with-resources, so that it closes last.
 */
final class ShutdownGate implements AutoCloseable {
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
