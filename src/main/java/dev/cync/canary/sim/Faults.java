package dev.cync.canary.sim;

import dev.cync.canary.support.Validate;
import java.time.Duration;
import java.util.Optional;

/**
 * What the simulated network does to packets, applied in each direction (device -> server and
 * server -> device) independently. Rates are probabilities per packet, 0 to 1.
 *
 * @param latency added to every packet
 * @param jitter uniform extra delay, 0 to {@code jitter}
 * @param loss packets dropped
 * @param duplicate packets delivered twice
 * @param reorder packets held back so that later ones overtake them
 * @param corrupt packets with one byte flipped
 * @param partitionAt when (after the fleet starts) to cut devices off: their connections drop
 * @param partitionFor how long cut-off devices stay away before reconnecting
 * @param partitionShare the share of devices cut off, 0 to 1
 * @param notExecuted the share of commands a device sends receipts for but never carries out,
 *     however often they are resent (as for a target it does not know): catches a transport that
 *     only delivers bytes
 */
public record Faults(
        Duration latency,
        Duration jitter,
        double loss,
        double duplicate,
        double reorder,
        double corrupt,
        Optional<Duration> partitionAt,
        Duration partitionFor,
        double partitionShare,
        double notExecuted) {

    public static final Faults NONE =
            new Faults(Duration.ZERO, Duration.ZERO, 0, 0, 0, 0, Optional.empty(), Duration.ofSeconds(10), 1.0, 0);

    public Faults {
        Validate.notNegative("--latency-ms", latency);
        Validate.notNegative("--jitter-ms", jitter);
        Validate.range("--loss", loss, 0.0, 1.0);
        Validate.range("--duplicate", duplicate, 0.0, 1.0);
        Validate.range("--reorder", reorder, 0.0, 1.0);
        Validate.range("--corrupt", corrupt, 0.0, 1.0);
        partitionAt.ifPresent(d -> Validate.notNegative("--partition-at", d));
        Validate.notNegative("--partition-for", partitionFor);
        Validate.range("--partition-share", partitionShare, 0.0, 1.0);
        Validate.range("--not-executed", notExecuted, 0.0, 1.0);
    }

    public boolean any() {
        return !latency.isZero()
                || !jitter.isZero()
                || loss > 0
                || duplicate > 0
                || reorder > 0
                || corrupt > 0
                || partitionAt.isPresent()
                || notExecuted > 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (!latency.isZero()) {
            sb.append(" latency=").append(latency.toMillis()).append("ms");
        }
        if (!jitter.isZero()) {
            sb.append(" jitter=").append(jitter.toMillis()).append("ms");
        }
        if (loss > 0) {
            sb.append(" loss=").append(loss);
        }
        if (duplicate > 0) {
            sb.append(" duplicate=").append(duplicate);
        }
        if (reorder > 0) {
            sb.append(" reorder=").append(reorder);
        }
        if (corrupt > 0) {
            sb.append(" corrupt=").append(corrupt);
        }
        if (notExecuted > 0) {
            sb.append(" not_executed=").append(notExecuted);
        }
        partitionAt.ifPresent(at -> sb.append(" partition=")
                .append(at.toSeconds())
                .append("s+")
                .append(partitionFor.toSeconds())
                .append("s(")
                .append(partitionShare)
                .append(")"));
        return sb.length() == 0 ? "none" : sb.toString().trim();
    }
}
