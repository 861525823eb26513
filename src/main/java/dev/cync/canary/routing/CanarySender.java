package dev.cync.canary.routing;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.DeviceCommand;
import dev.cync.canary.transport.Transport;
import dev.cync.canary.transport.TransportKind;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.UnaryOperator;

/**
 * Sends each command through the transport the router picks and, in dark launch, mirrors it to
 * the new transport (docs/design.md rule 6): only idempotent commands, only for legacy-routed devices in
 * the mirror sample, only after the primary has resolved (so the mirror can neither delay nor fail
 * it, and a device never has both copies on the wire at once), and at most {@code mirrorCapacity}
 * mirrors outstanding: beyond that a mirror is dropped and counted, never queued without bound. A
 * mirror whose device was sent a newer command before the primary resolved is skipped
 * ({@code superseded}): the late copy would set the device back to the older state.
 * Every mirror is counted in {@code tcp_comm_dark_launch_total{outcome}}.
 */
public final class CanarySender {

    private final CanaryRouter router;
    private final Transport legacy;
    private final Transport reliable;
    private final Metrics metrics;
    private final int mirrorCapacity;
    private final AtomicInteger mirrorsInFlight = new AtomicInteger();
    /**
     * The sequence number of the latest command sent for each device, in a fixed table indexed by a
     * hash of the device id (bounded whatever ids arrive; two devices sharing a slot only make a mirror
     * more likely to be skipped, never a stale one sent).
     */
    private final AtomicLongArray latest = new AtomicLongArray(LATEST_SLOTS);

    private final AtomicLong sequence = new AtomicLong();
    static final int LATEST_SLOTS = 4096;
    private final UnaryOperator<DeviceCommand> resolver;

    public CanarySender(
            CanaryRouter router, Transport legacy, Transport reliable, Metrics metrics, int mirrorCapacity) {
        this(router, legacy, reliable, metrics, mirrorCapacity, UnaryOperator.identity());
    }

    /**
     * @param resolver fills in the endpoint of a command made by mesh id ({@code Targets::resolve}
     *     over the device registry), so the router can hash the endpoint
     */
    public CanarySender(
            CanaryRouter router,
            Transport legacy,
            Transport reliable,
            Metrics metrics,
            int mirrorCapacity,
            UnaryOperator<DeviceCommand> resolver) {
        this.resolver = resolver;
        if (legacy.kind() != TransportKind.LEGACY || reliable.kind() != TransportKind.NEW) {
            throw new IllegalArgumentException("CanarySender needs the legacy and the new transport, in that order");
        }
        if (mirrorCapacity < 1) {
            throw new IllegalArgumentException("mirror capacity must be at least 1, got " + mirrorCapacity);
        }
        this.router = router;
        this.legacy = legacy;
        this.reliable = reliable;
        this.metrics = metrics;
        this.mirrorCapacity = mirrorCapacity;
    }

    public CanaryRouter router() {
        return router;
    }

    /**
     * Routes by the command's endpoint (DeviceCommand#routingId): the same id {@code route} explains
     * and the hello carries, so one device's commands stay on one arm whatever mesh id they target.
     */
    public CompletableFuture<CommandOutcome> send(DeviceCommand requested) {
        DeviceCommand command = resolver.apply(requested);
        String id = command.routingId();
        int slot = (id.hashCode() & 0x7fff_ffff) % LATEST_SLOTS;
        long seq = sequence.incrementAndGet();
        latest.set(slot, seq);
        if (router.route(id) == TransportKind.NEW) {
            return reliable.send(command);
        }
        CompletableFuture<CommandOutcome> primary = legacy.send(command);
        if (router.mirrored(id)) {
            if (!command.idempotent()) {
                metrics.darkLaunch("skipped_not_idempotent");
            } else {
                primary.whenComplete((o, e) -> {
                    // A newer command for this device went out meanwhile: the copy of the older one would undo it.
                    if (latest.get(slot) != seq) {
                        metrics.darkLaunch("superseded");
                    } else {
                        mirror(command);
                    }
                });
            }
        }
        return primary;
    }

    private void mirror(DeviceCommand command) {
        if (mirrorsInFlight.incrementAndGet() > mirrorCapacity) {
            mirrorsInFlight.decrementAndGet();
            metrics.darkLaunch("dropped");
            return;
        }
        reliable.send(command).whenComplete((o, e) -> {
            mirrorsInFlight.decrementAndGet();
            metrics.darkLaunch(o != null && o.succeeded() ? "success" : "failure");
        });
    }

    /** Mirrors on their way now. */
    public int mirrorsInFlight() {
        return mirrorsInFlight.get();
    }
}
