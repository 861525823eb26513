package dev.cync.canary.support;

/**
 * The standard normal distribution, as far as the SLO statistics (p-values of a breach) and the
 * rehearsal's latency model (log-normal percentiles) need it: one approximation of the
 * complementary error function, so both compute with the same numbers.
 */
public final class NormalDistribution {

    /** Numerical Recipes' erfcc: Chebyshev coefficients of the polynomial in t, lowest power first. */
    private static final double[] ERFCC = {
        1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277
    };

    private NormalDistribution() {}

    /**
     * The complementary error function, 1 - erf(x) (Numerical Recipes' erfcc, fractional error below
     * 1.2e-7 everywhere): enough for p-values compared with thresholds like 1e-7 and for latency
     * shares, and no library to pull in for it.
     */
    public static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        // Horner's rule from the highest power down: the same operations, in the same order, as the
        // book's nested expression, so results are bit for bit those of the earlier copies.
        double poly = ERFCC[ERFCC.length - 1];
        for (int i = ERFCC.length - 2; i >= 0; i--) {
            poly = ERFCC[i] + t * poly;
        }
        double r = t * Math.exp(-z * z - 1.26551223 + t * poly);
        return x >= 0 ? r : 2 - r;
    }

    /** P(Z <= z) for a standard normal Z. */
    public static double cdf(double z) {
        return 0.5 * erfc(-z / Math.sqrt(2));
    }
}
