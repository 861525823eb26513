package dev.cync.canary.mqtt;

import dev.cync.canary.device.DeviceStateView;
import dev.cync.canary.device.MeshDeviceState;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The bridge's {@link DeviceView} over the controller's device state model. Availability needs no
 * extra bookkeeping here: the model marks every mesh device reached through a connection offline
 * when that connection closes, and tells its listeners, so Home Assistant sees it unavailable.
 */
public final class StateModelView implements DeviceView {

    private final DeviceStateView states;

    public StateModelView(DeviceStateView states) {
        this.states = states;
    }

    static BridgedDevice bridged(MeshDeviceState s) {
        return new BridgedDevice(
                s.meshId(),
                s.endpoint().toString(),
                BridgedType.valueOf(s.type().name()),
                s.on(),
                s.brightness(),
                s.colorTemp(),
                s.rgbMode(),
                s.red(),
                s.green(),
                s.blue(),
                s.online(),
                s.firmware());
    }

    @Override
    public List<BridgedDevice> all() {
        return states.all().stream().map(StateModelView::bridged).toList();
    }

    @Override
    public Optional<BridgedDevice> get(int meshId) {
        return states.get(meshId).map(StateModelView::bridged);
    }

    @Override
    public void addListener(Consumer<BridgedDevice> listener) {
        states.addListener(s -> listener.accept(bridged(s)));
    }
}
