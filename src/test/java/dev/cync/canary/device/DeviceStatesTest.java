package dev.cync.canary.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.protocol.StateEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceStatesTest {

    private static final DeviceId OWN = new DeviceId(0x409e0001);
    private static final DeviceId BRIDGE = new DeviceId(0x409e0000);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final DeviceStates states = new DeviceStates(16);
    private final List<MeshDeviceState> seen = new ArrayList<>();

    private static StateEntry entry(boolean own, int meshId, boolean on, int brightness) {
        return new StateEntry(
                own ? StateEntry.OWN : StateEntry.OWN + 1, meshId, on, brightness, 50, 0, 0, 0, true, 0, 1);
    }

    @Test
    void aRelayedReportDoesNotOverwriteWhatTheDeviceReportedItselfWhileItsConnectionIsUp() {
        states.entry(OWN, entry(true, 2, true, 40), T0);
        // The bridge's 0x43, built before the device switched on, arrives after the device's own report.
        states.entry(BRIDGE, entry(false, 2, false, 0), T0.plusSeconds(1));
        MeshDeviceState s = states.get(2).orElseThrow();
        assertThat(s.on()).isTrue();
        assertThat(s.brightness()).isEqualTo(40);
        assertThat(s.endpoint()).isEqualTo(OWN);
        assertThat(s.relayed()).isFalse();
    }

    @Test
    void whenTheOwnConnectionClosesTheDeviceIsOfflineAndListenersHearItThenARelayedReportTakesOver() {
        states.addListener(seen::add);
        states.entry(OWN, entry(true, 2, true, 40), T0);
        states.disconnected(OWN);
        assertThat(seen).hasSize(2);
        assertThat(seen.get(1).online()).isFalse();
        assertThat(states.get(2).orElseThrow().online()).isFalse();
        // Reachable again through the bridge that relays it.
        states.entry(BRIDGE, entry(false, 2, false, 0), T0.plusSeconds(1));
        MeshDeviceState s = states.get(2).orElseThrow();
        assertThat(s.online()).isTrue();
        assertThat(s.relayed()).isTrue();
        assertThat(s.endpoint()).isEqualTo(BRIDGE);
        assertThat(s.on()).isFalse();
    }
}
