package dev.cync.canary.routing;

import java.util.Set;

/**
 * One immutable routing snapshot (docs/design.md rule 5). The router swaps whole snapshots atomically,
 * so a decision never sees half of a change.
 *
 * @param percentageBasisPoints share of devices on the new transport, 0..10000 (0.01% steps)
 * @param salt mixed into every device's hash; changing it reshuffles the whole fleet
 * @param cohort devices on the new transport whatever the percentage
 * @param exclude devices never on the new transport (beats the cohort)
 * @param killSwitch everything to legacy, before any other rule
 * @param darkLaunch mirror idempotent commands of legacy-routed devices in the mirror sample
 * @param darkLaunchBasisPoints share of devices in the mirror sample, 0..10000
 * @param version increases with every change; a decision reports the version it used
 */
public record RoutingConfig(
        int percentageBasisPoints,
        String salt,
        Set<String> cohort,
        Set<String> exclude,
        boolean killSwitch,
        boolean darkLaunch,
        int darkLaunchBasisPoints,
        long version) {

    public static final int BUCKETS = 10_000;

    public RoutingConfig {
        if (percentageBasisPoints < 0 || percentageBasisPoints > BUCKETS) {
            throw new IllegalArgumentException(
                    "percentage must be 0..10000 basis points, got " + percentageBasisPoints);
        }
        if (darkLaunchBasisPoints < 0 || darkLaunchBasisPoints > BUCKETS) {
            throw new IllegalArgumentException(
                    "dark launch percentage must be 0..10000 basis points, got " + darkLaunchBasisPoints);
        }
        if (salt == null || salt.isEmpty()) {
            throw new IllegalArgumentException("the salt must not be empty");
        }
        cohort = Set.copyOf(cohort);
        exclude = Set.copyOf(exclude);
    }

    /** Everything on legacy, nothing mirrored. */
    public static RoutingConfig allLegacy(String salt) {
        return new RoutingConfig(0, salt, Set.of(), Set.of(), false, false, 0, 0);
    }

    /** The salt of the dark-launch mirror sample: its own, so the sample is independent of the canary. */
    public String mirrorSalt() {
        return salt + "/mirror";
    }
}
