package dev.cync.canary.mqtt;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.routing.CanaryRouter;
import dev.cync.canary.routing.RoutingConfig;
import dev.cync.canary.time.ExecutorScheduler;
import dev.cync.canary.time.SystemClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The bridge's two targets against a real mosquitto on loopback (scripts/bench-mqtt.sh runs it):
 * discovery of a 1,000-device fleet (from start until Home Assistant holds every config and state),
 * and command latency (Home Assistant publishes a command, until it receives the state the device
 * reported). The devices are the in-process fleet, which executes at once: the figures are the
 * bridge and the broker, not the device transports (those are in the transport benchmarks).
 *
 * <p>Usage: MqttBench [DEVICES [COMMANDS]]; defaults 1000 and 5000.
 */
public final class MqttBench {

    private MqttBench() {}

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int commands = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        SystemClock clock = SystemClock.utc();
        for (int run = 1; run <= 3; run++) {
            Path dir = Files.createTempDirectory("mqtt-bench");
            try (Mosquitto broker = Mosquitto.start(dir)) {
                double seconds = discovery(broker, devices, clock);
                System.out.printf(
                        "discovery run %d: %d devices, every config and state at Home Assistant in %.3f s%n",
                        run, devices, seconds);
            }
        }
        Path dir = Files.createTempDirectory("mqtt-bench");
        try (Mosquitto broker = Mosquitto.start(dir)) {
            latency(broker, devices, commands, clock);
        }
    }

    private static MqttConfig config(Mosquitto broker) {
        return new MqttConfig(
                broker.url(),
                "cync-canary-bench",
                "",
                null,
                null,
                "cync",
                "homeassistant",
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                10_000,
                256);
    }

    private static CanaryRouter router(Metrics metrics) {
        return new CanaryRouter(new RoutingConfig(5000, "bench", Set.of(), Set.of(), false, false, 0, 1), metrics);
    }

    private static double discovery(Mosquitto broker, int devices, SystemClock clock) throws Exception {
        Metrics metrics = new Metrics();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (InMemoryFleet fleet = new InMemoryFleet(router(metrics)).add(InMemoryFleet.devices(devices));
                HomeAssistantClient ha = new HomeAssistantClient(broker.url(), "home-assistant")) {
            CompletableFuture<Long> done = new CompletableFuture<>();
            ha.onMessage((t, p) -> {
                if (ha.count("homeassistant/", "/config") == devices + 1 && ha.count("cync/status/", "") == devices) {
                    done.complete(clock.nanoTime());
                }
            });
            long start = clock.nanoTime();
            try (MqttBridge bridge =
                    new MqttBridge(config(broker), fleet, fleet, metrics, new ExecutorScheduler(timer)).start()) {
                long end = done.get(60, TimeUnit.SECONDS);
                return (end - start) / 1e9;
            }
        } finally {
            timer.shutdownNow();
        }
    }

    private static void latency(Mosquitto broker, int devices, int commands, SystemClock clock) throws Exception {
        Metrics metrics = new Metrics();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        Map<String, CompletableFuture<Long>> waiting = new ConcurrentHashMap<>();
        try (InMemoryFleet fleet = new InMemoryFleet(router(metrics)).add(InMemoryFleet.devices(devices));
                HomeAssistantClient ha = new HomeAssistantClient(broker.url(), "home-assistant");
                MqttBridge bridge =
                        new MqttBridge(config(broker), fleet, fleet, metrics, new ExecutorScheduler(timer)).start()) {
            CompletableFuture<Void> ready = new CompletableFuture<>();
            ha.onMessage((topic, payload) -> {
                CompletableFuture<Long> w = waiting.get(topic + " " + payload);
                if (w != null) {
                    w.complete(clock.nanoTime());
                }
                if (!ready.isDone() && ha.count("cync/status/", "") == devices) {
                    ready.complete(null);
                }
            });
            ready.get(60, TimeUnit.SECONDS);
            List<BridgedDevice> plugs = fleet.all().stream()
                    .filter(d -> d.type() == BridgedType.PLUG)
                    .toList();
            Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
            int warmup = Math.min(1000, commands);
            for (int i = 0; i < warmup + commands; i++) {
                BridgedDevice d = plugs.get(i % plugs.size());
                // Alternate ON and OFF per device, so every command changes the state.
                String want = (i / plugs.size()) % 2 == 0 ? "ON" : "OFF";
                String topic = "cync/status/cync_" + d.meshId();
                CompletableFuture<Long> seen = new CompletableFuture<>();
                waiting.put(topic + " " + want, seen);
                long start = clock.nanoTime();
                ha.publish("cync/set/cync_" + d.meshId(), want, false);
                long end = seen.get(10, TimeUnit.SECONDS);
                waiting.remove(topic + " " + want);
                if (i >= warmup) {
                    h.recordValue(Math.max(1, (end - start) / 1000));
                }
            }
            System.out.printf(
                    "command -> published state, %d commands one at a time (after %d warm-up): p50 %.2f ms, p90 %.2f ms,"
                            + " p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
                    commands,
                    warmup,
                    h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(90) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0,
                    h.getValueAtPercentile(99.9) / 1000.0,
                    h.getMaxValue() / 1000.0);
            long viaNew = fleet.sent().stream()
                    .filter(s -> s.transport().equals("new"))
                    .count();
            System.out.printf(
                    "transports chosen by the router at 50%%: new %d, legacy %d%n",
                    viaNew, fleet.sent().size() - viaNew);
        } finally {
            timer.shutdownNow();
        }
    }
}
