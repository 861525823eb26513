package dev.cync.canary.mqtt;

/**
 * One mesh device as last reported, as the bridge sees it: the fields of the device state model's
 * {@code MeshDeviceState} that Home Assistant needs, in the device's own units.
 *
 * @param endpoint the id of the device connection it is reached through (shown in Home Assistant)
 * @param brightness 0..100
 * @param colorTemp 0 (warmest) .. 100 (coolest), the device's scale
 * @param rgbMode true when the device reports that it shows its RGB colour
 * @param online whether the device is connected and reported online
 * @param firmware null when unknown
 */
public record BridgedDevice(
        int meshId,
        String endpoint,
        BridgedType type,
        boolean on,
        int brightness,
        int colorTemp,
        boolean rgbMode,
        int red,
        int green,
        int blue,
        boolean online,
        String firmware) {

    public BridgedDevice {
        if (meshId < 0 || meshId > 0xFFFF) {
            throw new IllegalArgumentException("mesh id must be 0..65535, got " + meshId);
        }
        if (type == null) {
            throw new IllegalArgumentException("a bridged device needs a type");
        }
    }
}
