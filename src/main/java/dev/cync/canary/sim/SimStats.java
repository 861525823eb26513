package dev.cync.canary.sim;

import java.util.concurrent.atomic.LongAdder;

/** What the simulated fleet saw, from the devices' side. Thread-safe. */
public final class SimStats {

    final LongAdder commandsReceived = new LongAdder();
    final LongAdder applied = new LongAdder();
    /** Commands answered with a receipt only: unknown target, unsupported setting, or --not-executed. */
    final LongAdder receiptOnly = new LongAdder();

    final LongAdder duplicatesSuppressed = new LongAdder();
    final LongAdder duplicateApplications = new LongAdder();
    final LongAdder badChecksumDropped = new LongAdder();
    final LongAdder connects = new LongAdder();
    final LongAdder disconnects = new LongAdder();
    final LongAdder partitioned = new LongAdder();

    /** A point-in-time copy. */
    public record Snapshot(
            long commandsReceived,
            long applied,
            long duplicatesSuppressed,
            long duplicateApplications,
            long badChecksumDropped,
            long connects,
            long disconnects,
            long partitioned) {

        public Snapshot minus(Snapshot o) {
            return new Snapshot(
                    commandsReceived - o.commandsReceived,
                    applied - o.applied,
                    duplicatesSuppressed - o.duplicatesSuppressed,
                    duplicateApplications - o.duplicateApplications,
                    badChecksumDropped - o.badChecksumDropped,
                    connects - o.connects,
                    disconnects - o.disconnects,
                    partitioned - o.partitioned);
        }
    }

    public Snapshot snapshot() {
        return new Snapshot(
                commandsReceived.sum(),
                applied.sum(),
                duplicatesSuppressed.sum(),
                duplicateApplications.sum(),
                badChecksumDropped.sum(),
                connects.sum(),
                disconnects.sum(),
                partitioned.sum());
    }
}
