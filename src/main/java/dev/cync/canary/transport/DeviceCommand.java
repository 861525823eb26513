package dev.cync.canary.transport;

import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.protocol.PowerCommand;

/**
 * A command for one device: set its power on or off. Setting a state is idempotent, so it may be
 * retried and mirrored; a toggle (the intent "flip whatever it is") is not, and is marked so: its
 * wire form is a set-state computed from the last known state, and sending it twice would be wrong
 * the moment that state changed in between.
 *
 * @param meshId the target mesh id carried in the power command (2 bytes)
 */
public record DeviceCommand(DeviceId deviceId, boolean on, int meshId, boolean idempotent) {

    public DeviceCommand {
        if (deviceId == null) {
            throw new IllegalArgumentException("a command needs a device id");
        }
        if (meshId < 0 || meshId > 0xFFFF) {
            throw new IllegalArgumentException("mesh id must be 0..65535, got " + meshId);
        }
    }

    /** Set the power state: idempotent. */
    public static DeviceCommand power(DeviceId deviceId, boolean on) {
        return new DeviceCommand(deviceId, on, 0, true);
    }

    /** Flip the power state, given the state last known: not idempotent. */
    public static DeviceCommand toggle(DeviceId deviceId, boolean lastKnownOn) {
        return new DeviceCommand(deviceId, !lastKnownOn, 0, false);
    }

    /** The wire form with the connection's sequence number. */
    PowerCommand toPowerCommand(int sequence) {
        return new PowerCommand(deviceId, sequence, meshId, on);
    }
}
