package dev.cync.canary.http;

import dev.cync.canary.device.DeviceRegistry;
import dev.cync.canary.device.DeviceSession;
import dev.cync.canary.device.MeshDeviceState;
import dev.cync.canary.flags.FlagValues;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.rollout.RolloutController;
import dev.cync.canary.rollout.RolloutPlan;
import dev.cync.canary.rollout.RolloutState;
import dev.cync.canary.support.Durations;
import dev.cync.canary.support.Percentages;
import dev.cync.canary.time.Clock;
import dev.cync.canary.transport.OutcomeHistory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The status page's token-only data, as functions of the controller's state that know nothing of the
 * HTTP server: {@link #overview} (flags, rollout with its timeline and gates, SLOs, audit tail,
 * connected devices) and {@link #device} (one device's connection, route and last outcomes). Both
 * show what {@code /metrics} does not (the audit log, device ids), so both need the admin token.
 */
public final class StatusApi {

    static final int AUDIT_TAIL = 30;
    static final int EVENTS_TAIL = 60;

    private final AdminApi admin;
    private final RolloutApi rolloutApi;
    private final RolloutController rollout;
    private final Flags flags;
    private final DeviceRegistry registry;
    private final OutcomeHistory history;
    private final Clock clock;

    /** @param rollout null when the rollout is off */
    public StatusApi(
            AdminApi admin,
            RolloutApi rolloutApi,
            RolloutController rollout,
            Flags flags,
            DeviceRegistry registry,
            OutcomeHistory history,
            Clock clock) {
        this.admin = admin;
        this.rolloutApi = rolloutApi;
        this.rollout = rollout;
        this.flags = flags;
        this.registry = registry;
        this.history = history;
        this.clock = clock;
    }

    /**
     * {@code GET /api/status} and {@code GET /api/status/device/{id}}. They are reads, but registered
     * as calls that need the token ({@code mutating} true), because they show the audit log and
     * per-device detail that the public {@code /metrics} does not.
     */
    public void install(AdminApi api) {
        api.add("GET", "/api/status", true, r -> overview());
        api.add("GET", "/api/status/device/([^/]+)", true, r -> device(r.param(0)));
    }

    /** Everything the page shows beyond {@code /metrics}, in one answer (one request per refresh). */
    public Map<String, Object> overview() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("at", clock.instant());
        v.put("canary", admin.canaryView());
        v.put("rollout", rolloutView());
        v.put("slo", rolloutApi.slo());
        v.put("audit", flags.store().audit(AUDIT_TAIL));
        v.put("connected", registry.size());
        return v;
    }

    private Map<String, Object> rolloutView() {
        if (rollout == null) {
            return rolloutApi.rolloutView();
        }
        // One read of the state for the whole view: on a follower it is the leader's, from etcd.
        RolloutApi.Shown shown = rolloutApi.shown();
        Map<String, Object> v = rolloutApi.rolloutView(shown);
        RolloutState s = shown.state();
        if (s == null) {
            return v;
        }
        var stage = rollout.plan().stages().get(s.stage());
        long remaining = Math.max(0, stage.minDuration().toMillis() - s.stageElapsedMillis());
        @SuppressWarnings("unchecked")
        Map<String, Object> st = (Map<String, Object>) v.get("stage");
        st.put("remaining", Durations.format(Duration.ofMillis(remaining)));
        st.put(
                "elapsed_fraction",
                stage.minDuration().isZero()
                        ? 1.0
                        : Math.min(
                                1.0,
                                s.stageElapsedMillis()
                                        / (double) stage.minDuration().toMillis()));
        // A follower does not judge the gates: the leader does, at its minute tick.
        st.put(
                "gate_states",
                shown.leading()
                        ? rollout.gateStates()
                        : stage.gates().stream()
                                .map(g -> new RolloutController.GateState(
                                        g.describe(), "leader", "judged by the leader " + v.get("leader")))
                                .toList());
        List<RolloutState.Event> h = s.history();
        List<String> names =
                rollout.plan().stages().stream().map(RolloutPlan.Stage::name).toList();
        v.put("timeline", StatusTimeline.stages(names, s.stage(), StatusTimeline.visits(h)));
        v.put(
                "stage_percentages",
                rollout.plan().stages().stream()
                        .map(x -> Percentages.fromBasisPoints(x.percentageBasisPoints()))
                        .toList());
        v.put("events", StatusTimeline.events(h, EVENTS_TAIL));
        v.put("last_automatic_decision", StatusTimeline.lastAutomatic(h));
        // After a failed gate or a rollback the rollout waits in an earlier stage; say which one failed.
        st.put(
                "failed_stage",
                s.failedStage() >= 0 && s.failedStage() < names.size() ? names.get(s.failedStage()) : null);
        v.remove("history");
        return v;
    }

    /** One device: connected or not, its route and why, and its last outcomes (oldest first). */
    public Map<String, Object> device(String text) {
        String id;
        DeviceId device;
        try {
            id = FlagValues.deviceId("device", text);
            device = DeviceId.parse(id);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("a device id is 8 hex digits, e.g. 3d54861c; got '" + text + "'");
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("device", id);
        DeviceSession s = registry.find(device);
        v.put("connected", s != null);
        if (s != null) {
            v.put("connected_at", s.connectedAt());
            v.put("last_seen", s.lastSeen());
            v.put("remote", String.valueOf(s.remoteAddress()));
            v.put("tls", s.tls());
        }
        // What the device itself last reported, per mesh id it reaches (its own and any it relays).
        v.put(
                "mesh",
                registry.states().all().stream()
                        .filter(m -> m.endpoint().equals(device))
                        .map(StatusApi::meshView)
                        .toList());
        v.put("route", admin.routeView(id));
        v.put(
                "recent_outcomes",
                history.of(device).stream().map(AdminApi::outcomeView).toList());
        return v;
    }

    static Map<String, Object> meshView(MeshDeviceState m) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("mesh_id", m.meshId());
        v.put("type", m.type().name());
        v.put("on", m.on());
        v.put("brightness", m.brightness());
        v.put("color_temp", m.colorTemp());
        v.put("rgb_mode", m.rgbMode());
        v.put("red", m.red());
        v.put("green", m.green());
        v.put("blue", m.blue());
        v.put("online", m.online());
        v.put("relayed", m.relayed());
        v.put("last_report", m.lastReport());
        v.put("firmware", m.firmware());
        return v;
    }
}
