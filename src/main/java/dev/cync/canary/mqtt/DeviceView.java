package dev.cync.canary.mqtt;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The bridge's read-only view of the device state model (the model's {@code DeviceStateView},
 * mapped to {@link BridgedDevice}). State reaches Home Assistant only through here: the bridge
 * never publishes a state the device has not reported.
 */
public interface DeviceView {

    List<BridgedDevice> all();

    Optional<BridgedDevice> get(int meshId);

    /** Called after each change of a device, outside locks, possibly on a device I/O thread; the listener never blocks. */
    void addListener(Consumer<BridgedDevice> listener);
}
