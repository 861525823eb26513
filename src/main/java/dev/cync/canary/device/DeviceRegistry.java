package dev.cync.canary.device;

import dev.cync.canary.protocol.DeviceId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices connected now, by id. A device that connects again replaces its old session, which
 * is closed (its pending commands fail as disconnected). Thread-safe.
 */
public final class DeviceRegistry {

    private static final Logger log = LoggerFactory.getLogger(DeviceRegistry.class);

    /** Mesh ids in the state model at most; a real mesh is far smaller (0x43 has one byte for it). */
    public static final int MAX_MESH_DEVICES = 65_536;

    private final ConcurrentHashMap<DeviceId, DeviceSession> sessions = new ConcurrentHashMap<>();
    private final DeviceStates states = new DeviceStates(MAX_MESH_DEVICES);

    /** The device state model fed by every connection. */
    public DeviceStates states() {
        return states;
    }

    /**
     * The endpoint to send a command for {@code meshId} through: the connected device that reported
     * it as its own, else a connected one that relays it; null when no connection reported it.
     */
    public DeviceId endpointFor(int meshId) {
        var s = states.get(meshId);
        if (s.isPresent()) {
            DeviceSession own = sessions.get(s.get().endpoint());
            if (own != null && own.isOpen()) {
                return own.deviceId();
            }
        }
        for (DeviceSession session : sessions.values()) {
            if (session.isOpen() && (session.ownMeshId() == meshId || session.relays(meshId))) {
                return session.deviceId();
            }
        }
        return null;
    }

    /** The session of a connected device, or null. */
    public DeviceSession find(DeviceId id) {
        return sessions.get(id);
    }

    public int size() {
        return sessions.size();
    }

    public Collection<DeviceSession> sessions() {
        return sessions.values();
    }

    /** The ids connected now, as a fresh list (for load generators and listings). */
    public List<DeviceId> connectedIds() {
        return new ArrayList<>(sessions.keySet());
    }

    void register(DeviceSession session) {
        DeviceSession old = sessions.put(session.deviceId(), session);
        if (old != null && old != session) {
            log.info(
                    "device {} reconnected from {}; closing its previous connection",
                    session.deviceId(),
                    session.remoteAddress());
            old.close();
        }
    }

    void unregister(DeviceSession session) {
        DeviceId id = session.deviceId();
        if (id != null && sessions.remove(id, session)) {
            states.disconnected(id);
        }
    }
}
