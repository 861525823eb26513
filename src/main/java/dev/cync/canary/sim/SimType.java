package dev.cync.canary.sim;

import dev.cync.canary.protocol.Setting;

/** The kinds of device the simulator plays, and which settings each carries out. */
enum SimType {
    PLUG,
    DIMMABLE,
    TUNABLE_WHITE,
    RGB;

    /** Whether a device of this type carries out {@code s}; otherwise it only sends a receipt. */
    boolean takes(Setting s) {
        if (s instanceof Setting.Power) {
            return true;
        }
        if (s instanceof Setting.Brightness) {
            return this != PLUG;
        }
        if (s instanceof Setting.ColorTemp) {
            return this == TUNABLE_WHITE || this == RGB;
        }
        return this == RGB;
    }
}
