package dev.cync.canary.mqtt;

/**
 * What kind of device a mesh device is, as the bridge needs it: the same values as the device
 * state model's {@code DeviceType}, so the adapter maps them by name. It decides the Home Assistant
 * component (plugs and on/off switches are {@code switch}, the rest {@code light}) and the colour
 * modes; a device of unknown type is a dimmable light.
 */
public enum BridgedType {
    PLUG,
    SWITCH,
    DIMMABLE,
    TUNABLE_WHITE,
    RGB,
    UNKNOWN;

    boolean isSwitch() {
        return this == PLUG || this == SWITCH;
    }
}
