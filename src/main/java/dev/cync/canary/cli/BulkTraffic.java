package dev.cync.canary.cli;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.routing.CanaryRouter;
import dev.cync.canary.routing.FleetShares;
import dev.cync.canary.routing.RoutingConfig;
import dev.cync.canary.sim.BulkOutcomes;
import dev.cync.canary.sim.Scenario;
import dev.cync.canary.slo.SloWindows;
import dev.cync.canary.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A rehearsal's traffic, one virtual minute at a time, in bulk: the minute's commands are a Poisson
 * count at the scenario's rate, split among the devices on the new transport, the legacy devices in
 * the mirror sample (their idempotent commands, which all of these are, also reach the new transport
 * after the primary, as CanarySender does) and the legacy-only devices, by the router's own rules
 * for that minute's flags ({@link FleetShares}, recounted when the flags change); each transport's
 * outcomes are then drawn as counts ({@link BulkOutcomes}) into the SLO windows.
 *
 * <p>Not thread-safe: called on the rehearsal's virtual clock only.
 */
final class BulkTraffic {

    private final Scenario scenario;
    private final CanaryRouter router;
    private final SloWindows windows;
    private final Clock clock;
    private final Instant start;
    private final BulkOutcomes outcomes;
    private final Random random;
    private final List<String> ids;
    private FleetShares shares;
    private long sharesVersion = -1;
    private long commands;
    private long mirrored;

    BulkTraffic(
            Scenario scenario,
            CanaryRouter router,
            SloWindows windows,
            Clock clock,
            Instant start,
            BulkOutcomes outcomes) {
        this.scenario = scenario;
        this.router = router;
        this.windows = windows;
        this.clock = clock;
        this.start = start;
        this.outcomes = outcomes;
        this.random = outcomes.random();
        this.ids = new ArrayList<>(scenario.devices());
        for (int i = 0; i < scenario.devices(); i++) {
            ids.add(new DeviceId(0x5000_0000 + i).toString());
        }
    }

    /** Plays the current minute; returns how many commands the fleet sent in it (mirrors not counted). */
    long minute() {
        Duration elapsed = Duration.between(start, clock.instant());
        RoutingConfig c = router.config();
        if (shares == null || sharesVersion != c.version()) {
            shares = FleetShares.of(c, ids);
            sharesVersion = c.version();
        }
        double lambda =
                scenario.devices() * scenario.commandsPerDevicePerHour() / 60.0 * scenario.trafficFactor(elapsed);
        long n = BulkOutcomes.poisson(lambda, random);
        long[] split = BulkOutcomes.split(n, shares.sizes(), random);
        long now = clock.millis();
        record(Metrics.LEGACY, now, outcomes.draw(Metrics.LEGACY, elapsed, split[1] + split[2]));
        record(Metrics.NEW, now, outcomes.draw(Metrics.NEW, elapsed, split[0] + split[1]));
        commands += n;
        mirrored += split[1];
        return n;
    }

    private void record(String transport, long atMillis, BulkOutcomes.Counts c) {
        windows.recordCommands(transport, atMillis, c.commands(), c.succeeded(), c.fast(), 0, 0);
    }

    long commands() {
        return commands;
    }

    long mirrored() {
        return mirrored;
    }
}
