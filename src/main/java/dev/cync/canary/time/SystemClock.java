package dev.cync.canary.time;

import java.time.Instant;
import java.time.ZoneId;

/** The real clock. The only class that reads the system's time. */
public final class SystemClock implements Clock {

    private final ZoneId zone;

    public SystemClock(ZoneId zone) {
        this.zone = zone;
    }

    public static SystemClock utc() {
        return new SystemClock(ZoneId.of("UTC"));
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Instant instant() {
        return Instant.now();
    }

    @Override
    public ZoneId zone() {
        return zone;
    }
}
