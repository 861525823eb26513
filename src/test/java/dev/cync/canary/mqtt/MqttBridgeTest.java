package dev.cync.canary.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.routing.CanaryRouter;
import dev.cync.canary.routing.RoutingConfig;
import dev.cync.canary.support.Json;
import dev.cync.canary.time.ExecutorScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge against a real mosquitto, with a test client in Home Assistant's place and an
 * in-process fleet behind the bridge's ports (answering commands through the real canary router).
 */
@Tag("slow")
class MqttBridgeTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final ObjectMapper json = Json.mapper();
    private final Metrics metrics = new Metrics();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mqtt-test-timer");
        t.setDaemon(true);
        return t;
    });

    @TempDir
    Path dir;

    private Mosquitto broker;
    private InMemoryFleet fleet;
    private MqttBridge bridge;
    private HomeAssistantClient ha;

    @BeforeEach
    void startBroker() throws Exception {
        broker = Mosquitto.start(dir);
    }

    @AfterEach
    void stopAll() throws Exception {
        if (ha != null) {
            ha.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (fleet != null) {
            fleet.close();
        }
        timer.shutdownNow();
        broker.close();
    }

    private MqttConfig config() {
        return new MqttConfig(
                broker.url(),
                "cync-canary-test",
                "",
                null,
                null,
                "cync",
                "homeassistant",
                Duration.ofMillis(50),
                Duration.ofMillis(400),
                10_000,
                256);
    }

    private void start(int devices, int canaryBasisPoints, MqttConfig config) throws Exception {
        CanaryRouter router = new CanaryRouter(
                new RoutingConfig(canaryBasisPoints, "test-salt", Set.of(), Set.of(), false, false, 0, 1), metrics);
        fleet = new InMemoryFleet(router).add(InMemoryFleet.devices(devices));
        ha = new HomeAssistantClient(broker.url(), "home-assistant");
        bridge = new MqttBridge(config, fleet, fleet, metrics, new ExecutorScheduler(timer)).start();
    }

    private JsonNode jsonAt(String topic) throws Exception {
        String p = ha.get(topic);
        assertThat(p).as(topic).isNotNull();
        return json.readTree(p);
    }

    private double counted(String direction, String outcome) {
        return metrics.counterValue(Metrics.MQTT_MESSAGES, direction, outcome);
    }

    private void awaitEverythingPublished(int devices) {
        await().atMost(WAIT)
                .until(() -> ha.count("homeassistant/", "/config") == devices + 1
                        && ha.count("cync/status/", "") == devices
                        && ha.count("cync/availability/", "") == devices);
    }

    @Test
    void everyDeviceIsDiscoveredWithItsTypeItsAvailabilityAndItsReportedState() throws Exception {
        start(12, 0, config());
        awaitEverythingPublished(12);
        assertThat(ha.get("cync/bridge/availability")).isEqualTo("online");
        assertThat(metrics.scrape().stream()
                        .filter(s -> s.getMetadata().getPrometheusName().equals(Metrics.MQTT_CONNECTED))
                        .findFirst()
                        .orElseThrow()
                        .getDataPoints()
                        .get(0))
                .hasFieldOrPropertyWithValue("value", 1.0);
        JsonNode bridgeConfig = jsonAt("homeassistant/binary_sensor/cync_canary_cync_canary_test/config");
        assertThat(bridgeConfig.at("/device/identifiers/0").asText()).isEqualTo("cync_canary_cync_canary_test");

        for (BridgedDevice d : fleet.all()) {
            String id = "cync_" + d.meshId();
            String component = d.type() == BridgedType.PLUG || d.type() == BridgedType.SWITCH ? "switch" : "light";
            JsonNode c = jsonAt("homeassistant/" + component + "/" + id + "/config");
            assertThat(c.get("unique_id").asText()).isEqualTo(id);
            assertThat(c.get("command_topic").asText()).isEqualTo("cync/set/" + id);
            assertThat(c.get("state_topic").asText()).isEqualTo("cync/status/" + id);
            assertThat(c.at("/availability/0/topic").asText()).isEqualTo("cync/bridge/availability");
            assertThat(c.at("/availability/1/topic").asText()).isEqualTo("cync/availability/" + id);
            assertThat(c.at("/device/via_device").asText()).isEqualTo("cync_canary_cync_canary_test");
            assertThat(c.at("/device/sw_version").asText()).isEqualTo(d.firmware());
            assertThat(ha.get("cync/availability/" + id)).isEqualTo("online");
            if (component.equals("light")) {
                assertThat(c.get("schema").asText()).isEqualTo("json");
                assertThat(c.get("brightness_scale").asInt()).isEqualTo(100);
                List<String> modes = json.convertValue(
                        c.get("supported_color_modes"),
                        json.getTypeFactory().constructCollectionType(List.class, String.class));
                assertThat(modes)
                        .isEqualTo(
                                switch (d.type()) {
                                    case TUNABLE_WHITE -> List.of("color_temp");
                                    case RGB -> List.of("color_temp", "rgb");
                                    default -> List.of("brightness");
                                });
                assertThat(jsonAt("cync/status/" + id).get("state").asText()).isEqualTo("OFF");
                assertThat(jsonAt("cync/status/" + id).get("brightness").asInt())
                        .isEqualTo(50);
            } else {
                assertThat(ha.get("cync/status/" + id)).isEqualTo("OFF");
            }
        }
    }

    @Test
    void aCommandChangesTheDeviceAndTheRetainedStateFollowsWhatTheDeviceReports() throws Exception {
        start(6, 0, config());
        awaitEverythingPublished(6);
        // mesh id 4 is tunable white, 5 is RGB, 1 is a plug (InMemoryFleet hands out the types in turn)
        ha.publish("cync/set/cync_4", "{\"state\":\"ON\",\"brightness\":40,\"color_temp\":2500}", false);
        ha.publish("cync/set/cync_5", "{\"state\":\"ON\",\"color\":{\"r\":255,\"g\":10,\"b\":0}}", false);
        ha.publish("cync/set/cync_1", "ON", false);
        await().atMost(WAIT)
                .until(() -> ha.get("cync/status/cync_1").equals("ON")
                        && ha.get("cync/status/cync_4").contains("\"ON\"")
                        && ha.get("cync/status/cync_5").contains("\"rgb\""));
        JsonNode tunable = jsonAt("cync/status/cync_4");
        assertThat(tunable.get("brightness").asInt()).isEqualTo(40);
        assertThat(tunable.get("color_mode").asText()).isEqualTo("color_temp");
        assertThat(tunable.get("color_temp").asInt()).isEqualTo(2500);
        JsonNode rgb = jsonAt("cync/status/cync_5");
        assertThat(rgb.at("/color/r").asInt()).isEqualTo(255);
        assertThat(rgb.at("/color/g").asInt()).isEqualTo(10);
        // The steps of one command reach the device in order, through the transport the router chose (0%: legacy).
        assertThat(fleet.sent().stream().filter(s -> s.meshId() == 4).map(InMemoryFleet.Sent::what))
                .containsExactly("power on", "brightness 40", "colorTemp 10");
        assertThat(fleet.sent()).allSatisfy(s -> assertThat(s.transport()).isEqualTo("legacy"));
        assertThat(counted("in", "accepted")).isEqualTo(3);
        await().atMost(WAIT).until(() -> bridge.commandsInFlight() == 0);

        // Retained: Home Assistant starting now sees the device's state at once.
        try (HomeAssistantClient late = new HomeAssistantClient(broker.url(), "late-home-assistant")) {
            await().atMost(WAIT)
                    .until(() -> "ON".equals(late.get("cync/status/cync_1")) && late.get("cync/status/cync_4") != null);
            assertThat(json.readTree(late.get("cync/status/cync_4"))
                            .get("brightness")
                            .asInt())
                    .isEqualTo(40);
        }
    }

    @Test
    void noOptimisticStateACommandTheDeviceDoesNotExecuteChangesNothing() throws Exception {
        start(3, 0, config());
        awaitEverythingPublished(3);
        BridgedDevice plug = fleet.get(1).orElseThrow();
        fleet.report(new BridgedDevice(
                1, plug.endpoint(), plug.type(), false, 0, 0, false, 0, 0, 0, false, plug.firmware()));
        await().atMost(WAIT).until(() -> "offline".equals(ha.get("cync/availability/cync_1")));
        ha.publish("cync/set/cync_1", "ON", false);
        await().atMost(WAIT).until(() -> fleet.sent().size() == 1 && bridge.commandsInFlight() == 0);
        assertThat(ha.get("cync/status/cync_1")).isEqualTo("OFF");
    }

    @Test
    void aDeviceReportIsPublishedAndATypeChangeMovesTheEntity() throws Exception {
        start(6, 0, config());
        awaitEverythingPublished(6);
        BridgedDevice unknown = fleet.get(6).orElseThrow();
        assertThat(unknown.type()).isEqualTo(BridgedType.UNKNOWN);
        assertThat(ha.get("homeassistant/light/cync_6/config")).isNotNull();
        // The mesh query answered: it is a plug, and it is on.
        fleet.report(
                new BridgedDevice(6, unknown.endpoint(), BridgedType.PLUG, true, 100, 0, false, 0, 0, 0, true, "2.0"));
        await().atMost(WAIT)
                .until(() -> ha.get("homeassistant/switch/cync_6/config") != null
                        && ha.get("homeassistant/light/cync_6/config") == null
                        && "ON".equals(ha.get("cync/status/cync_6")));
    }

    @Test
    void malformedCommandsAreRefusedCountedAndHarmless() throws Exception {
        start(6, 0, config());
        awaitEverythingPublished(6);
        List<String[]> bad = List.of(
                new String[] {"cync/set/cync_4", "not json"},
                new String[] {"cync/set/cync_4", "{\"brightness\":300}"},
                new String[] {"cync/set/cync_4", "{\"color_temp\":1000}"},
                new String[] {"cync/set/cync_4", "{\"color\":{\"r\":1,\"g\":2,\"b\":3}}"}, // tunable white has no RGB
                new String[] {"cync/set/cync_4", "{\"flash\":\"short\"}"},
                new String[] {"cync/set/cync_1", "{\"state\":\"ON\"}"}, // a plug takes ON/OFF
                new String[] {"cync/set/cync_999", "ON"},
                new String[] {"cync/set/lamp", "ON"});
        for (String[] b : bad) {
            ha.publish(b[0], b[1], false);
        }
        await().atMost(WAIT).until(() -> counted("in", "invalid") == bad.size());
        assertThat(fleet.sent()).isEmpty();
        // Still working.
        ha.publish("cync/set/cync_3", "{\"brightness\":70}", false);
        await().atMost(WAIT).until(() -> ha.get("cync/status/cync_3").contains("\"brightness\":70"));
        assertThat(bridge.connected()).isTrue();
    }

    @Test
    void aRetainedCommandIsNotRunAgainAtConnection() throws Exception {
        try (HomeAssistantClient early = new HomeAssistantClient(broker.url(), "early")) {
            early.publish("cync/set/cync_1", "ON", true);
        }
        start(3, 0, config());
        awaitEverythingPublished(3);
        await().atMost(WAIT).until(() -> counted("in", "invalid") == 1);
        assertThat(fleet.sent()).isEmpty();
        assertThat(ha.get("cync/status/cync_1")).isEqualTo("OFF");
    }

    @Test
    void homeAssistantsBirthMessageRepublishesEverything() throws Exception {
        start(4, 0, config());
        awaitEverythingPublished(4);
        // Home Assistant restarted with an empty broker view of this entity (its retained config deleted).
        ha.publish("homeassistant/light/cync_3/config", "", true);
        ha.publish("cync/status/cync_3", "", true);
        await().atMost(WAIT).until(() -> ha.get("homeassistant/light/cync_3/config") == null);
        ha.publish("homeassistant/status", "online", false);
        await().atMost(WAIT)
                .until(() ->
                        ha.get("homeassistant/light/cync_3/config") != null && ha.get("cync/status/cync_3") != null);
    }

    @Test
    void afterABrokerRestartTheBridgeReconnectsAndRepublishesTheLatestState() throws Exception {
        start(5, 0, config());
        awaitEverythingPublished(5);
        ha.close();
        ha = null;
        broker.stop();
        await().atMost(WAIT).until(() -> !bridge.connected());
        // Changes while the broker is away are dropped (counted) without ever holding up the device's thread...
        BridgedDevice plug = fleet.get(1).orElseThrow();
        fleet.report(new BridgedDevice(
                1, plug.endpoint(), plug.type(), true, 100, 0, false, 0, 0, 0, true, plug.firmware()));
        await().atMost(WAIT).until(() -> counted("out", "dropped") >= 1);
        broker.start();
        await().atMost(WAIT).until(bridge::connected);
        // ...and lose nothing: the restarted broker (no persistence) gets everything again, the latest state included.
        ha = new HomeAssistantClient(broker.url(), "home-assistant-2");
        awaitEverythingPublished(5);
        assertThat(ha.get("cync/status/cync_1")).isEqualTo("ON");
        assertThat(ha.get("cync/bridge/availability")).isEqualTo("online");
    }

    @Test
    void aFullPublishQueueDropsAndCountsInsteadOfWaiting() throws Exception {
        MqttConfig c = config();
        start(
                200,
                0,
                new MqttConfig(
                        c.broker(),
                        c.clientId(),
                        "",
                        null,
                        null,
                        "cync",
                        "homeassistant",
                        c.reconnectMin(),
                        c.reconnectMax(),
                        1,
                        256));
        awaitEverythingPublished(200);
        double before = counted("out", "dropped");
        // 200 devices change at once on the device thread; the queue holds one: most are dropped, none waited.
        for (BridgedDevice d : fleet.all()) {
            fleet.report(new BridgedDevice(
                    d.meshId(), d.endpoint(), d.type(), true, 77, 0, false, 0, 0, 0, true, d.firmware()));
        }
        await().atMost(WAIT).until(() -> fleet.all().stream().allMatch(BridgedDevice::on));
        await().atMost(WAIT).until(() -> counted("out", "dropped") > before);
        // Home Assistant's next birth message brings every device up to date.
        ha.publish("homeassistant/status", "online", false);
        await().atMost(WAIT)
                .until(() -> fleet.all().stream().allMatch(d -> {
                    String s = ha.get("cync/status/cync_" + d.meshId());
                    return s != null && (s.equals("ON") || s.contains("\"brightness\":77"));
                }));
    }

    @Test
    void atFiftyPercentAboutHalfOfTheCommandsGoThroughTheNewTransport() throws Exception {
        start(300, 5000, config());
        awaitEverythingPublished(300);
        for (BridgedDevice d : fleet.all()) {
            ha.publish("cync/set/cync_" + d.meshId(), d.type().isSwitch() ? "ON" : "{\"state\":\"ON\"}", false);
        }
        await().atMost(WAIT).until(() -> fleet.sent().size() == 300);
        long viaNew =
                fleet.sent().stream().filter(s -> s.transport().equals("new")).count();
        assertThat(viaNew).isBetween(105L, 195L); // 150 expected; 5 standard deviations either side
    }

    @Test
    void closingSaysOfflineForTheBridge() throws Exception {
        start(2, 0, config());
        awaitEverythingPublished(2);
        bridge.close();
        await().atMost(WAIT).until(() -> "offline".equals(ha.get("cync/bridge/availability")));
        assertThat(bridge.connected()).isFalse();
        bridge = null;
    }
}
