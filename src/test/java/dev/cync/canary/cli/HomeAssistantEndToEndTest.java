package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.app.CompositionRoot;
import dev.cync.canary.app.ControllerConfig;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.mqtt.HomeAssistantClient;
import dev.cync.canary.mqtt.Mosquitto;
import dev.cync.canary.sim.Fleet;
import dev.cync.canary.support.Json;
import dev.cync.canary.time.SystemClock;
import dev.cync.canary.transport.TransportKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Home Assistant end to end: a real mosquitto, the real controller with its bridge, and the
 * simulated fleet over TCP. A test client plays Home Assistant; every state it sees came from a
 * device report, and every command it sends goes through the canary router to a device.
 */
@Tag("slow")
class HomeAssistantEndToEndTest {

    private static final int DEVICES = 100;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final ObjectMapper json = Json.mapper();

    @TempDir
    Path dir;

    private Mosquitto broker;
    private CompositionRoot controller;
    private Fleet fleet;
    private HomeAssistantClient ha;

    @BeforeEach
    void start() throws Exception {
        broker = Mosquitto.start(Files.createDirectories(dir.resolve("broker")));
        ControllerConfig c = ControllerConfig.load(null)
                .withPorts(0, 0, -1)
                .withStateDir(Files.createDirectories(dir.resolve("state")));
        c = DemoCommand.withBroker(c, broker.url());
        controller =
                new CompositionRoot(c, SystemClock.utc(), Map.of()).start(false).withSimulatedTypes(DEVICES);
        fleet = new Fleet(
                        Fleet.Config.defaults("127.0.0.1", controller.devices().plainPort(), DEVICES),
                        controller.clock())
                .start();
        ha = new HomeAssistantClient(broker.url(), "home-assistant");
        await().atMost(WAIT)
                .until(() -> ha.count("homeassistant/", "/config") == DEVICES + 1
                        && ha.count("cync/status/", "") == DEVICES
                        && ha.count("cync/availability/", "") == DEVICES);
    }

    @AfterEach
    void stop() throws Exception {
        if (ha != null) {
            ha.close();
        }
        if (fleet != null) {
            fleet.close();
        }
        if (controller != null) {
            controller.close();
        }
        broker.close();
    }

    private JsonNode state(int meshId) throws Exception {
        return json.readTree(ha.get("cync/status/cync_" + meshId));
    }

    /** ON or OFF as published: a light's state is JSON, a switch's the bare word. */
    private String power(int meshId) throws Exception {
        String p = ha.get("cync/status/cync_" + meshId);
        return p.startsWith("{") ? json.readTree(p).get("state").asText() : p;
    }

    private List<String> lagging(String want) throws Exception {
        List<String> out = new ArrayList<>();
        for (int m = 1; m <= DEVICES; m++) {
            if (!power(m).equals(want)) {
                out.add(m + " ("
                        + controller.devices().registry().states().get(m).orElseThrow() + ")");
            }
        }
        return out;
    }

    private String counts() {
        Metrics mx = controller.metrics();
        return "mqtt in accepted/invalid/dropped " + mx.counterValue(Metrics.MQTT_MESSAGES, "in", "accepted") + "/"
                + mx.counterValue(Metrics.MQTT_MESSAGES, "in", "invalid") + "/"
                + mx.counterValue(Metrics.MQTT_MESSAGES, "in", "dropped")
                + ", routed new " + decisions(TransportKind.NEW) + " legacy " + decisions(TransportKind.LEGACY)
                + ", legacy "
                + controller.legacy().stats() + ", new " + controller.reliable().stats();
    }

    private double decisions(TransportKind t) {
        return controller.metrics().counterValue(Metrics.ROUTING_DECISION, t.label(), "percentage");
    }

    private TransportKind routeOf(int meshId) {
        return controller
                .router()
                .explain(controller.devices().registry().endpointFor(meshId).toString())
                .transport();
    }

    @Test
    void homeAssistantSeesEverySimulatedDeviceAndSwitchesALightThroughTheRouter() throws Exception {
        // Types as the simulator plays them: mesh 1 plug, 2 dimmable, 3 tunable white, 4 RGB.
        assertThat(ha.get("homeassistant/switch/cync_1/config")).contains("\"device_class\":\"outlet\"");
        assertThat(json.readTree(ha.get("homeassistant/light/cync_2/config"))
                        .get("supported_color_modes")
                        .toString())
                .isEqualTo("[\"brightness\"]");
        assertThat(json.readTree(ha.get("homeassistant/light/cync_3/config"))
                        .get("supported_color_modes")
                        .toString())
                .isEqualTo("[\"color_temp\"]");
        assertThat(json.readTree(ha.get("homeassistant/light/cync_4/config"))
                        .get("supported_color_modes")
                        .toString())
                .contains("rgb");
        assertThat(ha.get("cync/availability/cync_2")).isEqualTo("online");
        assertThat(state(2).get("state").asText()).isEqualTo("OFF");

        controller.flags().setPercentage("test", 5000, "half the fleet on the new transport");
        TransportKind chosen = routeOf(2);
        TransportKind other = chosen == TransportKind.NEW ? TransportKind.LEGACY : TransportKind.NEW;
        double chosenBefore = decisions(chosen);
        double otherBefore = decisions(other);
        long succeededBefore = (chosen == TransportKind.NEW ? controller.reliable() : controller.legacy())
                .stats()
                .succeeded();

        ha.publish("cync/set/cync_2", "{\"state\":\"ON\",\"brightness\":40}", false);
        await().atMost(WAIT)
                .until(() -> state(2).get("state").asText().equals("ON")
                        && state(2).get("brightness").asInt() == 40);

        // Power on, then brightness: two commands, both routed to (and executed on) the transport the router chose.
        await().atMost(WAIT).until(() -> decisions(chosen) - chosenBefore == 2);
        assertThat(decisions(other)).isEqualTo(otherBefore);
        assertThat((chosen == TransportKind.NEW ? controller.reliable() : controller.legacy())
                                .stats()
                                .succeeded()
                        - succeededBefore)
                .isEqualTo(2);
        assertThat(controller.metrics().counterValue(Metrics.MQTT_MESSAGES, "in", "accepted"))
                .isEqualTo(1);
        // Retained: Home Assistant starting later sees the reported state at once.
        try (HomeAssistantClient late = new HomeAssistantClient(broker.url(), "home-assistant-restarted")) {
            await().atMost(WAIT).until(() -> late.get("cync/status/cync_2") != null);
            assertThat(json.readTree(late.get("cync/status/cync_2"))
                            .get("brightness")
                            .asInt())
                    .isEqualTo(40);
        }

        // The device's connection closes: its mesh devices become unavailable in Home Assistant.
        fleet.close();
        fleet = null;
        await().atMost(WAIT)
                .until(() -> "offline".equals(ha.get("cync/availability/cync_2"))
                        && "offline".equals(ha.get("cync/availability/cync_" + DEVICES)));
        assertThat(ha.get("cync/bridge/availability")).isEqualTo("online");
    }

    @Test
    void atHalfTheCanaryAboutHalfOfTheCommandsFromHomeAssistantGoThroughTheNewTransport() throws Exception {
        controller.flags().setPercentage("test", 5000, "half the fleet on the new transport");
        double newBefore = decisions(TransportKind.NEW);
        double legacyBefore = decisions(TransportKind.LEGACY);
        int expectedNew = 0;
        int rounds = 4;
        for (int round = 0; round < rounds; round++) {
            boolean on = round % 2 == 0;
            for (int m = 1; m <= DEVICES; m++) {
                boolean plug = m % 4 == 1;
                ha.publish(
                        "cync/set/cync_" + m,
                        plug ? (on ? "ON" : "OFF") : "{\"state\":\"" + (on ? "ON" : "OFF") + "\"}",
                        false);
                expectedNew += routeOf(m) == TransportKind.NEW ? 1 : 0;
            }
            String want = on ? "ON" : "OFF";
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(lagging(want))
                            .as("mesh ids not yet reported %s; %s", want, counts())
                            .isEmpty());
        }
        int total = rounds * DEVICES;
        int viaNew = expectedNew;
        await().atMost(WAIT)
                .until(() -> decisions(TransportKind.NEW) - newBefore + decisions(TransportKind.LEGACY) - legacyBefore
                        == total);
        // Exactly the router's choice per endpoint, and that choice is about half at 50%.
        assertThat(decisions(TransportKind.NEW) - newBefore).isEqualTo(viaNew);
        assertThat(viaNew).isBetween(total / 4, 3 * total / 4);
        assertThat(controller.metrics().counterValue(Metrics.MQTT_MESSAGES, "in", "accepted"))
                .isEqualTo(total);
    }
}
