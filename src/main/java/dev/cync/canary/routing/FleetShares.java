package dev.cync.canary.routing;

import dev.cync.canary.transport.TransportKind;
import java.util.Collection;

/**
 * How a fleet splits under one routing snapshot, by the router's own pure rules: devices whose
 * commands the new transport carries, legacy-routed devices whose idempotent commands are also
 * mirrored to the new transport (the dark launch's sample), and legacy-only devices. The
 * rehearsal's bulk model sends each minute's commands to these groups in proportion.
 */
public record FleetShares(long onNew, long mirrored, long legacyOnly) {

    public static FleetShares of(RoutingConfig c, Collection<String> deviceIds) {
        long onNew = 0;
        long mirrored = 0;
        long legacy = 0;
        for (String id : deviceIds) {
            if (CanaryRouter.decide(c, id).transport() == TransportKind.NEW) {
                onNew++;
            } else if (CanaryRouter.mirrored(c, id)) {
                mirrored++;
            } else {
                legacy++;
            }
        }
        return new FleetShares(onNew, mirrored, legacy);
    }

    /** The group sizes in the order new, mirrored, legacy-only. */
    public long[] sizes() {
        return new long[] {onNew, mirrored, legacyOnly};
    }
}
