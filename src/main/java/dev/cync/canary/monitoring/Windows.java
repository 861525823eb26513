package dev.cync.canary.monitoring;

import java.time.Duration;
import java.util.List;

/**
 * The windows the recorded ratios exist for, and the multi-window, multi-burn-rate pairs of each
 * objective window: the SRE workbook's pairs for 30 days (page 14.4x over 1h and 5m, 6x over 6h
 * and 30m; ticket 3x over 1d and 2h, 1x over 3d and 6h), and for shorter objectives the same idea
 * with windows shrunk toward the objective's and rounded to recorded windows (docs/monitoring.md).
 */
final class Windows {

    static final List<String> SHORT = List.of("5m", "10m", "30m", "1h", "2h", "6h");
    static final List<String> LONG = List.of("1d", "3d", "7d", "30d");

    /** One pair: burn rate above {@code factor} over both the long and the short window. */
    record Pair(String longWindow, String shortWindow, double factor) {}

    record BurnSet(List<Pair> page, List<Pair> ticket) {}

    private Windows() {}

    static BurnSet burnSet(Duration objectiveWindow) {
        long days = objectiveWindow.toDays();
        if (days >= 30) {
            return new BurnSet(
                    List.of(new Pair("1h", "5m", 14.4), new Pair("6h", "30m", 6)),
                    List.of(new Pair("1d", "2h", 3), new Pair("3d", "6h", 1)));
        }
        if (days >= 7) {
            return new BurnSet(
                    List.of(new Pair("10m", "5m", 14.4), new Pair("1h", "5m", 6)),
                    List.of(new Pair("6h", "30m", 3), new Pair("1d", "2h", 1)));
        }
        if (objectiveWindow.toHours() >= 24) {
            return new BurnSet(
                    List.of(new Pair("10m", "5m", 14.4), new Pair("30m", "5m", 6)),
                    List.of(new Pair("2h", "10m", 3), new Pair("6h", "30m", 1)));
        }
        return new BurnSet(List.of(new Pair("10m", "5m", 14.4)), List.of(new Pair("30m", "5m", 3)));
    }

    static Duration parse(String w) {
        char unit = w.charAt(w.length() - 1);
        long n = Long.parseLong(w.substring(0, w.length() - 1));
        return switch (unit) {
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** The Prometheus duration of an objective's window (30d, 7d, 24h -> 1d, 1h). */
    static String of(Duration d) {
        if (d.toDays() > 0 && d.toHours() % 24 == 0) {
            return d.toDays() + "d";
        }
        if (d.toHours() > 0 && d.toMinutes() % 60 == 0) {
            return d.toHours() + "h";
        }
        return d.toMinutes() + "m";
    }
}
