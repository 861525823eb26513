package dev.cync.canary.time;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.PriorityQueue;

/**
 * Virtual time for tests and rehearsals: it stands still until {@link #advance} moves it, running
 * every task that falls due, in time order (ties in scheduling order), with the clock set to each
 * task's due time while it runs. Not thread-safe: drive it from one thread.
 */
public final class VirtualClock implements Clock, Scheduler {

    private final Instant epoch;
    private final ZoneId zone;
    private long now;
    private long sequence;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();

    public VirtualClock(Instant start, ZoneId zone) {
        this.epoch = start;
        this.zone = zone;
    }

    public static VirtualClock startingAt(Instant start) {
        return new VirtualClock(start, ZoneId.of("UTC"));
    }

    private final class Task implements Comparable<Task>, Cancellable {
        long due;
        final long order = sequence++;
        final long period;
        final Runnable body;
        boolean cancelled;

        Task(long due, long period, Runnable body) {
            this.due = due;
            this.period = period;
            this.body = body;
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(order, o.order);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Instant instant() {
        return epoch.plusNanos(now);
    }

    @Override
    public ZoneId zone() {
        return zone;
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        Task t = new Task(now + Math.max(0, delay.toNanos()), 0, task);
        tasks.add(t);
        return t;
    }

    @Override
    public Cancellable scheduleAtFixedRate(Runnable task, Duration period) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive, got " + period);
        }
        Task t = new Task(now + period.toNanos(), period.toNanos(), task);
        tasks.add(t);
        return t;
    }

    /** Moves time forward by {@code d}, running what falls due on the way. */
    public void advance(Duration d) {
        advanceTo(now + d.toNanos());
    }

    /** Moves time to {@code target} nanoseconds since the start, running what falls due. */
    public void advanceTo(long target) {
        for (; ; ) {
            Task next = tasks.peek();
            if (next == null || next.due > target) {
                break;
            }
            tasks.poll();
            if (next.cancelled) {
                continue;
            }
            now = Math.max(now, next.due);
            next.body.run();
            if (next.period > 0 && !next.cancelled) {
                next.due += next.period;
                tasks.add(next);
            }
        }
        now = Math.max(now, target);
    }

    /** Runs tasks due now without moving time. */
    public void runDue() {
        advanceTo(now);
    }

    /** Tasks waiting, cancelled ones included until they fall due. */
    public int pendingTasks() {
        return tasks.size();
    }
}
