package dev.cync.canary.rollout;

import dev.cync.canary.slo.SloWindows;
import dev.cync.canary.time.Clock;
import dev.cync.canary.transport.Outcome;
import dev.cync.canary.transport.Transport;
import java.util.function.LongSupplier;

/** Feeds the SLO windows: every outcome of both transports, and the fleet's packet counts once a minute. */
public final class SloRecorder {

    private final SloWindows windows;
    private final Clock clock;
    private final LongSupplier packets;
    private final LongSupplier decodeErrors;
    private long lastPackets;
    private long lastDecodeErrors;

    public SloRecorder(SloWindows windows, Clock clock, LongSupplier packets, LongSupplier decodeErrors) {
        this.windows = windows;
        this.clock = clock;
        this.packets = packets;
        this.decodeErrors = decodeErrors;
        this.lastPackets = packets.getAsLong();
        this.lastDecodeErrors = decodeErrors.getAsLong();
    }

    public void watch(Transport t) {
        String label = t.kind().label();
        t.addOutcomeListener(o -> windows.recordCommand(
                label,
                clock.millis(),
                o.succeeded(),
                o.latency().toNanos(),
                o.attempts(),
                o.outcome() == Outcome.QUEUE_FULL));
    }

    /** Adds the packets and decode errors since the last call. */
    public synchronized void pollFleet() {
        long p = packets.getAsLong();
        long e = decodeErrors.getAsLong();
        windows.recordPackets(clock.millis(), p - lastPackets, e - lastDecodeErrors);
        lastPackets = p;
        lastDecodeErrors = e;
    }
}
