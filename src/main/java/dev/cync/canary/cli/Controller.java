package dev.cync.canary.cli;

import dev.cync.canary.device.DeviceServer;
import dev.cync.canary.flags.EnvDefaults;
import dev.cync.canary.flags.EtcdFlagStore;
import dev.cync.canary.flags.FileFlagStore;
import dev.cync.canary.flags.LeaderElection;
import dev.cync.canary.rollout.EtcdRolloutStateStore;
import dev.cync.canary.flags.FlagState;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.http.AdminApi;
import dev.cync.canary.http.AdminAuth;
import dev.cync.canary.http.AdminServer;
import dev.cync.canary.http.RolloutApi;
import dev.cync.canary.rollout.Notifier;
import dev.cync.canary.rollout.RolloutController;
import dev.cync.canary.rollout.RolloutPlan;
import dev.cync.canary.rollout.SloRecorder;
import dev.cync.canary.slo.SloEvaluator;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.slo.SloWindows;
import dev.cync.canary.time.ExecutorScheduler;
import dev.cync.canary.time.Scheduler;
import dev.cync.canary.transport.Transport;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
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
    static final String SLO_WINDOWS = "slo-windows.bin";

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
    /** The new transport as the router sees it: the reliable one, or a decorated one (the demo's fault). */
    final Transport fresh;
    final SloSpec sloSpec;
    final SloWindows windows;
    final SloEvaluator evaluator;
    final RolloutController rollout;
    /** The shared store and the leader election with {@code flags.store: etcd}; null with the file store. */
    final EtcdFlagStore etcd;
    final LeaderElection election;
    private boolean rolloutStarted;
    private final Clock sloClock;
    private final boolean persistWindows;
    private final Scheduler sloScheduler;
    private final ScheduledExecutorService background = Waits.daemonScheduler("controller-background");
    private final Map<String, String> env;
    private AdminServer http;
    private AdminApi api;

    Controller(ControllerConfig config, Clock clock, Map<String, String> env) throws IOException {
        this(config, clock, env, null, null, UnaryOperator.identity());
    }

    /**
     * @param sloClock the clock of the SLO windows and the rollout (the demo speeds it up); null: {@code clock}
     * @param sloScheduler their scheduler; null: a background thread on real time
     * @param decorateNew wraps the new transport (the demo's injected fault)
     */
    Controller(ControllerConfig config, Clock clock, Map<String, String> env, Clock sloClock, Scheduler sloScheduler,
            UnaryOperator<Transport> decorateNew) throws IOException {
        this.config = config;
        this.clock = clock;
        this.env = env;
        this.sloClock = sloClock != null ? sloClock : clock;
        this.sloScheduler = sloScheduler != null ? sloScheduler : new ExecutorScheduler(background);
        this.devices = new DeviceServer(config.server(), clock, metrics);
        this.legacy = new LegacyTransport(config.legacy(), devices.registry(), clock, metrics);
        this.reliable = new ReliableTransport(config.reliable(), devices.registry(), clock, metrics);
        this.fresh = decorateNew.apply(reliable);
        if (config.flags().etcd()) {
            // The state directory still holds the admin token and the SLO windows.
            java.nio.file.Files.createDirectories(stateDir());
            this.etcd = EtcdFlagStore.open(config.etcdFor(env), clock);
            this.election = new LeaderElection(etcd, clock);
            this.flags = new Flags(etcd);
        } else {
            this.etcd = null;
            this.election = null;
            this.flags = new Flags(FileFlagStore.open(stateDir(), clock));
        }
        this.router = new CanaryRouter(routing(flags.current()), metrics);
        this.sender = new CanarySender(router, legacy, fresh, metrics, MIRROR_CAPACITY);
        this.history = new OutcomeHistory(200_000, 5, clock);
        history.watch(legacy);
        history.watch(fresh);
        this.sloSpec = SloSpec.load(config.rollout().sloFile());
        this.windows = new SloWindows(List.of(Metrics.LEGACY, Metrics.NEW), sloSpec.latencyThreshold());
        // SLO history is kept across restarts in real time; a sped-up demo clock starts afresh each run.
        this.persistWindows = sloClock == null;
        if (persistWindows) {
            windows.load(stateDir().resolve(SLO_WINDOWS));
        }
        SloRecorder recorder = new SloRecorder(windows, this.sloClock, devices::packetsReceived, devices::decodeErrors);
        recorder.watch(legacy);
        recorder.watch(fresh);
        this.evaluator = new SloEvaluator(sloSpec, windows);
        this.rollout = !config.rollout().enabled() ? null : election != null
                // Several replicas: the leader's flag writes are fenced by its lease; the state is shared in etcd.
                ? RolloutController.shared(RolloutPlan.load(config.rollout().planFile()), evaluator, new Flags(election.fenced()),
                        this.sloClock, metrics, new EtcdRolloutStateStore(etcd, election),
                        new Notifier(config.rollout().alertmanagerUrl(), config.rollout().webhookUrl()), recorder::pollFleet)
                : new RolloutController(RolloutPlan.load(config.rollout().planFile()), evaluator, flags, this.sloClock, metrics,
                        stateDir().resolve("rollout.json"), new Notifier(config.rollout().alertmanagerUrl(), config.rollout().webhookUrl()),
                        recorder::pollFleet);
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
        // The newest state, not necessarily s: with etcd, listeners on two threads may run out of order.
        FlagState latest = flags.current();
        router.update(routing(latest));
        metrics.canaryPercentage(latest.killSwitch() ? 0 : latest.percentageBasisPoints() / 100.0);
        var c = s.lastChange();
        if (c != null && !c.action().startsWith("env_seen")) {
            log.info("routing change v{} by {}: {} {} -> {} (reason: {}); now {}", s.version(), c.actor(), c.action(),
                    c.oldValue(), c.newValue(), c.reason(), s.summary());
        }
    }

    /** Starts the device server, the SLO bookkeeping and the rollout, and the HTTP server unless {@code withHttp} is false. */
    Controller start(boolean withHttp) throws IOException, InterruptedException {
        devices.start();
        // At most the last 10 s of SLO history is lost in a crash; a clean stop loses nothing.
        background.scheduleAtFixedRate(this::saveWindows, 10, 10, TimeUnit.SECONDS);
        if (election != null) {
            String me = election.replica();
            metrics.gauge(Metrics.LEADER, "1 on the replica that leads (runs the rollout and the automatic rollback), 0 on the others.",
                    "replica", Map.of(me, () -> election.isLeader() ? 1 : 0));
            metrics.counter(Metrics.STORE_UNAVAILABLE, "etcd operations that failed because etcd did not answer.", etcd::unavailableCount);
            metrics.gauge(Metrics.STORE_AVAILABLE, "1 while etcd answers, 0 while it does not.", () -> etcd.available() ? 1 : 0);
            election.addListener(this::leadershipChanged);
            election.start();
        } else if (rollout != null) {
            rollout.start(sloScheduler);
        }
        if (withHttp) {
            http = new AdminServer(config.httpHost(), config.httpPort(), metrics);
            api = new AdminApi(flags, sender, devices.registry(), history, AdminAuth.load(env.get(AdminAuth.ENV), stateDir()),
                    metrics, config.reliable().deadline().plus(Duration.ofSeconds(2)));
            RolloutApi rolloutApi = new RolloutApi(rollout, evaluator, sloClock);
            if (election != null) {
                rolloutApi.withLeadership(election.replica(), election::leader, election::isLeader);
            }
            rolloutApi.install(api);
            api.install(http);
            http.start();
        }
        return this;
    }

    /**
     * Only the leader runs the rollout: its minute tick runs while this replica leads, and a replica
     * that becomes the leader continues from the shared state the last one left.
     */
    private void leadershipChanged(boolean leading) {
        if (rollout == null || !leading) {
            return;
        }
        try {
            synchronized (this) {
                if (!rolloutStarted) {
                    rolloutStarted = true;
                    rollout.start(new LeaderOnlyScheduler(sloScheduler, election::isLeader));
                    return;
                }
            }
            rollout.takeOver();
        } catch (IOException | RuntimeException e) {
            log.error("this replica leads but could not take over the rollout: {}; it tries again at the next election", e.getMessage());
        }
    }

    AdminServer http() {
        return http;
    }

    AdminApi api() {
        return api;
    }

    private void saveWindows() {
        if (!persistWindows) {
            return;
        }
        try {
            windows.save(stateDir().resolve(SLO_WINDOWS));
        } catch (IOException | RuntimeException e) {
            log.error("could not save the SLO windows to {}: {}", stateDir(), e.toString());
        }
    }

    @Override
    public void close() {
        if (election != null) {
            // Released, so another replica takes over at once rather than after the lease's TTL.
            election.stop(true);
        }
        if (rollout != null) {
            rollout.stop();
        }
        background.shutdownNow();
        saveWindows();
        legacy.close();
        reliable.close();
        if (http != null) {
            http.close();
        }
        devices.close();
        if (etcd != null) {
            etcd.close();
        }
    }
}
