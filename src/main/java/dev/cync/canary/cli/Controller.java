package dev.cync.canary.cli;

import dev.cync.canary.device.DeviceServer;
import dev.cync.canary.flags.EnvDefaults;
import dev.cync.canary.flags.FileFlagStore;
import dev.cync.canary.flags.FlagState;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.http.AdminApi;
import dev.cync.canary.http.AdminAuth;
import dev.cync.canary.http.AdminServer;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.routing.CanaryRouter;
import dev.cync.canary.routing.CanarySender;
import dev.cync.canary.routing.RoutingConfig;
import dev.cync.canary.time.Clock;
import dev.cync.canary.transport.LegacyTransport;
import dev.cync.canary.transport.OutcomeHistory;
import dev.cync.canary.transport.ReliableTransport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's parts, wired: metrics, the device server, both transports, the flags (state
 * directory + environment), the canary router and sender, and the HTTP server with the admin API.
 * {@code serve}, {@code demo} and {@code bench} all run this.
 */
final class Controller implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Controller.class);
    /** Dark-launch mirrors outstanding at most; beyond this a mirror is dropped and counted. */
    static final int MIRROR_CAPACITY = 1024;

    final ControllerConfig config;
    final Clock clock;
    final Metrics metrics = new Metrics();
    final DeviceServer devices;
    final LegacyTransport legacy;
    final ReliableTransport reliable;
    final Flags flags;
    final CanaryRouter router;
    final CanarySender sender;
    final OutcomeHistory history;
    private final Map<String, String> env;
    private AdminServer http;
    private AdminApi api;

    Controller(ControllerConfig config, Clock clock, Map<String, String> env) throws IOException {
        this.config = config;
        this.clock = clock;
        this.env = env;
        this.devices = new DeviceServer(config.server(), clock, metrics);
        this.legacy = new LegacyTransport(config.legacy(), devices.registry(), clock, metrics);
        this.reliable = new ReliableTransport(config.reliable(), devices.registry(), clock, metrics);
        this.flags = new Flags(FileFlagStore.open(stateDir(), clock));
        this.router = new CanaryRouter(routing(flags.current()), metrics);
        this.sender = new CanarySender(router, legacy, reliable, metrics, MIRROR_CAPACITY);
        this.history = new OutcomeHistory(200_000, 5, clock);
        history.watch(legacy);
        history.watch(reliable);
        flags.store().addListener(this::flagsChanged);
        EnvDefaults.apply(flags, env);
        metrics.canaryPercentage(flags.current().percentageBasisPoints() / 100.0);
        log.info("routing at start: {}", flags.current().summary());
    }

    Path stateDir() {
        return config.server().stateDir();
    }

    static RoutingConfig routing(FlagState s) {
        return new RoutingConfig(s.percentageBasisPoints(), s.salt(), Set.copyOf(s.cohort()), Set.copyOf(s.exclude()),
                s.killSwitch(), s.darkLaunch(), s.darkLaunchBasisPoints(), s.version());
    }

    /** Every committed flag change reaches the router and the gauge at once, and the log says why. */
    private void flagsChanged(FlagState s) {
        router.update(routing(s));
        metrics.canaryPercentage(s.killSwitch() ? 0 : s.percentageBasisPoints() / 100.0);
        var c = s.lastChange();
        if (c != null && !c.action().startsWith("env_seen")) {
            log.info("routing change v{} by {}: {} {} -> {} (reason: {}); now {}", s.version(), c.actor(), c.action(),
                    c.oldValue(), c.newValue(), c.reason(), s.summary());
        }
    }

    /** Starts the device server, and the HTTP server unless {@code withHttp} is false. */
    Controller start(boolean withHttp) throws IOException, InterruptedException {
        devices.start();
        if (withHttp) {
            http = new AdminServer(config.httpHost(), config.httpPort(), metrics);
            api = new AdminApi(flags, sender, devices.registry(), history, AdminAuth.load(env.get(AdminAuth.ENV), stateDir()),
                    metrics, config.reliable().deadline().plus(Duration.ofSeconds(2)));
            api.install(http);
            http.start();
        }
        return this;
    }

    AdminServer http() {
        return http;
    }

    AdminApi api() {
        return api;
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
