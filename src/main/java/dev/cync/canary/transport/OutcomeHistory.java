package dev.cync.canary.transport;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The last few outcomes of each device, for the admin API ("recent outcomes"), bounded twice:
 * {@code perDevice} outcomes per device, and at most {@code devices} devices (least recently
 * commanded forgotten first). Per-device detail lives here, never in metric labels (docs/design.md rule 9).
 */
public final class OutcomeHistory {

    private final int perDevice;
    private final Cache<DeviceId, ArrayDeque<CommandOutcome>> recent;

    public OutcomeHistory(int devices, int perDevice, Clock clock) {
        this.perDevice = perDevice;
        // Upkeep on the recording thread (an event loop), not handed to the common pool: on two cores
        // each hand-off woke another thread per command for a few hundred nanoseconds of work.
        this.recent = Caffeine.newBuilder()
                .maximumSize(devices)
                .expireAfterAccess(Duration.ofHours(24))
                .ticker(clock::nanoTime)
                .executor(Runnable::run)
                .build();
    }

    /** Listens to a transport's outcomes. */
    public void watch(Transport transport) {
        transport.addOutcomeListener(this::record);
    }

    void record(CommandOutcome o) {
        if (o.command().deviceId() == null) {
            return; // unknown_target: no endpoint to keep it under
        }
        ArrayDeque<CommandOutcome> q = recent.get(o.command().deviceId(), id -> new ArrayDeque<>(perDevice));
        synchronized (q) {
            if (q.size() == perDevice) {
                q.removeFirst();
            }
            q.addLast(o);
        }
    }

    /** Oldest first. */
    public List<CommandOutcome> of(DeviceId id) {
        ArrayDeque<CommandOutcome> q = recent.getIfPresent(id);
        if (q == null) {
            return List.of();
        }
        synchronized (q) {
            return List.copyOf(q);
        }
    }
}
