package dev.cync.canary.flags;

import java.time.Instant;

/**
 * Whether what a store holds in memory is also on disk. A change takes effect in memory first and
 * is persisted after (docs/design.md rule 8); while the disk refuses, {@code pending} is true and the
 * store keeps retrying.
 *
 * @param pending a change in memory is not yet persisted
 * @param failures persist attempts that failed since the store opened
 * @param lastError the last failure, one line; null when none
 * @param failingSince when the current run of failures began; null when persisted
 */
public record PersistStatus(boolean pending, long failures, String lastError, Instant failingSince) {

    public static final PersistStatus PERSISTED = new PersistStatus(false, 0, null, null);
}
