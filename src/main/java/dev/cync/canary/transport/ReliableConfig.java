package dev.cync.canary.transport;

import dev.cync.canary.support.Validate;
import java.time.Duration;

/**
 * The {@code reliable:} section of {@code cync-canary.yaml}; each setting is explained there.
 * Validated on construction with the setting's name, value and allowed range.
 */
public record ReliableConfig(
        int queueCapacity,
        OverflowPolicy overflowPolicy,
        Duration blockTimeout,
        int maxInFlight,
        int maxAttempts,
        Duration deadline,
        Duration initialRto,
        Duration minRto,
        Duration maxRto,
        Duration rtoMargin,
        double backoffMultiplier,
        double jitter) {

    /** What a full per-device send queue does with one more command. */
    public enum OverflowPolicy {
        /** Fail the new command at once with {@code queue_full}. */
        REJECT,
        /** Fail the oldest queued command with {@code queue_full} and queue the new one. */
        DROP_OLDEST,
        /** Hold the new command up to {@code blockTimeout} for room, then fail it with {@code queue_full}. */
        BLOCK
    }

    public ReliableConfig {
        Validate.range("reliable.queueCapacity", queueCapacity, 1, 100_000);
        if (overflowPolicy == null) {
            throw new IllegalArgumentException("reliable.overflowPolicy: must be one of reject, drop_oldest, block");
        }
        Validate.positive("reliable.blockTimeout", blockTimeout);
        Validate.range("reliable.maxInFlight", maxInFlight, 1, 255);
        Validate.range("reliable.maxAttempts", maxAttempts, 1, 100);
        Validate.positive("reliable.deadline", deadline);
        Validate.positive("reliable.initialRto", initialRto);
        Validate.positive("reliable.minRto", minRto);
        Validate.positive("reliable.maxRto", maxRto);
        Validate.notNegative("reliable.rtoMargin", rtoMargin);
        if (minRto.compareTo(maxRto) > 0) {
            throw new IllegalArgumentException("reliable.minRto (" + minRto.toMillis()
                    + " ms) must not exceed reliable.maxRto (" + maxRto.toMillis() + " ms)");
        }
        Validate.range("reliable.backoffMultiplier", backoffMultiplier, 1.0, 10.0);
        Validate.range("reliable.jitter", jitter, 0.0, 0.5);
    }

    public static ReliableConfig defaults() {
        return new ReliableConfig(
                64,
                OverflowPolicy.REJECT,
                Duration.ofMillis(250),
                8,
                10,
                Duration.ofMillis(1500),
                Duration.ofSeconds(1),
                Duration.ofMillis(40),
                Duration.ofMillis(1200),
                Duration.ofMillis(30),
                1.3,
                0.1);
    }

    public ReliableConfig withQueue(int capacity, OverflowPolicy policy) {
        return new ReliableConfig(
                capacity,
                policy,
                blockTimeout,
                maxInFlight,
                maxAttempts,
                deadline,
                initialRto,
                minRto,
                maxRto,
                rtoMargin,
                backoffMultiplier,
                jitter);
    }

    public ReliableConfig withJitter(double j) {
        return new ReliableConfig(
                queueCapacity,
                overflowPolicy,
                blockTimeout,
                maxInFlight,
                maxAttempts,
                deadline,
                initialRto,
                minRto,
                maxRto,
                rtoMargin,
                backoffMultiplier,
                j);
    }

    public ReliableConfig withDeadline(Duration d) {
        return new ReliableConfig(
                queueCapacity,
                overflowPolicy,
                blockTimeout,
                maxInFlight,
                maxAttempts,
                d,
                initialRto,
                minRto,
                maxRto,
                rtoMargin,
                backoffMultiplier,
                jitter);
    }

    public ReliableConfig withMaxInFlight(int n) {
        return new ReliableConfig(
                queueCapacity,
                overflowPolicy,
                blockTimeout,
                n,
                maxAttempts,
                deadline,
                initialRto,
                minRto,
                maxRto,
                rtoMargin,
                backoffMultiplier,
                jitter);
    }
}
