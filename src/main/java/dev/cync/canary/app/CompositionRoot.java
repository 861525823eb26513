package dev.cync.canary.app;

import dev.cync.canary.device.DeviceServer;
import dev.cync.canary.flags.EnvDefaults;
import dev.cync.canary.flags.EtcdFlagStore;
import dev.cync.canary.flags.FileFlagStore;
import dev.cync.canary.flags.FlagState;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.flags.LeaderElection;
import dev.cync.canary.http.AdminApi;
import dev.cync.canary.http.AdminAuth;
import dev.cync.canary.http.AdminServer;
import dev.cync.canary.http.DeviceApi;
import dev.cync.canary.http.HttpRouter;
import dev.cync.canary.http.HttpServerConfig;
import dev.cync.canary.http.RolloutApi;
import dev.cync.canary.http.StatusApi;
import dev.cync.canary.http.StatusHistory;
import dev.cync.canary.http.StatusPage;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.mqtt.MqttBridge;
import dev.cync.canary.mqtt.RoutedCommands;
import dev.cync.canary.mqtt.StateModelView;
import dev.cync.canary.rollout.EtcdRolloutStateStore;
import dev.cync.canary.rollout.FleetSlo;
import dev.cync.canary.rollout.Notifier;
import dev.cync.canary.rollout.OutageRollback;
import dev.cync.canary.rollout.RolloutController;
import dev.cync.canary.rollout.RolloutPlan;
import dev.cync.canary.rollout.SloRecorder;
import dev.cync.canary.routing.CanaryRouter;
import dev.cync.canary.routing.CanarySender;
import dev.cync.canary.sim.Fleet;
import dev.cync.canary.slo.SloEvaluator;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.slo.SloWindows;
import dev.cync.canary.support.DurableFiles;
import dev.cync.canary.support.StateMarker;
import dev.cync.canary.support.Waits;
import dev.cync.canary.time.Clock;
import dev.cync.canary.time.ExecutorScheduler;
import dev.cync.canary.time.Scheduler;
import dev.cync.canary.transport.LegacyTransport;
import dev.cync.canary.transport.OutcomeHistory;
import dev.cync.canary.transport.ReliableTransport;
import dev.cync.canary.transport.Targets;
import dev.cync.canary.transport.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's parts, wired: metrics, the device server, both transports, the flags (state
 * directory + environment), the decision core ({@link CanaryCore}: router, SLO windows, evaluator,
 * rollout controller), the canary sender, and the HTTP server with the admin API. {@code serve},
 * {@code demo} and {@code bench} all run this; {@code rehearse} builds only the core.
 *
 * <p>Why one class: it is longer than 350 lines because it is the one place where the order of construction,
 * start and stop is written out for every part (state first, then flags, core, sender, and HTTP
 * last; the reverse on close), and the state directory's files (SLO windows, health) that only
 * this process owns; the wiring that decides routing lives in {@link CanaryCore}.
 */
public final class CompositionRoot implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CompositionRoot.class);
    /** Dark-launch mirrors outstanding at most; beyond this a mirror is dropped and counted. */
    public static final int MIRROR_CAPACITY = 1024;

    public static final String SLO_WINDOWS = "slo-windows.bin";
    /** The files of the state directory, as {@code --reset-state} names them. */
    public static final List<String> STATE_FILES = List.of(
            FileFlagStore.STATE, FileFlagStore.AUDIT, RolloutController.STATE_FILE, SLO_WINDOWS, StateMarker.FILE);

    private final ControllerConfig config;
    private final Clock clock;
    private final Metrics metrics = new Metrics();
    private final DeviceServer devices;
    private final LegacyTransport legacy;
    private final ReliableTransport reliable;
    private final Flags flags;
    /** The file store; null with {@code flags.store: etcd}. */
    private final FileFlagStore flagStore;
    /** The shared store and the leader election with {@code flags.store: etcd}; null with the file store. */
    private final EtcdFlagStore etcd;

    private final LeaderElection election;
    private boolean rolloutStarted;
    private Scheduler.Cancellable fleetSync;
    private Scheduler.Cancellable outageCheck;
    private final StateMarker marker;
    /** Flags -> router, SLO recorder -> windows -> evaluator -> rollout: the part {@code rehearse} builds too. */
    private final CanaryCore core;

    private final CanarySender sender;
    private final OutcomeHistory history;
    /** The new transport as the router sees it: the reliable one, or a decorated one (the demo's fault). */
    private final Transport newTransport;

    private final SloSpec sloSpec;
    /** This replica's own outcomes (persisted in the state directory; published to etcd with several replicas). */
    private final SloWindows windows;
    /** With {@code flags.store: etcd}: every replica's published outcomes merged (what the evaluator judges); else null. */
    private final FleetSlo fleetSlo;

    private final RolloutController rollout;
    private final Clock sloClock;
    private final boolean persistWindows;
    private final Scheduler sloScheduler;
    private final ScheduledExecutorService background = Waits.daemonScheduler("controller-background");
    private final Map<String, String> env;
    private final DurableFiles.Writer writer;
    private final AtomicLong windowsPersistFailures = new AtomicLong();
    private volatile String windowsPersistError;
    private long windowsLoadFailures;
    private AdminServer http;
    /** The admin API's own listener when {@code http.apiPort} is set, else null (the API shares {@link #http}). */
    private AdminServer apiHttp;

    private AdminApi api;
    /** The Home Assistant bridge when {@code mqtt.broker} is configured, else null. */
    private volatile MqttBridge mqtt;
    /** The status page's last hour of transport samples, on the controller's (real) clock. */
    private final StatusHistory statusHistory;

    public CompositionRoot(ControllerConfig config, Clock clock, Map<String, String> env) throws IOException {
        this(config, clock, env, null, null, UnaryOperator.identity());
    }

    /**
     * @param sloClock the clock of the SLO windows and the rollout (the demo speeds it up); null: {@code clock}
     * @param sloScheduler their scheduler; null: a background thread on real time
     * @param decorateNew wraps the new transport (the demo's injected fault)
     */
    public CompositionRoot(
            ControllerConfig config,
            Clock clock,
            Map<String, String> env,
            Clock sloClock,
            Scheduler sloScheduler,
            UnaryOperator<Transport> decorateNew)
            throws IOException {
        this(config, clock, env, sloClock, sloScheduler, decorateNew, Set.of(), DurableFiles.DISK);
    }

    /**
     * @param resetState state files the operator asked to start afresh ({@code --reset-state}), each audited
     * @param writer how state reaches the disk ({@link DurableFiles#DISK}; tests inject a failing disk)
     */
    public CompositionRoot(
            ControllerConfig config,
            Clock clock,
            Map<String, String> env,
            Clock sloClock,
            Scheduler sloScheduler,
            UnaryOperator<Transport> decorateNew,
            Set<String> resetState,
            DurableFiles.Writer writer)
            throws IOException {
        for (String f : resetState) {
            if (!STATE_FILES.contains(f) || f.equals(FileFlagStore.AUDIT)) {
                throw new IllegalArgumentException("--reset-state: '" + f
                        + "' is not a state file that can be reset; use "
                        + String.join(
                                ", ",
                                STATE_FILES.stream()
                                        .filter(n -> !n.equals(FileFlagStore.AUDIT))
                                        .toList()));
            }
        }
        this.writer = writer;
        this.config = config;
        this.clock = clock;
        this.env = env;
        this.sloClock = sloClock != null ? sloClock : clock;
        this.sloScheduler = sloScheduler != null ? sloScheduler : new ExecutorScheduler(background);
        // State first: a state file that cannot be trusted stops the start before anything else is made.
        this.marker = StateMarker.open(stateDir(), clock.instant().toString(), STATE_FILES, resetState, writer);
        if (config.flags().etcd()) {
            // The state directory still holds the marker, the admin token and the SLO windows.
            this.flagStore = null;
            this.etcd = EtcdFlagStore.open(config.etcdFor(env), clock);
            this.election = new LeaderElection(etcd, clock);
            this.flags = new Flags(etcd);
        } else {
            this.flagStore = FileFlagStore.open(stateDir(), clock, marker, writer);
            this.etcd = null;
            this.election = null;
            this.flags = new Flags(flagStore);
        }
        this.devices = new DeviceServer(config.server(), config.guards(), clock, metrics);
        this.legacy = new LegacyTransport(config.legacy(), devices.registry(), clock, metrics);
        this.reliable = new ReliableTransport(config.reliable(), devices.registry(), clock, metrics);
        this.newTransport = decorateNew.apply(reliable);
        this.sloSpec = SloSpec.load(config.rollout().sloFile());
        this.windows = CanaryCore.windows(sloSpec);
        // SLO history is kept across restarts in real time; a sped-up demo clock starts afresh each run.
        this.persistWindows = sloClock == null;
        if (persistWindows) {
            loadWindows(resetState.contains(SLO_WINDOWS));
        }
        SloWindows judged = windows;
        if (etcd != null) {
            // Several replicas: gates and the automatic rollback judge the whole fleet's outcomes, merged through etcd.
            judged = CanaryCore.windows(sloSpec);
            this.fleetSlo = new FleetSlo(etcd, sloSpec, windows, judged, this.sloClock);
        } else {
            this.fleetSlo = null;
        }
        this.core = new CanaryCore(
                flags,
                metrics,
                sloSpec,
                windows,
                judged,
                this.sloClock,
                devices::packetsReceived,
                devices::decodeErrors,
                config.rollout().enabled() ? this::newRollout : null);
        this.rollout = core.rollout();
        this.sender = new CanarySender(
                core.router(),
                legacy,
                newTransport,
                metrics,
                MIRROR_CAPACITY,
                c -> Targets.resolve(c, devices.registry()));
        this.history = new OutcomeHistory(200_000, 5, clock);
        history.watch(legacy);
        history.watch(newTransport);
        this.statusHistory = new StatusHistory(metrics, clock, StatusHistory.EVERY, StatusHistory.CAPACITY);
        core.recorder().watch(legacy);
        core.recorder().watch(newTransport);
        flags.store().addListener(this::logRoutingChange);
        metrics.counter(
                Metrics.STATE_PERSIST_FAILURES,
                "State writes the disk refused, by file; each is retried, and the state in memory stands.",
                Metrics.FILE,
                Map.of(
                        "flags",
                        () -> flags.store().persistence().failures(),
                        "rollout",
                        () -> rollout == null ? 0 : rollout.persistFailures(),
                        "slo_windows",
                        windowsPersistFailures::get,
                        "marker",
                        marker::failures));
        long loadFailures = windowsLoadFailures;
        metrics.counter(
                Metrics.STATE_LOAD_FAILURES,
                "State files that could not be read at start and were started afresh, by file.",
                Metrics.FILE,
                Map.of("slo_windows", () -> loadFailures));
        EnvDefaults.apply(flags, env);
        metrics.canaryPercentage(flags.current().percentageBasisPoints() / 100.0);
        log.info("routing at start: {}", flags.current().summary());
    }

    /** The settings it was built from. */
    public ControllerConfig config() {
        return config;
    }

    /** The real clock of the device server, the transports and the status history. */
    public Clock clock() {
        return clock;
    }

    /** The Prometheus registry every part reports to. */
    public Metrics metrics() {
        return metrics;
    }

    /** The device server (plain and TLS listeners, the registry of connected devices). */
    public DeviceServer devices() {
        return devices;
    }

    /** The legacy transport. */
    public LegacyTransport legacy() {
        return legacy;
    }

    /** The new transport, undecorated ({@code ReliableTransport}). */
    public ReliableTransport reliable() {
        return reliable;
    }

    /** The flags: canary share, kill switch, cohort, dark launch. */
    public Flags flags() {
        return flags;
    }

    /** The file store of the flags; null with {@code flags.store: etcd}. */
    public FileFlagStore flagStore() {
        return flagStore;
    }

    /** The leader election with {@code flags.store: etcd}; null with the file store. */
    public LeaderElection election() {
        return election;
    }

    /** The canary router (which transport a command takes). */
    public CanaryRouter router() {
        return core.router();
    }

    /** The canary sender: every command the controller sends goes through it. */
    public CanarySender sender() {
        return sender;
    }

    /** The SLO file, loaded. */
    public SloSpec sloSpec() {
        return sloSpec;
    }

    /** This replica's own SLO windows. */
    public SloWindows windows() {
        return windows;
    }

    /** Every replica's published outcomes merged, with {@code flags.store: etcd}; else null. */
    public FleetSlo fleetSlo() {
        return fleetSlo;
    }

    /** The SLO evaluator the gates and the automatic rollback read. */
    public SloEvaluator evaluator() {
        return core.evaluator();
    }

    /** The rollout controller; null when {@code rollout.enabled} is false. */
    public RolloutController rollout() {
        return rollout;
    }

    public Path stateDir() {
        return config.server().stateDir();
    }

    /**
     * The rollout controller of this process: with etcd, the leader's flag writes are fenced by its
     * lease and the state is shared in etcd; else the state file in the state directory.
     */
    private RolloutController newRollout(SloEvaluator evaluator, SloRecorder recorder) throws IOException {
        RolloutPlan plan = RolloutPlan.load(config.rollout().planFile());
        Notifier notifier = new Notifier(
                config.rollout().alertmanagerUrl(), config.rollout().webhookUrl());
        if (election != null) {
            return RolloutController.shared(
                    plan,
                    evaluator,
                    new Flags(election.fenced()),
                    sloClock,
                    metrics,
                    new EtcdRolloutStateStore(etcd, election),
                    notifier,
                    recorder::pollFleet);
        }
        return new RolloutController(
                plan,
                evaluator,
                flags,
                sloClock,
                metrics,
                stateDir().resolve(RolloutController.STATE_FILE),
                marker,
                writer,
                notifier,
                recorder::pollFleet);
    }

    /** Every committed flag change is logged with its reason (the core has already moved the router and the gauge). */
    private void logRoutingChange(FlagState s) {
        var c = s.lastChange();
        if (c != null && !c.action().startsWith("env_seen")) {
            log.info(
                    "routing change v{} by {}: {} {} -> {} (reason: {}); now {}",
                    s.version(),
                    c.actor(),
                    c.action(),
                    c.oldValue(),
                    c.newValue(),
                    c.reason(),
                    s.summary());
        }
    }

    /**
     * Reads the SLO windows; a file that cannot be used starts fresh windows (losing measurements is
     * acceptable, refusing to start is not), kept aside as {@code slo-windows.bin.corrupt}, logged and counted.
     */
    private void loadWindows(boolean reset) throws IOException {
        Path file = stateDir().resolve(SLO_WINDOWS);
        if (reset && Files.exists(file)) {
            Files.move(file, file.resolveSibling(SLO_WINDOWS + ".reset"), StandardCopyOption.REPLACE_EXISTING);
            log.warn(
                    "--reset-state {}: SLO windows start fresh; the old file is kept as {}.reset",
                    SLO_WINDOWS,
                    SLO_WINDOWS);
            flags.audit(
                    "operator:--reset-state",
                    FileFlagStore.RESET_STATE,
                    SLO_WINDOWS,
                    "fresh windows",
                    "started with --reset-state " + SLO_WINDOWS);
            return;
        }
        SloWindows.LoadResult r = windows.load(file, sloClock.millis());
        if (r.discarded()) {
            windowsLoadFailures++;
            Path aside = file.resolveSibling(SLO_WINDOWS + ".corrupt");
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                aside = file;
            }
            log.warn(
                    "{}; the SLO windows start fresh (measurements are lost, nothing else: checks say NO_DATA until new "
                            + "traffic arrives); the file is kept as {}",
                    r.problem(),
                    aside);
        }
        if (r.futureMinutesDropped() > 0) {
            log.warn(
                    "{}: {} minute(s) later than now discarded (a clock that went back, or a copied file)",
                    file,
                    r.futureMinutesDropped());
        }
    }

    /** Starts the device server, the SLO bookkeeping and the rollout, and the HTTP server unless {@code withHttp} is false. */
    public CompositionRoot start(boolean withHttp) throws IOException, InterruptedException {
        try {
            return startAll(withHttp);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // A start that fails (a port taken, a rollout state file refused) leaves nothing running.
            close();
            throw e;
        }
    }

    private CompositionRoot startAll(boolean withHttp) throws IOException, InterruptedException {
        devices.start();
        // At most the last 10 s of SLO history is lost in a crash; a clean stop loses nothing.
        background.scheduleAtFixedRate(this::saveWindows, 10, 10, TimeUnit.SECONDS);
        if (flagStore != null) {
            // A change the disk refused stands in memory; this retries writing it until the disk takes it.
            background.scheduleAtFixedRate(flagStore::persistPending, 5, 5, TimeUnit.SECONDS);
        }
        if (election != null) {
            // (etcd retries a rollback it could not write by itself, every second.)
            String me = election.replica();
            metrics.gauge(
                    Metrics.LEADER,
                    "1 on the replica that leads (runs the rollout and the automatic rollback), 0 on the others.",
                    "replica",
                    Map.of(me, () -> election.isLeader() ? 1 : 0));
            metrics.counter(
                    Metrics.STORE_UNAVAILABLE,
                    "etcd operations that failed because etcd did not answer.",
                    etcd::unavailableCount);
            metrics.gauge(
                    Metrics.STORE_AVAILABLE,
                    "1 while etcd answers, 0 while it does not.",
                    () -> etcd.available() ? 1 : 0);
            metrics.counter(
                    Metrics.FLEET_SLO_MINUTES,
                    "Minutes of SLO counts published to etcd by this replica, and merged from every replica's.",
                    "event",
                    Map.of("published", fleetSlo::published, "merged", fleetSlo::merged, "failed", fleetSlo::failures));
            fleetSync = sloScheduler.scheduleAtFixedRate(fleetSlo::sync, FleetSlo.PERIOD);
            // Without etcd nobody leads: each replica then guards its own devices (rollbacks only).
            OutageRollback outage =
                    new OutageRollback(sloSpec, windows, flags, sloClock, metrics, etcd::available, election::isLeader);
            outageCheck = sloScheduler.scheduleAtFixedRate(outage::tick, Duration.ofMinutes(1));
            election.addListener(this::leadershipChanged);
            election.start();
        } else if (rollout != null) {
            rollout.start(sloScheduler);
        }
        if (config.mqtt().enabled()) {
            // Commands from Home Assistant go through the same sender as every other: routed, judged, counted.
            mqtt = new MqttBridge(
                            config.mqtt(),
                            new StateModelView(devices.registry().states()),
                            new RoutedCommands(sender),
                            metrics,
                            new ExecutorScheduler(background))
                    .start();
        }
        if (withHttp) {
            startHttp();
        }
        return this;
    }

    /**
     * {@code /metrics} and {@code /healthz} on {@code http.host:port}; the admin API with them, or on
     * its own listener ({@code http.apiHost:apiPort}, e.g. loopback only) when one is configured.
     * TLS, when {@code http.certFile} is set, covers the listener that serves the API.
     */
    private void startHttp() throws IOException, InterruptedException {
        HttpServerConfig hc = config.http();
        AdminAuth auth = AdminAuth.load(env.get(AdminAuth.ENV), env.get(AdminAuth.READ_ENV), stateDir());
        api = new AdminApi(
                flags,
                sender,
                devices.registry(),
                history,
                auth,
                metrics,
                config.reliable().deadline().plus(Duration.ofSeconds(2)));
        RolloutApi rolloutApi = new RolloutApi(rollout, core.evaluator(), sloClock);
        if (election != null) {
            rolloutApi.withLeadership(
                    election.replica(),
                    election::leader,
                    election::isLeader,
                    new EtcdRolloutStateStore(etcd, election));
        }
        rolloutApi.install(api);
        new StatusApi(api, rolloutApi, rollout, flags, devices.registry(), history, sloClock).install(api);
        new DeviceApi(sender, devices.registry(), config.reliable().deadline().plus(Duration.ofSeconds(2)))
                .install(api);
        var tls = AdminServer.tls(hc);
        HttpRouter main = new HttpRouter(auth, metrics);
        AdminServer.monitoringRoutes(main, metrics, this::health);
        // The status page is public like /metrics and lives beside it; its token-only data is under /api.
        statusHistory.start(new ExecutorScheduler(background));
        new StatusPage(statusHistory).install(main);
        if (hc.separateApi()) {
            HttpRouter apiRoutes = new HttpRouter(auth, metrics);
            AdminServer.healthRoute(apiRoutes, this::health);
            api.install(apiRoutes);
            http = new AdminServer(hc.host(), hc.port(), main, hc, null, "/metrics, /healthz", metrics).start();
            String apiHost = hc.apiHost().isBlank() ? hc.host() : hc.apiHost();
            apiHttp = new AdminServer(apiHost, hc.apiPort(), apiRoutes, hc, tls, "/api, /healthz", metrics).start();
        } else {
            api.install(main);
            http = new AdminServer(hc.host(), hc.port(), main, hc, tls, "/metrics, /healthz, /api", metrics).start();
        }
    }

    /**
     * Only the leader runs the rollout: its minute tick runs while this replica leads, and a replica
     * that becomes the leader again continues from the shared state the last one left.
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
            log.error(
                    "this replica leads but could not take over the rollout: {}; it tries again at the next election",
                    e.getMessage());
        }
    }

    /** The listener of the admin API: its own when configured, else the one of /metrics. */
    public AdminServer apiHttp() {
        return apiHttp != null ? apiHttp : http;
    }

    public AdminServer http() {
        return http;
    }

    /**
     * Declares the simulated fleet's device types in the state model (the simulator, like real
     * devices, does not send them); before the fleet connects, so Home Assistant never sees them untyped.
     */
    public CompositionRoot withSimulatedTypes(int simulatedDevices) {
        Fleet.meshTypes(simulatedDevices).forEach(devices.registry().states()::type);
        return this;
    }

    /** The Home Assistant bridge, or null when no broker is configured. */
    public MqttBridge mqtt() {
        return mqtt;
    }

    private void saveWindows() {
        if (!persistWindows) {
            return;
        }
        try {
            windows.save(stateDir().resolve(SLO_WINDOWS), writer);
            windowsPersistError = null;
        } catch (IOException | RuntimeException e) {
            windowsPersistFailures.incrementAndGet();
            windowsPersistError = e.toString();
            log.error("could not save the SLO windows to {}: {}", stateDir(), e.toString());
        }
    }

    /**
     * What {@code /healthz} says besides "up": whether every piece of state is on disk. Still 200
     * when it is not: restarting a controller whose disk refuses would lose what only memory holds.
     */
    private Map<String, Object> health() {
        Map<String, Object> h = new LinkedHashMap<>();
        var flagsPersist = flags.store().persistence();
        boolean rolloutPending = rollout != null && rollout.persistPending();
        boolean degraded = flagsPersist.pending() || rolloutPending || windowsPersistError != null;
        h.put("status", degraded ? "degraded" : "ok");
        Map<String, Object> p = new LinkedHashMap<>();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("persisted", !flagsPersist.pending());
        f.put("failures", flagsPersist.failures());
        if (flagsPersist.pending()) {
            f.put("last_error", flagsPersist.lastError());
            f.put("failing_since", String.valueOf(flagsPersist.failingSince()));
        }
        p.put("flags", f);
        if (rollout != null) {
            p.put("rollout", Map.of("persisted", !rolloutPending, "failures", rollout.persistFailures()));
        }
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("persisted", windowsPersistError == null);
        w.put("failures", windowsPersistFailures.get());
        if (windowsPersistError != null) {
            w.put("last_error", windowsPersistError);
        }
        p.put("slo_windows", w);
        h.put("state", p);
        h.put("state_dir", stateDir().toAbsolutePath().toString());
        return h;
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
        if (fleetSync != null) {
            fleetSync.cancel();
            outageCheck.cancel();
        }
        if (mqtt != null) {
            // Before the transports: the bridge says offline while it can, and no new command arrives on a closed
            // transport.
            mqtt.close();
        }
        background.shutdownNow();
        saveWindows();
        if (flagStore != null && !flagStore.persistPending()) {
            log.error(
                    "stopping with flag changes the disk has refused ({}); they are lost with this process",
                    flags.store().persistence().lastError());
        }
        legacy.close();
        reliable.close();
        if (http != null) {
            http.close();
        }
        if (apiHttp != null) {
            apiHttp.close();
        }
        devices.close();
        if (etcd != null) {
            etcd.close();
        }
    }
}
