package dev.cync.canary.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * A million synthetic ids spread over the 10,000 buckets as a uniform hash would: Pearson's
 * chi-square inside the two-sided 0.1% band, realised canary shares within 3.29 sigma, and no
 * clustering of consecutive ids.
 */
class RoutingDistributionTest {

    static final int N = 1_000_000;
    static final double Z = 3.2905; // two-sided 0.1%
    static final String SALT = "cync-canary";

    static int[] buckets(IntFunction<String> id) {
        int[] b = new int[N];
        for (int i = 0; i < N; i++) {
            b[i] = CanaryRouter.bucket(SALT, id.apply(i));
        }
        return b;
    }

    static void uniform(int[] b) {
        long[] counts = new long[RoutingConfig.BUCKETS];
        for (int x : b) {
            counts[x]++;
        }
        double expected = (double) N / RoutingConfig.BUCKETS;
        double chi2 = 0;
        for (long c : counts) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        int df = RoutingConfig.BUCKETS - 1;
        // Wilson-Hilferty: chi-square quantiles from normal ones.
        double lo = df * Math.pow(1 - 2.0 / (9 * df) - Z * Math.sqrt(2.0 / (9 * df)), 3);
        double hi = df * Math.pow(1 - 2.0 / (9 * df) + Z * Math.sqrt(2.0 / (9 * df)), 3);
        assertThat(chi2)
                .as("chi-square over %d buckets (band %.0f..%.0f)", RoutingConfig.BUCKETS, lo, hi)
                .isBetween(lo, hi);
        for (int bp : new int[] {50, 1000, 2500, 5000}) {
            double p = bp / 10_000.0;
            long on = 0;
            for (int x : b) {
                if (x < bp) {
                    on++;
                }
            }
            double sigma = Math.sqrt(p * (1 - p) / N);
            assertThat(on / (double) N).as("share at %d bp", bp).isBetween(p - Z * sigma, p + Z * sigma);
        }
    }

    @Test
    void sequentialIdsAreUniform() {
        uniform(buckets(i -> String.format("dev-%07d", i + 1)));
    }

    @Test
    void randomIdsAreUniform() {
        Random r = new Random(42);
        uniform(buckets(i -> String.format("%08x", r.nextInt())));
    }

    @Test
    void consecutiveIdsDoNotCluster() {
        int[] b = buckets(i -> String.format("dev-%07d", i + 1));
        double p = 0.10;
        long pairs = 0;
        for (int i = 1; i < N; i++) {
            if (b[i] < 1000 && b[i - 1] < 1000) {
                pairs++;
            }
        }
        // Independent neighbours: both on the canary with probability p^2.
        double expected = (N - 1) * p * p;
        double sigma = Math.sqrt((N - 1) * p * p * (1 - p * p) * (1 + 2 * p));
        assertThat((double) pairs).isBetween(expected - Z * sigma, expected + Z * sigma);
        // And the gap between neighbours' buckets is spread like two independent uniforms (mean 10000/3).
        double meanGap = 0;
        for (int i = 1; i < N; i++) {
            meanGap += Math.abs(b[i] - b[i - 1]);
        }
        meanGap /= N - 1;
        assertThat(meanGap).isBetween(3300.0, 3367.0);
    }
}
