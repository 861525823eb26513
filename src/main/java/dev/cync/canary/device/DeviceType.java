package dev.cync.canary.device;

/**
 * What kind of mesh device something is, as far as the controller can tell. The wire carries no
 * type byte the project can read with confidence, so a real device is UNKNOWN until configured;
 * the simulator knows the types it plays.
 */
public enum DeviceType {
    PLUG,
    SWITCH,
    DIMMABLE,
    TUNABLE_WHITE,
    RGB,
    UNKNOWN;

    /** Whether a device of this type takes a brightness command. */
    public boolean dims() {
        return this == DIMMABLE || this == TUNABLE_WHITE || this == RGB || this == UNKNOWN;
    }

    /** Whether it takes a colour temperature command. */
    public boolean tunesWhite() {
        return this == TUNABLE_WHITE || this == RGB || this == UNKNOWN;
    }

    /** Whether it takes an RGB command. */
    public boolean colours() {
        return this == RGB || this == UNKNOWN;
    }
}
