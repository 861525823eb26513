package dev.cync.canary.mqtt;

import dev.cync.canary.routing.CanaryRouter;
import dev.cync.canary.transport.TransportKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A real, in-process implementation of the bridge's ports: it holds each device's state, answers a
 * command by changing that state on its own "device I/O" thread, notifying the listeners there (as
 * the state model does from an execution ack) and then resolving the command as executed. The
 * transport of each command is the real canary router's choice for the device's endpoint.
 * Thread-safe: every change runs on the one I/O thread.
 */
final class InMemoryFleet implements DeviceView, DeviceCommands, AutoCloseable {

    record Sent(int meshId, String what, String transport) {}

    private final Map<Integer, BridgedDevice> devices = new ConcurrentHashMap<>();
    private final List<Consumer<BridgedDevice>> listeners = new CopyOnWriteArrayList<>();
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final CanaryRouter router;
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fleet-io");
        t.setDaemon(true);
        return t;
    });

    InMemoryFleet(CanaryRouter router) {
        this.router = router;
    }

    /** A fleet of {@code n} devices, mesh ids 1..n, the types in turn, all off, online, with firmware. */
    static List<BridgedDevice> devices(int n) {
        BridgedType[] types = BridgedType.values();
        List<BridgedDevice> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            BridgedType t = types[(i - 1) % types.length];
            out.add(new BridgedDevice(
                    i, String.format("409e%04x", i), t, false, 50, 30, false, 0, 0, 0, true, "1.0." + i));
        }
        return out;
    }

    InMemoryFleet add(List<BridgedDevice> list) {
        list.forEach(d -> devices.put(d.meshId(), d));
        return this;
    }

    /** A change the device reports by itself (a 0x83 status): applied and announced on the I/O thread. */
    void report(BridgedDevice d) {
        io.execute(() -> {
            devices.put(d.meshId(), d);
            listeners.forEach(l -> l.accept(d));
        });
    }

    List<Sent> sent() {
        return List.copyOf(sent);
    }

    @Override
    public List<BridgedDevice> all() {
        return devices.values().stream()
                .sorted(Comparator.comparingInt(BridgedDevice::meshId))
                .toList();
    }

    @Override
    public Optional<BridgedDevice> get(int meshId) {
        return Optional.ofNullable(devices.get(meshId));
    }

    @Override
    public void addListener(Consumer<BridgedDevice> listener) {
        listeners.add(listener);
    }

    @Override
    public CompletableFuture<CommandResult> power(int meshId, boolean on) {
        return execute(
                meshId,
                "power " + (on ? "on" : "off"),
                d -> with(d, on, d.brightness(), d.colorTemp(), d.rgbMode(), d.red(), d.green(), d.blue()));
    }

    @Override
    public CompletableFuture<CommandResult> brightness(int meshId, int percent) {
        return execute(
                meshId,
                "brightness " + percent,
                d -> with(d, d.on(), percent, d.colorTemp(), d.rgbMode(), d.red(), d.green(), d.blue()));
    }

    @Override
    public CompletableFuture<CommandResult> colorTemp(int meshId, int temp) {
        return execute(
                meshId,
                "colorTemp " + temp,
                d -> with(d, d.on(), d.brightness(), temp, false, d.red(), d.green(), d.blue()));
    }

    @Override
    public CompletableFuture<CommandResult> rgb(int meshId, int red, int green, int blue) {
        return execute(
                meshId,
                "rgb " + red + "," + green + "," + blue,
                d -> with(d, d.on(), d.brightness(), d.colorTemp(), true, red, green, blue));
    }

    private static BridgedDevice with(
            BridgedDevice d, boolean on, int brightness, int temp, boolean rgbMode, int r, int g, int b) {
        return new BridgedDevice(
                d.meshId(), d.endpoint(), d.type(), on, brightness, temp, rgbMode, r, g, b, d.online(), d.firmware());
    }

    private CompletableFuture<CommandResult> execute(int meshId, String what, UnaryOperator<BridgedDevice> change) {
        CompletableFuture<CommandResult> result = new CompletableFuture<>();
        io.execute(() -> {
            BridgedDevice d = devices.get(meshId);
            if (d == null) {
                result.complete(new CommandResult(false, "unknown_target", "legacy"));
                return;
            }
            String transport = router.route(d.endpoint()) == TransportKind.NEW ? "new" : "legacy";
            sent.add(new Sent(meshId, what, transport));
            if (!d.online()) {
                result.complete(new CommandResult(false, "timeout", transport));
                return;
            }
            BridgedDevice next = change.apply(d);
            devices.put(meshId, next);
            listeners.forEach(l -> l.accept(next));
            result.complete(new CommandResult(true, "executed", transport));
        });
        return result;
    }

    @Override
    public void close() throws InterruptedException {
        io.shutdownNow();
        io.awaitTermination(5, TimeUnit.SECONDS);
    }
}
