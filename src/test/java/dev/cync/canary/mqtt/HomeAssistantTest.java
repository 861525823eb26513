package dev.cync.canary.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.support.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Discovery configs, state payloads and command parsing, without a broker. */
class HomeAssistantTest {

    private final Topics topics = Topics.of(MqttConfig.off());
    private final HomeAssistant ha = new HomeAssistant(topics, "1.2.3");
    private final ObjectMapper json = Json.mapper();

    private static BridgedDevice device(BridgedType type) {
        return new BridgedDevice(7, "409e0007", type, true, 60, 50, false, 1, 2, 3, true, null);
    }

    private HomeAssistant.Command parse(BridgedType type, String payload) {
        return ha.parse(device(type), payload.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void colourModesFollowTheTypeAndAnUnknownDeviceIsADimmableLight() throws Exception {
        assertThat(HomeAssistant.colorModes(BridgedType.UNKNOWN)).containsExactly("brightness");
        assertThat(HomeAssistant.colorModes(BridgedType.DIMMABLE)).containsExactly("brightness");
        assertThat(HomeAssistant.colorModes(BridgedType.TUNABLE_WHITE)).containsExactly("color_temp");
        assertThat(HomeAssistant.colorModes(BridgedType.RGB)).containsExactly("color_temp", "rgb");
        assertThat(topics.discovery(BridgedType.UNKNOWN, "cync_7")).isEqualTo("homeassistant/light/cync_7/config");
        assertThat(topics.discovery(BridgedType.PLUG, "cync_7")).isEqualTo("homeassistant/switch/cync_7/config");
        JsonNode rgb = json.readTree(ha.discovery(device(BridgedType.RGB)));
        assertThat(rgb.get("color_temp_kelvin").asBoolean()).isTrue();
        assertThat(rgb.get("min_kelvin").asInt()).isEqualTo(2000);
        assertThat(rgb.get("max_kelvin").asInt()).isEqualTo(7000);
        assertThat(rgb.at("/device/sw_version").isMissingNode())
                .as("no firmware report, no sw_version")
                .isTrue();
        JsonNode plug = json.readTree(ha.discovery(device(BridgedType.PLUG)));
        assertThat(plug.get("device_class").asText()).isEqualTo("outlet");
        assertThat(plug.has("schema")).isFalse();
    }

    @Test
    void theStateIsWhatTheDeviceReportsInHomeAssistantsUnits() throws Exception {
        JsonNode tunable = json.readTree(ha.state(device(BridgedType.TUNABLE_WHITE)));
        assertThat(tunable.get("color_temp").asInt()).isEqualTo(4500);
        assertThat(tunable.get("brightness").asInt()).isEqualTo(60);
        BridgedDevice rgbMode =
                new BridgedDevice(7, "409e0007", BridgedType.RGB, false, 10, 0, true, 255, 128, 0, true, "x");
        JsonNode rgb = json.readTree(ha.state(rgbMode));
        assertThat(rgb.get("state").asText()).isEqualTo("OFF");
        assertThat(rgb.get("color_mode").asText()).isEqualTo("rgb");
        assertThat(rgb.at("/color/g").asInt()).isEqualTo(128);
        assertThat(ha.state(device(BridgedType.SWITCH))).isEqualTo("ON");
    }

    @Test
    void kelvinAndTheDeviceScaleMapBothWays() {
        assertThat(ColorTemp.toKelvin(0)).isEqualTo(2000);
        assertThat(ColorTemp.toKelvin(100)).isEqualTo(7000);
        for (int t = 0; t <= 100; t++) {
            assertThat(ColorTemp.toDevice(ColorTemp.toKelvin(t))).isEqualTo(t);
        }
        assertThat(ColorTemp.toDevice(2024)).isZero();
        assertThat(ColorTemp.toDevice(2026)).isEqualTo(1);
    }

    @Test
    void validCommandsBecomeDeviceUnits() {
        assertThat(parse(BridgedType.PLUG, "OFF")).isEqualTo(new HomeAssistant.Command(false, null, null, null));
        HomeAssistant.Command c =
                parse(BridgedType.TUNABLE_WHITE, "{\"state\":\"ON\",\"brightness\":1,\"color_temp\":7000}");
        assertThat(c.on()).isTrue();
        assertThat(c.brightness()).isEqualTo(1);
        assertThat(c.colorTemp()).isEqualTo(100);
        assertThat(parse(BridgedType.RGB, "{\"color\":{\"r\":0,\"g\":255,\"b\":9}}")
                        .rgb())
                .containsExactly(0, 255, 9);
    }

    @Test
    void invalidCommandsAreRefusedWithOneLineThatSaysWhy() {
        assertThatThrownBy(() -> parse(BridgedType.SWITCH, "on")).hasMessage("a switch takes ON or OFF, got 'on'");
        assertThatThrownBy(() -> parse(BridgedType.DIMMABLE, "{\"brightness\":101}"))
                .hasMessage("brightness must be a whole number from 0 to 100, got 101");
        assertThatThrownBy(() -> parse(BridgedType.DIMMABLE, "{\"brightness\":50.5}"))
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> parse(BridgedType.DIMMABLE, "{\"color_temp\":3000}"))
                .hasMessage("this dimmable light has no colour temperature");
        assertThatThrownBy(() -> parse(BridgedType.RGB, "{\"color_temp\":3000,\"color\":{\"r\":1,\"g\":1,\"b\":1}}"))
                .hasMessageContaining("together");
        assertThatThrownBy(() -> parse(BridgedType.RGB, "{\"color\":{\"r\":1,\"g\":1}}"))
                .hasMessageContaining("color must be");
        assertThatThrownBy(() -> parse(BridgedType.RGB, "{\"state\":\"OFF\",\"brightness\":5}"))
                .hasMessageContaining("state OFF");
        assertThatThrownBy(() -> parse(BridgedType.RGB, "{}")).hasMessageContaining("nothing to do");
        assertThatThrownBy(() -> parse(BridgedType.RGB, "[1]")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> parse(BridgedType.RGB, "{\"state\":true}")).hasMessageContaining("state must be");
        assertThatThrownBy(() -> parse(BridgedType.RGB, "x".repeat(500))).hasMessageEndingWith("...'");
    }

    @Test
    void uniqueIdsAreTheMeshIdAndNothingElseMatches() {
        assertThat(Topics.meshId("cync_0")).hasValue(0);
        assertThat(Topics.meshId("cync_65535")).hasValue(65535);
        assertThat(Topics.meshId("cync_65536")).isEmpty();
        assertThat(Topics.meshId("cync_007")).isEmpty();
        assertThat(Topics.meshId("cync_")).isEmpty();
        assertThat(Topics.meshId("cync_1/x")).isEmpty();
    }
}
