package dev.cync.canary.cli;

import dev.cync.canary.device.DeviceServer;
import dev.cync.canary.http.AdminServer;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.time.Clock;
import dev.cync.canary.transport.LegacyTransport;
import dev.cync.canary.transport.ReliableTransport;
import java.io.IOException;

/**
 * The controller's parts, wired: metrics, the device server, both transports and the HTTP server.
 * {@code serve}, {@code demo} and {@code bench} all run this.
 */
final class Controller implements AutoCloseable {

    final ControllerConfig config;
    final Clock clock;
    final Metrics metrics = new Metrics();
    final DeviceServer devices;
    final LegacyTransport legacy;
    final ReliableTransport reliable;
    private AdminServer http;

    Controller(ControllerConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.devices = new DeviceServer(config.server(), clock, metrics);
        this.legacy = new LegacyTransport(config.legacy(), devices.registry(), clock, metrics);
        this.reliable = new ReliableTransport(config.reliable(), devices.registry(), clock, metrics);
    }

    /** Starts the device server, and the HTTP server unless {@code withHttp} is false. */
    Controller start(boolean withHttp) throws IOException, InterruptedException {
        devices.start();
        if (withHttp) {
            http = new AdminServer(config.httpHost(), config.httpPort(), metrics).start();
        }
        return this;
    }

    AdminServer http() {
        return http;
    }

    @Override
    public void close() {
        legacy.close();
        reliable.close();
        if (http != null) {
            http.close();
        }
        devices.close();
    }
}
