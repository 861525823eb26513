package dev.cync.canary.routing;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.transport.TransportKind;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Decides, per device, which transport carries its commands: a pure function of the device id and
 * the current {@link RoutingConfig} snapshot (docs/design.md rule 5), with no per-device state, so
 * raising the percentage never moves a device back to legacy, a rollback moves every device at
 * once, and every replica agrees.
 *
 * <p>Order: kill switch, then exclude list, then cohort, then percentage. A device's bucket is
 * {@code (unsigned murmur3_32_fixed(UTF-8 salt + ":" + id) * 10000) >>> 32}, 0..9999; it is on
 * the canary when its bucket is below the percentage in basis points.
 *
 * <p>Thread-safe: decisions read one snapshot through an atomic reference; {@link #update} swaps
 * it. Nothing is locked on the routing path.
 */
public final class CanaryRouter {

    /** Why a device went where it went; the {@code reason} label of the routing metric. */
    public enum Reason {
        KILL_SWITCH("kill_switch"),
        EXCLUDED("excluded"),
        COHORT("cohort"),
        PERCENTAGE("percentage");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** A routing decision and why. */
    public record Decision(
            String deviceId,
            TransportKind transport,
            Reason reason,
            int bucket,
            int percentageBasisPoints,
            long configVersion) {

        /** {@code kill_switch}, {@code excluded}, {@code cohort}, {@code bucket 1234 < 2500}, {@code bucket 7000 >= 2500}. */
        public String explanation() {
            return switch (reason) {
                case PERCENTAGE ->
                    "bucket " + bucket + (transport == TransportKind.NEW ? " < " : " >= ") + percentageBasisPoints;
                default -> reason.label();
            };
        }
    }

    private static final HashFunction MURMUR = Hashing.murmur3_32_fixed();

    private final AtomicReference<RoutingConfig> config;
    private final CounterDataPoint[][] decisions;

    public CanaryRouter(RoutingConfig initial, Metrics metrics) {
        this.config = new AtomicReference<>(initial);
        this.decisions = new CounterDataPoint[TransportKind.values().length][Reason.values().length];
        if (metrics != null) {
            for (TransportKind t : TransportKind.values()) {
                for (Reason r : Reason.values()) {
                    decisions[t.ordinal()][r.ordinal()] = metrics.routingDecisionPoint(t.label(), r.label());
                }
            }
        }
    }

    /** The device's bucket, 0..9999, for a salt. */
    public static int bucket(String salt, String deviceId) {
        int hash = MURMUR.newHasher()
                .putString(salt, StandardCharsets.UTF_8)
                .putByte((byte) ':')
                .putString(deviceId, StandardCharsets.UTF_8)
                .hash()
                .asInt();
        return (int) (((hash & 0xFFFF_FFFFL) * RoutingConfig.BUCKETS) >>> 32);
    }

    /** Which transport carries the device's next command; counted in the routing metric. Allocates nothing. */
    public TransportKind route(String deviceId) {
        long d = rules(config.get(), deviceId);
        TransportKind t = TRANSPORTS[transportOf(d)];
        CounterDataPoint point = decisions[t.ordinal()][reasonOf(d)];
        if (point != null) {
            point.inc();
        }
        return t;
    }

    /** The decision with its reason, without counting it. */
    public Decision explain(String deviceId) {
        return decide(config.get(), deviceId);
    }

    /** Whether a legacy-routed device's idempotent commands are mirrored to the new transport. */
    public boolean mirrored(String deviceId) {
        return mirrored(config.get(), deviceId);
    }

    /** {@link #mirrored(String)} for {@code c}, a pure function (the mirror sample of a snapshot). */
    public static boolean mirrored(RoutingConfig c, String deviceId) {
        return c.darkLaunch()
                && c.darkLaunchBasisPoints() > 0
                && bucket(c.mirrorSalt(), deviceId) < c.darkLaunchBasisPoints();
    }

    /** The decision for {@code config}, a pure function. */
    public static Decision decide(RoutingConfig c, String deviceId) {
        long d = rules(c, deviceId);
        int bucket = (int) (d >> 16);
        return new Decision(
                deviceId,
                TRANSPORTS[transportOf(d)],
                REASONS[reasonOf(d)],
                bucket,
                c.percentageBasisPoints(),
                c.version());
    }

    private static final TransportKind[] TRANSPORTS = TransportKind.values();
    private static final Reason[] REASONS = Reason.values();

    /**
     * The rules, in their one and only order, as a packed long: bucket (or -1) in the high bits, the
     * transport's ordinal at bits 8..15, the reason's at bits 0..7. Packed so that {@link #route}
     * allocates nothing whatever the JIT's escape analysis decides.
     */
    private static long rules(RoutingConfig c, String deviceId) {
        if (c.killSwitch()) {
            return pack(-1, TransportKind.LEGACY, Reason.KILL_SWITCH);
        }
        if (c.exclude().contains(deviceId)) {
            return pack(-1, TransportKind.LEGACY, Reason.EXCLUDED);
        }
        if (c.cohort().contains(deviceId)) {
            return pack(-1, TransportKind.NEW, Reason.COHORT);
        }
        int bucket = bucket(c.salt(), deviceId);
        return pack(
                bucket,
                bucket < c.percentageBasisPoints() ? TransportKind.NEW : TransportKind.LEGACY,
                Reason.PERCENTAGE);
    }

    private static long pack(int bucket, TransportKind t, Reason r) {
        return ((long) bucket << 16) | ((long) t.ordinal() << 8) | r.ordinal();
    }

    private static int transportOf(long d) {
        return (int) ((d >> 8) & 0xFF);
    }

    private static int reasonOf(long d) {
        return (int) (d & 0xFF);
    }

    public RoutingConfig config() {
        return config.get();
    }

    /** Swaps in a new snapshot; decisions after this call use it. */
    public void update(RoutingConfig next) {
        config.set(next);
    }
}
