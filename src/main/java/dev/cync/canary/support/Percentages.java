package dev.cync.canary.support;

import java.math.BigDecimal;

/**
 * The one way a share is written as a percentage, for the CLI, the API, logs and the docs: no
 * trailing zeros, no exponent, no rounding ({@code 2500} basis points is {@code "25"}, {@code 50}
 * is {@code "0.5"}, {@code 999500} millionths is {@code "99.95"}). The caller adds the "%".
 */
public final class Percentages {

    private Percentages() {}

    /** A share in basis points (0..10000, 0.01% steps), as the router and the flags hold it. */
    public static String fromBasisPoints(long basisPoints) {
        return format(basisPoints, 2);
    }

    /** A share in millionths (0..1000000), as SLO objectives hold their thresholds. */
    public static String fromMillionths(long millionths) {
        return format(millionths, 4);
    }

    private static String format(long unscaled, int scale) {
        return BigDecimal.valueOf(unscaled, scale).stripTrailingZeros().toPlainString();
    }
}
