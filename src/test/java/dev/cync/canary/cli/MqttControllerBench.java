package dev.cync.canary.cli;

import dev.cync.canary.app.CompositionRoot;
import dev.cync.canary.app.ControllerConfig;
import dev.cync.canary.mqtt.HomeAssistantClient;
import dev.cync.canary.mqtt.Mosquitto;
import dev.cync.canary.sim.Fleet;
import dev.cync.canary.time.SystemClock;
import dev.cync.canary.transport.TransportKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The Home Assistant targets through the whole path (scripts/bench-mqtt.sh controller runs it): a
 * real mosquitto, the real controller with its bridge, and the simulated fleet over loopback TCP.
 * Discovery: from the fleet's start (every device connects, says hello, reports) until Home
 * Assistant holds every config and state. Latency: Home Assistant publishes a command, the bridge
 * sends it through the canary router (50%), the device executes and reports, and Home Assistant
 * receives the published state; one command at a time.
 *
 * <p>Usage: MqttControllerBench [DEVICES [COMMANDS]]; defaults 1000 and 2000.
 */
public final class MqttControllerBench {

    private MqttControllerBench() {}

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int commands = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        SystemClock clock = SystemClock.utc();
        Path dir = Files.createTempDirectory("mqtt-controller-bench");
        Map<String, CompletableFuture<Long>> waiting = new ConcurrentHashMap<>();
        // Topics seen again after Home Assistant's birth message, while rediscovery is measured.
        Set<String> again = ConcurrentHashMap.newKeySet();
        CompletableFuture<Long> rediscovered = new CompletableFuture<>();
        boolean[] measuringBirth = {false};
        try (Mosquitto broker = Mosquitto.start(Files.createDirectories(dir.resolve("broker")));
                CompositionRoot controller = new CompositionRoot(
                                DemoCommand.withBroker(
                                        ControllerConfig.load(null)
                                                .withPorts(0, 0, -1)
                                                .withStateDir(Files.createDirectories(dir.resolve("state"))),
                                        broker.url()),
                                clock,
                                Map.of())
                        .start(false)
                        .withSimulatedTypes(devices);
                HomeAssistantClient ha = new HomeAssistantClient(broker.url(), "home-assistant")) {
            controller.flags().setPercentage("bench", 5000, "half the fleet on the new transport");
            CompletableFuture<Long> discovered = new CompletableFuture<>();
            ha.onMessage((topic, payload) -> {
                CompletableFuture<Long> w = waiting.get(topic + " " + payload);
                if (w != null) {
                    w.complete(clock.nanoTime());
                }
                if (measuringBirth[0] && (topic.endsWith("/config") || topic.startsWith("cync/status/"))) {
                    again.add(topic);
                    if (again.size() == 2 * devices + 1) {
                        rediscovered.complete(clock.nanoTime());
                    }
                }
                if (!discovered.isDone()
                        && ha.count("homeassistant/", "/config") == devices + 1
                        && ha.count("cync/status/", "") == devices) {
                    discovered.complete(clock.nanoTime());
                }
            });
            long start = clock.nanoTime();
            try (Fleet fleet = new Fleet(
                            Fleet.Config.defaults(
                                    "127.0.0.1", controller.devices().plainPort(), devices),
                            clock)
                    .start()) {
                long connected = 0;
                while (controller.devices().registry().size() < devices) {
                    if (discovered.isDone() || clock.nanoTime() - start > TimeUnit.SECONDS.toNanos(60)) {
                        break;
                    }
                    Thread.onSpinWait();
                }
                connected = clock.nanoTime();
                long end = discovered.get(60, TimeUnit.SECONDS);
                System.out.printf(
                        "discovery: %d simulated devices over TCP, all connected %.3f s, every config and state at Home Assistant"
                                + " %.3f s after the fleet started%n",
                        devices, (connected - start) / 1e9, (end - start) / 1e9);

                // Home Assistant restarts: its birth message makes the bridge publish all 1,000 devices again.
                measuringBirth[0] = true;
                long birth = clock.nanoTime();
                ha.publish("homeassistant/status", "online", false);
                long again2 = rediscovered.get(60, TimeUnit.SECONDS);
                measuringBirth[0] = false;
                System.out.printf(
                        "rediscovery: Home Assistant's birth message -> every config and state published again: %.3f s%n",
                        (again2 - birth) / 1e9);

                Histogram all = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
                Map<TransportKind, Histogram> by = Map.of(
                        TransportKind.LEGACY,
                        new Histogram(TimeUnit.SECONDS.toMicros(10), 3),
                        TransportKind.NEW,
                        new Histogram(TimeUnit.SECONDS.toMicros(10), 3));
                int plugs = (devices + 3) / 4; // mesh ids 1, 5, 9, ...: plugs, whose state is a bare ON/OFF
                int warmup = Math.min(500, commands);
                for (int i = 0; i < warmup + commands; i++) {
                    int mesh = 1 + 4 * (i % plugs);
                    // Alternate ON and OFF per device, so every command changes the reported state.
                    String want = (i / plugs) % 2 == 0 ? "ON" : "OFF";
                    String key = "cync/status/cync_" + mesh + " " + want;
                    CompletableFuture<Long> seen = new CompletableFuture<>();
                    waiting.put(key, seen);
                    long t0 = clock.nanoTime();
                    ha.publish("cync/set/cync_" + mesh, want, false);
                    long t1 = seen.get(10, TimeUnit.SECONDS);
                    waiting.remove(key);
                    if (i >= warmup) {
                        long micros = Math.max(1, (t1 - t0) / 1000);
                        all.recordValue(micros);
                        by.get(controller
                                        .router()
                                        .explain(controller
                                                .devices()
                                                .registry()
                                                .endpointFor(mesh)
                                                .toString())
                                        .transport())
                                .recordValue(micros);
                    }
                }
                System.out.printf(
                        "command -> execution ack -> published state, %d commands one at a time (after %d warm-up): %s%n",
                        commands, warmup, line(all));
                for (var e : by.entrySet()) {
                    System.out.printf(
                            "  via %s (%d): %s%n",
                            e.getKey().label(), e.getValue().getTotalCount(), line(e.getValue()));
                }
            }
        }
    }

    private static String line(Histogram h) {
        return String.format(
                "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms",
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0);
    }
}
