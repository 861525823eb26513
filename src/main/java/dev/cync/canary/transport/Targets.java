package dev.cync.canary.transport;

import dev.cync.canary.device.DeviceRegistry;
import dev.cync.canary.device.DeviceSession;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.protocol.MeshCommand;

/**
 * Finds where a command goes (docs/protocol.md, "Mesh ids and endpoints"): a mesh id through the
 * connection whose device reported it as its own, else one that relays it; a group or the whole
 * mesh through any connected endpoint (the lowest id, so it is stable); an endpoint's command to
 * its own reported mesh id. What cannot be resolved stays unresolved and fails as
 * {@code unknown_target}: nothing is ever sent to mesh id {@code 00 00}.
 */
public final class Targets {

    private Targets() {}

    public static DeviceCommand resolve(DeviceCommand c, DeviceRegistry registry) {
        if (c.resolved()) {
            return c;
        }
        if (c.endpoint() != null) {
            DeviceSession s = registry.find(c.endpoint());
            return s != null && s.ownMeshId() > 0 ? c.resolvedTo(c.endpoint(), s.ownMeshId()) : c;
        }
        if (c.target() < MeshCommand.FIRST_GROUP) {
            DeviceId through = registry.endpointFor(c.target());
            return through == null ? c : c.resolvedTo(through, c.target());
        }
        DeviceId any = null;
        for (DeviceId id : registry.connectedIds()) {
            if (any == null || id.compareTo(any) < 0) {
                any = id;
            }
        }
        return any == null ? c : c.resolvedTo(any, c.target());
    }
}
