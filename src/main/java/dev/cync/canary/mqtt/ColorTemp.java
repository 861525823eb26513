package dev.cync.canary.mqtt;

/**
 * Colour temperature between the device's scale (0 warmest .. 100 coolest) and Home Assistant's
 * Kelvin (2000 .. 7000): linear, 50 K a step, as Cync's own range is 2000 K to 7000 K.
 */
final class ColorTemp {

    static final int MIN_KELVIN = 2000;
    static final int MAX_KELVIN = 7000;
    private static final int KELVIN_PER_STEP = (MAX_KELVIN - MIN_KELVIN) / 100;

    private ColorTemp() {}

    static int toKelvin(int deviceTemp) {
        return MIN_KELVIN + Math.max(0, Math.min(100, deviceTemp)) * KELVIN_PER_STEP;
    }

    /** @param kelvin within MIN_KELVIN..MAX_KELVIN (checked by the caller) */
    static int toDevice(int kelvin) {
        return Math.round((kelvin - MIN_KELVIN) / (float) KELVIN_PER_STEP);
    }
}
