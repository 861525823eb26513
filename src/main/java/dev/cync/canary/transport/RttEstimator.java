package dev.cync.canary.transport;

/**
 * Smoothed round-trip time and its variance, as TCP keeps them (RFC 6298: alpha 1/8, beta 1/4).
 * The retransmission timeout is srtt + max(4 x rttvar, margin), clamped to [min, max]; the margin
 * keeps a perfectly steady link from retransmitting on the first ack that is a hair late.
 * Not thread-safe: one per device, confined to its event loop ({@link FleetRtt} is the shared one).
 */
final class RttEstimator {

    private double srtt = -1;
    private double rttvar;

    boolean hasSamples() {
        return srtt >= 0;
    }

    void sample(long rttNanos) {
        double r = rttNanos;
        if (srtt < 0) {
            srtt = r;
            rttvar = r / 2;
        } else {
            rttvar = 0.75 * rttvar + 0.25 * Math.abs(srtt - r);
            srtt = 0.875 * srtt + 0.125 * r;
        }
    }

    long rtoNanos(long marginNanos, long minNanos, long maxNanos) {
        double rto = srtt + Math.max(4 * rttvar, marginNanos);
        return Math.max(minNanos, Math.min(maxNanos, (long) rto));
    }

    /** The fleet-wide estimate: the prior for a device not yet measured. Thread-safe. */
    static final class FleetRtt {
        private final RttEstimator estimator = new RttEstimator();

        synchronized void sample(long rttNanos) {
            estimator.sample(rttNanos);
        }

        synchronized long rtoNanos(long fallbackNanos, long marginNanos, long minNanos, long maxNanos) {
            return estimator.hasSamples() ? estimator.rtoNanos(marginNanos, minNanos, maxNanos) : fallbackNanos;
        }
    }
}
