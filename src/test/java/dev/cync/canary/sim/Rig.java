package dev.cync.canary.sim;

import static org.awaitility.Awaitility.await;

import dev.cync.canary.device.DeviceGuardConfig;
import dev.cync.canary.device.DeviceServer;
import dev.cync.canary.device.DeviceServerConfig;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.time.ExecutorScheduler;
import dev.cync.canary.time.SystemClock;
import dev.cync.canary.transport.LegacyConfig;
import dev.cync.canary.transport.LegacyTransport;
import dev.cync.canary.transport.ReliableConfig;
import dev.cync.canary.transport.ReliableTransport;
import dev.cync.canary.transport.Transport;
import dev.cync.canary.transport.TransportStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real controller (device server on a free loopback port, both transports) and a simulated
 * fleet over real TCP, for integration tests. Checks the accounting of both transports every
 * 20 ms while it runs and remembers the first imbalance.
 */
final class Rig implements AutoCloseable {

    final SystemClock clock = SystemClock.utc();
    final Metrics metrics = new Metrics();
    final DeviceServer server;
    final LegacyTransport legacy;
    final ReliableTransport reliable;
    final Fleet fleet;
    final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
    final AtomicReference<String> imbalance = new AtomicReference<>();

    Rig(Path stateDir, int devices, Faults faults, boolean tls, boolean dedup) throws Exception {
        this(
                DeviceServerConfig.defaults()
                        .withHost("127.0.0.1")
                        .withPorts(0, tls ? 0 : -1)
                        .withStateDir(stateDir),
                devices,
                faults,
                tls,
                dedup);
    }

    Rig(DeviceServerConfig config, int devices, Faults faults, boolean tls, boolean dedup) throws Exception {
        this(config, DeviceGuardConfig.defaults(), devices, faults, tls, dedup);
    }

    Rig(DeviceServerConfig config, DeviceGuardConfig guards, int devices, Faults faults, boolean tls, boolean dedup)
            throws Exception {
        server = new DeviceServer(config, guards, clock, metrics).start();
        legacy = new LegacyTransport(LegacyConfig.defaults(), server.registry(), clock, metrics);
        reliable = new ReliableTransport(ReliableConfig.defaults(), server.registry(), clock, metrics);
        fleet = new Fleet(
                        Fleet.Config.defaults("127.0.0.1", tls ? server.tlsPort() : server.plainPort(), devices)
                                .withFaults(faults, 42)
                                .withTls(tls)
                                .withDedup(dedup)
                                .withHeartbeat(Duration.ofMillis(500)),
                        clock)
                .start();
        await().atMost(Duration.ofSeconds(30)).until(() -> server.registry().size() == devices);
        timer.scheduleAtFixedRate(
                () -> {
                    for (Transport t : new Transport[] {legacy, reliable}) {
                        TransportStats s = t.stats();
                        if (!s.balanced()) {
                            imbalance.compareAndSet(null, t.kind().label() + ": " + s);
                        }
                    }
                },
                20,
                20,
                TimeUnit.MILLISECONDS);
    }

    /** Runs {@code commands} commands at {@code rate}/s through {@code sink} and waits for every outcome. */
    LoadGenerator.Run run(LoadGenerator.Sink sink, double rate, long commands) {
        LoadGenerator gen = new LoadGenerator(clock, new ExecutorScheduler(timer), server.registry()::connectedIds, 7);
        LoadGenerator.Run run = gen.openLoop(sink, rate, commands);
        await().atMost(Duration.ofSeconds(120)).until(() -> run.done().isDone());
        return run;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        fleet.close();
        server.close();
    }
}
