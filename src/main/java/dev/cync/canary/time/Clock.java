package dev.cync.canary.time;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The one source of time (docs/design.md rule 1). Real code gets {@link SystemClock}; tests and
 * rehearsals get a {@link VirtualClock}, so retry timers, SLO windows and stage durations run in
 * virtual time with the same code.
 */
public interface Clock {

    /** Monotonic nanoseconds for measuring intervals; unrelated to wall time. */
    long nanoTime();

    /** Wall-clock time, for timestamps shown to people and persisted. */
    Instant instant();

    /** The zone devices are told the time in (0xC8). */
    ZoneId zone();

    default long millis() {
        return instant().toEpochMilli();
    }

    default ZonedDateTime zonedNow() {
        return instant().atZone(zone());
    }
}
