package dev.cync.canary.bench;

import dev.cync.canary.bench.BenchReport.Second;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * An arm's successes and failures per second of its run, counted as commands resolve (on any
 * thread: the counts are atomic). Runs longer than an hour count their tail in the last second.
 */
final class PerSecond {

    static final int SECONDS = 3600;

    private final AtomicLongArray succeeded = new AtomicLongArray(SECONDS);
    private final AtomicLongArray failed = new AtomicLongArray(SECONDS);

    /** One command resolved {@code sinceStartNanos} after the run started. */
    void resolved(long sinceStartNanos, boolean success) {
        int s = (int) Math.min(SECONDS - 1, TimeUnit.NANOSECONDS.toSeconds(sinceStartNanos));
        (success ? succeeded : failed).incrementAndGet(s);
    }

    /** Every second from 0 up to the run's length rounded up. */
    List<Second> timeline(double runSeconds) {
        List<Second> out = new ArrayList<>();
        int last = (int) Math.min(SECONDS - 1, Math.ceil(runSeconds));
        for (int s = 0; s <= last; s++) {
            out.add(new Second(s, succeeded.get(s), failed.get(s)));
        }
        return out;
    }
}
