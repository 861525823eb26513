package dev.cync.canary.device;

import dev.cync.canary.protocol.DeviceId;
import java.time.Instant;

/**
 * One mesh device as last reported (contract C2). {@code on} comes from the state byte, never from
 * brightness (a 0x83 keeps the brightness when off). {@code colorTemp} is 0..100; {@code rgbMode}
 * is true when the device reports RGB (a 0x43 colour temperature above 100).
 *
 * @param endpoint the connection that reaches it: its own when it reported itself, else a bridge
 *     that relays it
 * @param relayed true when the state came from another device's relayed entry
 * @param firmware null when unknown
 */
public record MeshDeviceState(
        int meshId,
        DeviceId endpoint,
        boolean relayed,
        DeviceType type,
        boolean on,
        int brightness,
        int colorTemp,
        boolean rgbMode,
        int red,
        int green,
        int blue,
        boolean online,
        Instant lastReport,
        String firmware) {

    /** This state with {@code version} as its firmware; everything else as reported. */
    MeshDeviceState withFirmware(String version) {
        return new MeshDeviceState(
                meshId,
                endpoint,
                relayed,
                type,
                on,
                brightness,
                colorTemp,
                rgbMode,
                red,
                green,
                blue,
                online,
                lastReport,
                version);
    }

    /** This state marked offline: what the device last reported stays, for the page and Home Assistant. */
    MeshDeviceState offline() {
        return new MeshDeviceState(
                meshId,
                endpoint,
                relayed,
                type,
                on,
                brightness,
                colorTemp,
                rgbMode,
                red,
                green,
                blue,
                false,
                lastReport,
                firmware);
    }
}
