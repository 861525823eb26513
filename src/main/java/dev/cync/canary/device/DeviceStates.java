package dev.cync.canary.device;

import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.protocol.StateEntry;
import dev.cync.canary.protocol.StatusReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device state model: per mesh id, the last reported state and which connection reaches it.
 * Fed by 0x43 entries, 0x83 own-state reports and mesh-query answers from every session.
 *
 * <p>Bounded: at most {@code capacity} mesh ids (a mesh id is one byte in 0x43 and two in 0x83, so
 * a real mesh is far smaller); a report for a new mesh id beyond that is counted and dropped.
 *
 * <p>Routing rule (docs/protocol.md): a mesh id is reached through the connection whose device reported
 * it as its own; failing that, one that relays it. An own report always replaces a relayed one;
 * a relayed one is ignored while the device's own connection is up (its state and its route).
 *
 * <p>Threading: one lock around the map; every change is one read-modify-write under it, and
 * listeners run after it is released.
 */
public final class DeviceStates implements DeviceStateView {

    private static final Logger log = LoggerFactory.getLogger(DeviceStates.class);

    private final int capacity;
    private final Object lock = new Object();
    private final TreeMap<Integer, MeshDeviceState> byMesh = new TreeMap<>();
    private final TreeMap<Integer, DeviceType> types = new TreeMap<>();
    private final List<Consumer<MeshDeviceState>> listeners = new CopyOnWriteArrayList<>();
    private long dropped;

    public DeviceStates(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("device state capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public List<MeshDeviceState> all() {
        synchronized (lock) {
            return List.copyOf(byMesh.values());
        }
    }

    @Override
    public Optional<MeshDeviceState> get(int meshId) {
        synchronized (lock) {
            return Optional.ofNullable(byMesh.get(meshId));
        }
    }

    /** The mesh devices reached through {@code endpoint}: its own first, then those it relays. */
    public List<MeshDeviceState> reachedThrough(DeviceId endpoint) {
        List<MeshDeviceState> out = new ArrayList<>();
        for (MeshDeviceState s : all()) {
            if (s.endpoint().equals(endpoint)) {
                out.add(s);
            }
        }
        out.sort((a, b) -> Boolean.compare(a.relayed(), b.relayed()));
        return out;
    }

    @Override
    public void addListener(Consumer<MeshDeviceState> listener) {
        listeners.add(listener);
    }

    /** Reports for new mesh ids dropped because the model was full. */
    public long dropped() {
        synchronized (lock) {
            return dropped;
        }
    }

    /** Declares a mesh device's type (the simulator's, or an operator's configuration). */
    public void type(int meshId, DeviceType type) {
        synchronized (lock) {
            types.put(meshId, type);
        }
    }

    /** A 0x43 state entry that arrived on {@code endpoint}'s connection. */
    void entry(DeviceId endpoint, StateEntry e, Instant now) {
        boolean rgb = e.colorTemp() > 100;
        // A 0x43 says brightness 0 whenever the device is off; the level it returns to is the last one seen.
        apply(
                e.meshId(),
                endpoint,
                !e.own(),
                e.on(),
                e.on() ? e.brightness() : -1,
                rgb ? -1 : e.colorTemp(),
                rgb,
                e.red(),
                e.green(),
                e.blue(),
                e.online(),
                now,
                null);
    }

    /** A 42-byte own-state 0x83 from {@code endpoint}'s connection. */
    void ownStatus(DeviceId endpoint, StatusReport r, Instant now) {
        boolean rgb = r.colorTemp() > 100;
        apply(
                r.meshId(),
                endpoint,
                false,
                r.on(),
                r.brightness(),
                rgb ? -1 : r.colorTemp(),
                rgb,
                r.red(),
                r.green(),
                r.blue(),
                r.online(),
                now,
                null);
    }

    /** A mesh id listed in a mesh-query answer on {@code endpoint}'s connection; state only if new. */
    void listed(DeviceId endpoint, int meshId, boolean on, int brightness, int colorTemp, Instant now) {
        synchronized (lock) {
            if (byMesh.containsKey(meshId)) {
                return;
            }
        }
        apply(meshId, endpoint, true, on, brightness, Math.min(colorTemp, 100), false, 0, 0, 0, true, now, null);
    }

    /** A firmware version report from the device whose own mesh id is {@code meshId}. */
    void firmware(int meshId, String firmware) {
        MeshDeviceState changed = null;
        synchronized (lock) {
            MeshDeviceState s = byMesh.get(meshId);
            if (s != null && !firmware.equals(s.firmware())) {
                changed = s.withFirmware(firmware);
                byMesh.put(meshId, changed);
            }
        }
        notify(changed);
    }

    /** The connection of {@code endpoint} closed: what it reported stays, marked offline if it was its own. */
    void disconnected(DeviceId endpoint) {
        List<MeshDeviceState> changed = new ArrayList<>();
        synchronized (lock) {
            for (MeshDeviceState s : byMesh.values()) {
                if (s.endpoint().equals(endpoint) && s.online()) {
                    changed.add(s.offline());
                }
            }
            for (MeshDeviceState s : changed) {
                byMesh.put(s.meshId(), s);
            }
        }
        changed.forEach(this::notify);
    }

    private void apply(
            int meshId,
            DeviceId endpoint,
            boolean relayed,
            boolean on,
            int brightness,
            int colorTemp,
            boolean rgbMode,
            int r,
            int g,
            int b,
            boolean online,
            Instant now,
            String firmware) {
        MeshDeviceState next;
        synchronized (lock) {
            MeshDeviceState prev = byMesh.get(meshId);
            if (prev == null && byMesh.size() >= capacity) {
                dropped++;
                if (dropped == 1 || dropped % 1000 == 0) {
                    log.warn(
                            "device state model full ({} mesh ids): dropped a report for mesh id {} ({} so far); raise"
                                    + " server.maxMeshDevices",
                            capacity,
                            meshId,
                            dropped);
                }
                return;
            }
            if (prev != null && relayed && !prev.relayed() && !prev.endpoint().equals(endpoint) && prev.online()) {
                // The device's own connection is up and reports every change itself; a relayed report is
                // second-hand and travels on another connection, so it can be older than the device's own
                // latest (a bridge's 0x43 built just before a command executed, read just after). Taking it
                // would show a switched light as unswitched until the next own report.
                return;
            }
            int temp = colorTemp < 0 ? (prev == null ? 0 : prev.colorTemp()) : colorTemp;
            int level = brightness < 0 ? (prev == null ? 0 : prev.brightness()) : brightness;
            next = new MeshDeviceState(
                    meshId,
                    endpoint,
                    relayed,
                    types.getOrDefault(meshId, DeviceType.UNKNOWN),
                    on,
                    level,
                    temp,
                    rgbMode,
                    r,
                    g,
                    b,
                    online,
                    now,
                    prev == null ? firmware : prev.firmware());
            if (next.equals(prev)) {
                return;
            }
            byMesh.put(meshId, next);
        }
        notify(next);
    }

    private void notify(MeshDeviceState s) {
        if (s == null) {
            return;
        }
        for (Consumer<MeshDeviceState> l : listeners) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                log.warn("a device state listener failed on mesh id {}: {}", s.meshId(), e.toString());
            }
        }
    }
}
