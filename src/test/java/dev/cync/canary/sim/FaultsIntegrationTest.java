package dev.cync.canary.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.transport.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server, both transports and the simulated fleet over loopback TCP, through each fault
 * the simulator injects. Slow: each test runs real traffic for a few seconds.
 */
@Tag("slow")
class FaultsIntegrationTest {

    @TempDir
    Path state;

    static Faults faults(long latencyMs, long jitterMs, double loss, double duplicate, double reorder, double corrupt) {
        return new Faults(
                Duration.ofMillis(latencyMs),
                Duration.ofMillis(jitterMs),
                loss,
                duplicate,
                reorder,
                corrupt,
                Optional.empty(),
                Duration.ofSeconds(10),
                1.0,
                0);
    }

    static double success(LoadGenerator.Run run) {
        return run.outcomes().get(Outcome.SUCCESS) / (double) run.issued();
    }

    @Test
    void withoutFaultsEveryCommandSucceedsOnBothTransports() throws Exception {
        try (Rig rig = new Rig(state, 200, Faults.NONE, false, true)) {
            LoadGenerator.Run legacy = rig.run(rig.legacy::send, 1000, 2000);
            LoadGenerator.Run reliable = rig.run(rig.reliable::send, 1000, 2000);
            assertThat(success(legacy)).isEqualTo(1.0);
            assertThat(success(reliable)).isEqualTo(1.0);
            assertThat(rig.reliable.stats().inFlight()).isZero();
            assertThat(rig.imbalance.get()).isNull();
            assertThat(rig.fleet.stats().snapshot().duplicateApplications()).isZero();
        }
    }

    @Test
    void twentyPercentLossEachWayIsMaskedByRetriesAndCostsLegacyAboutATHird() throws Exception {
        try (Rig rig = new Rig(state, 200, faults(10, 0, 0.2, 0, 0, 0), false, true)) {
            LoadGenerator.Run legacy = rig.run(rig.legacy::send, 500, 3000);
            LoadGenerator.Run reliable = rig.run(rig.reliable::send, 500, 3000);
            // Legacy succeeds when neither the command nor its ack is lost: 0.8 x 0.8 = 64%.
            assertThat(success(legacy)).isBetween(0.58, 0.70);
            assertThat(success(reliable)).isGreaterThanOrEqualTo(0.999);
            assertThat(reliable.latencies().getValueAtPercentile(99)).isLessThanOrEqualTo(1_500_000);
            assertThat(rig.metrics.counterValue(Metrics.RETRANSMIT, "new")).isPositive();
            assertThat(rig.imbalance.get()).isNull();
        }
    }

    @Test
    void halfOfAllPacketsDuplicatedNeverAppliesACommandTwice() throws Exception {
        try (Rig rig = new Rig(state, 200, faults(2, 0, 0, 0.5, 0, 0), false, true)) {
            LoadGenerator.Run reliable = rig.run(rig.reliable::send, 1000, 3000);
            LoadGenerator.Run legacy = rig.run(rig.legacy::send, 1000, 3000);
            SimStats.Snapshot sim = rig.fleet.stats().snapshot();
            assertThat(success(reliable)).isEqualTo(1.0);
            assertThat(success(legacy)).isEqualTo(1.0);
            assertThat(sim.duplicateApplications()).isZero();
            assertThat(sim.duplicatesSuppressed()).isPositive();
            assertThat(rig.metrics.counterValue(Metrics.IDEMPOTENT_DROP, "new")).isPositive();
            assertThat(rig.imbalance.get()).isNull();
        }
    }

    @Test
    void withoutDeviceDedupTheCounterSeesTheDuplicates() throws Exception {
        try (Rig rig = new Rig(state, 100, faults(2, 0, 0, 0.5, 0, 0), false, false)) {
            rig.run(rig.reliable::send, 1000, 1000);
            assertThat(rig.fleet.stats().snapshot().duplicateApplications()).isPositive();
        }
    }

    @Test
    void reorderingAndJitterAreHarmless() throws Exception {
        try (Rig rig = new Rig(state, 200, faults(5, 20, 0, 0, 0.3, 0), false, true)) {
            LoadGenerator.Run reliable = rig.run(rig.reliable::send, 1000, 3000);
            assertThat(success(reliable)).isEqualTo(1.0);
            assertThat(rig.imbalance.get()).isNull();
        }
    }

    @Test
    void corruptedBytesAreCountedAndTheFleetCarriesOn() throws Exception {
        try (Rig rig = new Rig(state, 200, faults(1, 0, 0, 0, 0, 0.05), false, true)) {
            LoadGenerator.Run reliable = rig.run(rig.reliable::send, 1000, 3000);
            // Not 99% since the execution-ack oracle (issue 9): a 0x43 state report has no checksum, so a
            // corrupted byte can teach a wrong mesh id until the device's next report corrects it, and the
            // commands meanwhile fail honestly as not_executed or unknown_target (measured 98.1-99.5%).
            assertThat(success(reliable)).as("outcomes %s", reliable.outcomes()).isGreaterThanOrEqualTo(0.97);
            double decodeErrors = 0;
            for (String r : new String[] {"unknown_type", "nonzero_header", "oversized", "malformed", "bad_checksum"}) {
                decodeErrors += rig.metrics.counterValue(Metrics.DECODE_ERROR, r);
            }
            assertThat(decodeErrors).isPositive();
            assertThat(rig.imbalance.get()).isNull();
        }
    }

    @Test
    void fiveHundredMillisecondsEachWayTimeoutsAdaptAndNothingIsRetransmittedNeedlessly() throws Exception {
        try (Rig rig = new Rig(state, 200, faults(500, 0, 0, 0, 0, 0), false, true)) {
            rig.run(rig.reliable::send, 200, 400); // the fleet's round trip is learnt here
            double before = rig.metrics.counterValue(Metrics.RETRANSMIT, "new");
            LoadGenerator.Run reliable = rig.run(rig.reliable::send, 200, 1500);
            double retransmitRate = (rig.metrics.counterValue(Metrics.RETRANSMIT, "new") - before) / reliable.issued();
            assertThat(success(reliable)).isEqualTo(1.0);
            // With a 1 s round trip and a 1.5 s deadline exactly one more copy can still be answered in
            // time (sent by ~470 ms); the deadline-aware schedule sends that one and never a second.
            assertThat(retransmitRate).isBetween(0.9, 1.0);
        }
    }

    @Test
    void aPartitionFailsCommandsToCutOffDevicesAndTheyWorkAgainAfterReconnecting() throws Exception {
        Faults partition = new Faults(
                Duration.ZERO,
                Duration.ZERO,
                0,
                0,
                0,
                0,
                Optional.of(Duration.ofSeconds(2)),
                Duration.ofSeconds(3),
                0.5,
                0);
        try (Rig rig = new Rig(state, 100, partition, false, true)) {
            LoadGenerator.Run during = rig.run(rig.reliable::send, 400, 1600); // ~4 s: spans the cut
            Map<Outcome, Long> o = during.outcomes();
            assertThat(o.get(Outcome.DISCONNECTED) + o.get(Outcome.TIMEOUT)).isPositive();
            assertThat(o.get(Outcome.SUCCESS) + o.get(Outcome.DISCONNECTED) + o.get(Outcome.TIMEOUT))
                    .isEqualTo(during.issued());
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> rig.server.registry().size() == 100);
            LoadGenerator.Run after = rig.run(rig.reliable::send, 400, 800);
            assertThat(success(after)).isEqualTo(1.0);
            assertThat(rig.reliable.stats().inFlight()).isZero();
            assertThat(rig.imbalance.get()).isNull();
        }
    }

    @Test
    void devicesConnectOverTlsAndTakeCommands() throws Exception {
        try (Rig rig = new Rig(state, 50, Faults.NONE, true, true)) {
            LoadGenerator.Run reliable = rig.run(rig.reliable::send, 200, 300);
            assertThat(success(reliable)).isEqualTo(1.0);
            assertThat(rig.server.registry().sessions()).allMatch(s -> s.tls());
            assertThat(state.resolve("tls/cert.pem")).exists();
        }
    }
}
