package dev.cync.canary.transport;

import dev.cync.canary.support.Validate;
import java.time.Duration;

/**
 * The {@code legacy:} section of {@code cync-canary.yaml}.
 *
 * @param writeTimeout a write not done by then fails as {@code write_error}
 * @param ackDeadline how long the device has to acknowledge; the same oracle as the reliable
 *     transport's deadline (docs/design.md rule 2), observed passively, never retried
 */
public record LegacyConfig(Duration writeTimeout, Duration ackDeadline) {

    public LegacyConfig {
        Validate.positive("legacy.writeTimeout", writeTimeout);
        Validate.positive("legacy.ackDeadline", ackDeadline);
    }

    public static LegacyConfig defaults() {
        return new LegacyConfig(Duration.ofSeconds(2), Duration.ofMillis(1500));
    }
}
