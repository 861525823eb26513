package dev.cync.canary.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.support.NormalDistribution;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The rehearsal's bulk outcome model: the right distributions, and the same counts for the same seed. */
class BulkOutcomesTest {

    static final Scenario SCENARIO = new Scenario(
            1000,
            6,
            new Scenario.Model(0.995, 80, 400),
            new Scenario.Model(0.9997, 60, 300),
            List.of(new Scenario.Fault("new", Duration.ofDays(5), null, 0.99, null, null, null)));

    @Test
    void binomialDrawsHaveTheBinomialsMeanAndVariance() {
        Random r = new Random(3);
        for (double p : new double[] {0.0003, 0.05, 0.5, 0.97}) {
            int draws = 20_000;
            long n = 200;
            double sum = 0;
            double squares = 0;
            for (int i = 0; i < draws; i++) {
                long x = BulkOutcomes.binomial(n, p, r);
                assertThat(x).isBetween(0L, n);
                sum += x;
                squares += (double) x * x;
            }
            double mean = sum / draws;
            double variance = squares / draws - mean * mean;
            double sd = Math.sqrt(n * p * (1 - p));
            // Five standard errors of the mean; the variance within 10%.
            assertThat(mean).as("mean at p=%s", p).isCloseTo(n * p, Offset.offset(5 * sd / Math.sqrt(draws) + 1e-9));
            assertThat(variance)
                    .as("variance at p=%s", p)
                    .isCloseTo(n * p * (1 - p), Offset.offset(0.1 * n * p * (1 - p) + 1e-3));
        }
        assertThat(BulkOutcomes.binomial(100, 0, r)).isZero();
        assertThat(BulkOutcomes.binomial(100, 1, r)).isEqualTo(100);
    }

    @Test
    void aSplitKeepsEveryCommandAndFollowsTheGroupSizes() {
        Random r = new Random(5);
        long[] totals = new long[3];
        for (int i = 0; i < 2000; i++) {
            long[] s = BulkOutcomes.split(100, new long[] {100, 900, 0}, r);
            assertThat(s[0] + s[1] + s[2]).isEqualTo(100);
            assertThat(s[2]).isZero();
            totals[0] += s[0];
            totals[1] += s[1];
        }
        assertThat(totals[0] / 2000.0).isCloseTo(10, Offset.offset(0.3));
    }

    @Test
    void outcomesFollowTheScenarioAndTheSeed() {
        Duration deadline = Duration.ofMillis(1500);
        BulkOutcomes a = new BulkOutcomes(SCENARIO, deadline, deadline, 7);
        BulkOutcomes b = new BulkOutcomes(SCENARIO, deadline, deadline, 7);
        long okBefore = 0;
        long okAfter = 0;
        for (int i = 0; i < 1000; i++) {
            BulkOutcomes.Counts x = a.draw("new", Duration.ofDays(1), 1000);
            assertThat(b.draw("new", Duration.ofDays(1), 1000)).isEqualTo(x);
            assertThat(x.fast()).isLessThanOrEqualTo(x.succeeded());
            okBefore += x.succeeded();
            okAfter += a.draw("new", Duration.ofDays(6), 1000).succeeded();
            b.draw("new", Duration.ofDays(6), 1000);
        }
        // 99.97% before the fault, 99.0% after (p99 300 ms: practically nothing past the 1.5 s deadline).
        assertThat(1 - okBefore / 1e6).isCloseTo(0.0003, Offset.offset(0.0001));
        assertThat(1 - okAfter / 1e6).isCloseTo(0.01, Offset.offset(0.0005));
    }

    @Test
    void aSlowTransportTimesOutAsOftenAsItsLatencyIsPastTheDeadline() {
        // p50 900 ms, p99 4 s: P(latency > 1.5 s) = 1 - Phi(ln(1500/900) / sigma), sigma = ln(4000/900) / 2.3263.
        Scenario slow = new Scenario(1000, 6, SCENARIO.legacy(), new Scenario.Model(1.0, 900, 4000), List.of());
        BulkOutcomes m = new BulkOutcomes(slow, Duration.ofMillis(1500), Duration.ofMillis(1500), 1);
        double sigma = Math.log(4000 / 900.0) / 2.3263;
        double late = 1 - NormalDistribution.cdf(Math.log(1500 / 900.0) / sigma);
        BulkOutcomes.Counts c = m.draw("new", Duration.ZERO, 1_000_000);
        assertThat(1 - c.succeeded() / 1e6).isCloseTo(late, Offset.offset(0.003));
        assertThat(late).isBetween(0.15, 0.30);
    }
}
