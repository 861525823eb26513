package dev.cync.canary.time;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Real time sped up {@code scale} times, for the demo: a day per minute at 1440. It is a clock and a
 * scheduler: a task scheduled for a virtual minute runs after a real minute / scale.
 */
public final class ScaledClock implements Clock, Scheduler {

    private final Clock base;
    private final double scale;
    private final Instant virtualStart;
    private final long baseStart;
    private final ScheduledExecutorService executor;

    public ScaledClock(Clock base, double scale, ScheduledExecutorService executor) {
        if (!(scale >= 1) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("--time-scale must be a number >= 1, got " + scale);
        }
        this.base = base;
        this.scale = scale;
        this.virtualStart = base.instant();
        this.baseStart = base.nanoTime();
        this.executor = executor;
    }

    @Override
    public long nanoTime() {
        return (long) ((base.nanoTime() - baseStart) * scale);
    }

    @Override
    public Instant instant() {
        return virtualStart.plusNanos(nanoTime());
    }

    @Override
    public ZoneId zone() {
        return base.zone();
    }

    private long real(Duration virtual) {
        return Math.max(1, (long) (virtual.toNanos() / scale));
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        ScheduledFuture<?> f = executor.schedule(task, real(delay), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public Cancellable scheduleAtFixedRate(Runnable task, Duration period) {
        long p = real(period);
        ScheduledFuture<?> f = executor.scheduleAtFixedRate(task, p, p, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }
}
