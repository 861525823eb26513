package dev.cync.canary.device;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The mesh devices as last reported (contract C2; issues 14 and 15 read it). */
public interface DeviceStateView {

    /** Every known mesh device, by mesh id. */
    List<MeshDeviceState> all();

    Optional<MeshDeviceState> get(int meshId);

    /** Called after each change (from 0x43, 0x83, execution acks), outside locks; must not block. */
    void addListener(Consumer<MeshDeviceState> listener);
}
