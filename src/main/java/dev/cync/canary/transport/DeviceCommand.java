package dev.cync.canary.transport;

import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.protocol.MeshCommand;
import dev.cync.canary.protocol.Setting;

/**
 * A command for the mesh: a {@link Setting} (power, brightness, colour temperature, RGB) for a
 * target (a mesh id, a group id, or the whole mesh), sent through one endpoint's connection.
 * Every setting is a state, so every command made by the factories is idempotent and may be
 * retried and mirrored; {@link #toggle} (the intent "flip it") is not, and is marked so.
 *
 * <p>Commands are usually made by mesh id with the endpoint left open ({@code endpoint == null});
 * {@link Targets#resolve} fills it in from the device state model before routing, or leaves it
 * open when no connection reported the mesh id, and the command then fails as
 * {@code unknown_target} without anything being sent. A command made for an endpoint
 * ({@link #power(DeviceId, boolean)}, {@link #to}) targets that endpoint's own mesh id
 * ({@link #OWN_MESH_ID} until resolved).
 *
 * @param endpoint the connection to send through, or null until resolved
 * @param target a mesh id (1..0x7fff), a group id (0x8000..0xfffe), {@link MeshCommand#WHOLE_MESH},
 *     or {@link #OWN_MESH_ID}
 */
public record DeviceCommand(DeviceId endpoint, int target, Setting setting, boolean idempotent) {

    /** Placeholder target: the own mesh id of {@code endpoint}, learned from its reports. */
    public static final int OWN_MESH_ID = 0;
    /** Colour temperature in Kelvin at the API: 2000 K is 0 on the wire, 7000 K is 100. */
    public static final int MIN_KELVIN = 2000;

    public static final int MAX_KELVIN = 7000;

    public DeviceCommand {
        if (setting == null) {
            throw new IllegalArgumentException("a command needs a setting");
        }
        if (target < 0 || target > 0xFFFF) {
            throw new IllegalArgumentException("target must be 0..65535, got " + target);
        }
        if (endpoint == null && target == OWN_MESH_ID) {
            throw new IllegalArgumentException("a command needs a mesh id or an endpoint");
        }
    }

    // ---- contract C2: by mesh id, the endpoint resolved from the state model ----

    public static DeviceCommand power(int meshId, boolean on) {
        return mesh(meshId, new Setting.Power(on));
    }

    /** Brightness 0..100. */
    public static DeviceCommand brightness(int meshId, int level) {
        return mesh(meshId, new Setting.Brightness(level));
    }

    /** Colour temperature 0 (warm) .. 100 (cool), as on the wire. */
    public static DeviceCommand colorTemp(int meshId, int temp) {
        return mesh(meshId, new Setting.ColorTemp(temp));
    }

    /** Colour temperature in Kelvin, 2000..7000, mapped linearly onto 0..100. */
    public static DeviceCommand colorTempKelvin(int meshId, int kelvin) {
        return colorTemp(meshId, kelvinToPercent(kelvin));
    }

    public static DeviceCommand rgb(int meshId, int red, int green, int blue) {
        return mesh(meshId, new Setting.Rgb(red, green, blue));
    }

    /** Any setting for a mesh id, a group id (>= 0x8000) or the whole mesh (0xffff). */
    public static DeviceCommand mesh(int target, Setting setting) {
        if (target < 1 || target > 0xFFFF) {
            throw new IllegalArgumentException("mesh id must be 1..65535 (0 is never a target), got " + target);
        }
        return new DeviceCommand(null, target, setting, true);
    }

    // ---- by endpoint: the endpoint's own mesh id ----

    public static DeviceCommand power(DeviceId endpoint, boolean on) {
        return to(endpoint, new Setting.Power(on));
    }

    public static DeviceCommand to(DeviceId endpoint, Setting setting) {
        if (endpoint == null) {
            throw new IllegalArgumentException("a command for an endpoint needs the endpoint");
        }
        return new DeviceCommand(endpoint, OWN_MESH_ID, setting, true);
    }

    /** Flip the power state, given the state last known: not idempotent. */
    public static DeviceCommand toggle(DeviceId endpoint, boolean lastKnownOn) {
        return new DeviceCommand(endpoint, OWN_MESH_ID, new Setting.Power(!lastKnownOn), false);
    }

    public static int kelvinToPercent(int kelvin) {
        if (kelvin < MIN_KELVIN || kelvin > MAX_KELVIN) {
            throw new IllegalArgumentException(
                    "colour temperature must be " + MIN_KELVIN + ".." + MAX_KELVIN + " K, got " + kelvin);
        }
        return Math.round((kelvin - MIN_KELVIN) * 100f / (MAX_KELVIN - MIN_KELVIN));
    }

    /** The endpoint the command goes through; null until resolved. (The name the router and API use.) */
    public DeviceId deviceId() {
        return endpoint;
    }

    /** Whether {@link Targets#resolve} found where to send it. */
    public boolean resolved() {
        return endpoint != null && target != OWN_MESH_ID;
    }

    /**
     * The id the canary router hashes: the endpoint (the connection both arms send through, the
     * same id as the {@code route} command and the hello), or {@code mesh-N} for a command whose
     * mesh id no connection reported (it fails as unknown_target whichever arm it lands on).
     */
    public String routingId() {
        return endpoint != null ? endpoint.toString() : "mesh-" + target;
    }

    public DeviceCommand resolvedTo(DeviceId through, int meshTarget) {
        return new DeviceCommand(through, meshTarget, setting, idempotent);
    }

    /** The inner opcode the execution ack must carry. */
    public int opcode() {
        return setting.opcode();
    }

    /** The wire form with the connection's sequence number (bytes 9..11 = {@code 00 seq 00}). */
    public MeshCommand toMeshCommand(int sequence) {
        return new MeshCommand(endpoint, sequence << 8, sequence, target, setting);
    }

    @Override
    public String toString() {
        return setting.describe() + " -> " + (target == OWN_MESH_ID ? "own mesh id" : String.format("mesh %d", target))
                + (endpoint == null ? "" : " via " + endpoint);
    }
}
