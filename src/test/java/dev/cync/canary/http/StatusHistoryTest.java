package dev.cync.canary.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.metrics.TransportMetrics;
import dev.cync.canary.time.VirtualClock;
import dev.cync.canary.transport.Outcome;
import dev.cync.canary.transport.OutcomeMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status page's ring of samples, on virtual time. */
class StatusHistoryTest {

    final VirtualClock clock = VirtualClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    final Metrics metrics = new Metrics();
    final TransportMetrics newMetrics = metrics.transport(Metrics.NEW);
    final OutcomeMetrics newOutcomes = new OutcomeMetrics(newMetrics);
    final OutcomeMetrics legacyOutcomes = new OutcomeMetrics(metrics.transport(Metrics.LEGACY));

    @Test
    void eachSampleIsTheRatesOfItsIntervalPerTransport() {
        StatusHistory h = new StatusHistory(metrics, clock, Duration.ofSeconds(10), 360);
        h.start(clock);
        assertThat(h.since(0)).isEmpty();
        // 100 commands on new in 10 s: 98 fast successes, a timeout, a full queue; 3 retransmits.
        for (int i = 0; i < 98; i++) {
            newOutcomes.resolved(Outcome.SUCCESS, i < 50 ? 0.02 : 0.2);
        }
        newOutcomes.resolved(Outcome.TIMEOUT, 0);
        newOutcomes.resolved(Outcome.QUEUE_FULL, 0);
        for (int i = 0; i < 3; i++) {
            newMetrics.retransmitted();
        }
        clock.advance(Duration.ofSeconds(10));
        List<StatusHistory.Sample> s = h.since(0);
        assertThat(s).hasSize(1);
        StatusHistory.Point n = s.get(0).transports().get(Metrics.NEW);
        assertThat(n.commandsPerSecond()).isEqualTo(10.0);
        assertThat(n.successRate()).isEqualTo(0.98);
        assertThat(n.retransmitsPerSecond()).isEqualTo(0.3);
        assertThat(n.queueFullPerSecond()).isEqualTo(0.1);
        assertThat(n.notExecutedPerSecond()).isZero();
        // 49 of 98 fall at or below 25 ms: the median interpolates to the top of the 10-25 ms bucket.
        assertThat(n.p50Ms()).isCloseTo(25.0, within(0.5));
        assertThat(n.p99Ms()).isBetween(100.0, 250.0);
        // Legacy carried nothing: a gap, not a zero success rate.
        StatusHistory.Point l = s.get(0).transports().get(Metrics.LEGACY);
        assertThat(l.commandsPerSecond()).isZero();
        assertThat(l.successRate()).isNull();
        assertThat(l.p50Ms()).isNull();
        assertThat(s.get(0).at()).isEqualTo(Instant.parse("2026-01-01T00:00:10Z"));

        // The next interval counts only what happened in it.
        legacyOutcomes.resolved(Outcome.SUCCESS, 0.004);
        clock.advance(Duration.ofSeconds(10));
        StatusHistory.Sample second = h.since(1).get(0);
        assertThat(second.seq()).isEqualTo(2);
        assertThat(second.transports().get(Metrics.NEW).commandsPerSecond()).isZero();
        assertThat(second.transports().get(Metrics.LEGACY).successRate()).isEqualTo(1.0);
        assertThat(second.transports().get(Metrics.LEGACY).p50Ms()).isCloseTo(2.5, within(0.01));
    }

    @Test
    void theRingKeepsTheLastHourOnly() {
        StatusHistory h = new StatusHistory(metrics, clock, Duration.ofSeconds(10), 360);
        h.start(clock);
        clock.advance(Duration.ofHours(2));
        List<StatusHistory.Sample> all = h.since(0);
        assertThat(all).hasSize(360);
        assertThat(all.get(0).seq()).isEqualTo(361);
        assertThat(all.get(359).seq()).isEqualTo(720);
        assertThat(h.since(715)).hasSize(5);
        assertThat(h.since(720)).isEmpty();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> view = (List<Map<String, Object>>) h.view(718).get("samples");
        assertThat(view).hasSize(2);
        assertThat(h.view(0).get("seq")).isEqualTo(720L);
    }

    @Test
    void aScrapeThatFailsSkipsOneSampleAndTheChartsGoOn() {
        boolean[] broken = {false};
        metrics.gauge("test_flaky", "A gauge whose callback fails while broken.", () -> {
            if (broken[0]) {
                throw new NullPointerException("decoder gone");
            }
            return 1;
        });
        StatusHistory h = new StatusHistory(metrics, clock, Duration.ofSeconds(10), 360);
        h.start(clock);
        clock.advance(Duration.ofSeconds(10));
        broken[0] = true;
        newOutcomes.resolved(Outcome.SUCCESS, 0.02);
        clock.advance(Duration.ofSeconds(10));
        assertThat(h.since(0)).hasSize(1);
        broken[0] = false;
        newOutcomes.resolved(Outcome.SUCCESS, 0.02);
        clock.advance(Duration.ofSeconds(10));
        // The sample after the failure spans both intervals: 2 commands in 20 s.
        StatusHistory.Sample s = h.since(1).get(0);
        assertThat(s.intervalSeconds()).isEqualTo(20.0);
        assertThat(s.transports().get(Metrics.NEW).commandsPerSecond()).isEqualTo(0.1);
    }

    @Test
    void commandsTheDeviceReceivedButDidNotCarryOutAreCountedAsNotExecuted() {
        double[] bounds = {0.1, Double.POSITIVE_INFINITY};
        StatusHistory.Totals before = new StatusHistory.Totals(100, 90, 0, 5, 0, bounds, new long[] {90, 0});
        StatusHistory.Totals after = new StatusHistory.Totals(200, 180, 2, 15, 0, bounds, new long[] {170, 10});
        StatusHistory.Point p = StatusHistory.point(before, after, 5);
        assertThat(p.notExecutedPerSecond()).isEqualTo(2.0);
        assertThat(p.commandsPerSecond()).isEqualTo(20.0);
        assertThat(p.successRate()).isEqualTo(0.9);
        assertThat(p.retransmitsPerSecond()).isEqualTo(0.4);
        // The 99th percentile falls in +Inf: reported as the last finite bound, as histogram_quantile does.
        assertThat(p.p99Ms()).isEqualTo(100.0);
    }

    @Test
    void quantilesInterpolateInsideTheirBucket() {
        double[] bounds = {0.01, 0.1, Double.POSITIVE_INFINITY};
        assertThat(StatusHistory.quantileMs(bounds, new long[] {0, 0, 0}, 0.5)).isNull();
        assertThat(StatusHistory.quantileMs(bounds, new long[] {10, 10, 0}, 0.5))
                .isCloseTo(10.0, within(1e-9));
        assertThat(StatusHistory.quantileMs(bounds, new long[] {10, 10, 0}, 0.75))
                .isCloseTo(55.0, within(1e-9));
        assertThat(StatusHistory.quantileMs(bounds, new long[] {0, 4, 0}, 0.5)).isCloseTo(55.0, within(1e-9));
    }
}
