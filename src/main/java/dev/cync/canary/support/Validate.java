package dev.cync.canary.support;

import java.time.Duration;

/** Precise messages for invalid settings: the setting's name, the value, and what is allowed. */
public final class Validate {

    private Validate() {}

    public static void port(String name, int port) {
        range(name, port, 0, 65535);
    }

    public static void range(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": must be between " + min + " and " + max + ", got " + value);
        }
    }

    public static void range(String name, double value, double min, double max) {
        if (Double.isNaN(value) || value < min || value > max) {
            throw new IllegalArgumentException(name + ": must be between " + min + " and " + max + ", got " + value);
        }
    }

    public static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": must be a positive duration like 500ms, 10s or 5m, got " + d);
        }
    }

    public static void notNegative(String name, Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + ": must not be negative, got " + d);
        }
    }
}
