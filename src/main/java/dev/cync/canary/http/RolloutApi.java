package dev.cync.canary.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.rollout.RolloutController;
import dev.cync.canary.rollout.RolloutPlan;
import dev.cync.canary.rollout.RolloutState;
import dev.cync.canary.rollout.RolloutStateStore;
import dev.cync.canary.slo.Baseline;
import dev.cync.canary.slo.Check;
import dev.cync.canary.slo.Objective;
import dev.cync.canary.slo.SloEvaluator;
import dev.cync.canary.support.Durations;
import dev.cync.canary.support.Percentages;
import dev.cync.canary.time.Clock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** {@code GET /api/rollout}, {@code GET /api/slo} and {@code POST /api/rollout/{pause|resume|promote|abort|retry}}. */
public final class RolloutApi {

    private final RolloutController rollout;
    private final SloEvaluator evaluator;
    private final Clock clock;
    private Supplier<String> leader;
    private String replica;
    private BooleanSupplier leads = () -> true;
    /** Several replicas: the state the leader saves in etcd, what a follower shows; null with one controller. */
    private RolloutStateStore shared;

    /** @param rollout null when the rollout is off (its calls then answer 409 and say how to turn it on) */
    public RolloutApi(RolloutController rollout, SloEvaluator evaluator, Clock clock) {
        this.rollout = rollout;
        this.evaluator = evaluator;
        this.clock = clock;
    }

    /**
     * Several replicas: only {@code leads} runs the rollout; the view says who leads, and actions
     * sent to another replica are refused with the leader's name. A follower's own copy of the state
     * is absent (it never led) or stale (it led once), so its view shows the state the leader saved
     * in {@code shared}.
     */
    public RolloutApi withLeadership(
            String replica, Supplier<String> leader, BooleanSupplier leads, RolloutStateStore shared) {
        this.replica = replica;
        this.leader = leader;
        this.leads = leads;
        this.shared = shared;
        return this;
    }

    /**
     * The state a view shows and whether this replica runs it; {@code state} null with {@code unknown}
     * saying why (a follower that cannot read the leader's state, or none saved yet).
     */
    record Shown(RolloutState state, boolean leading, String unknown) {}

    Shown shown() {
        boolean leading = leader == null || leads.getAsBoolean();
        if (leading) {
            RolloutState s = rollout.state();
            return new Shown(s, true, s == null ? "this replica has not started the plan yet" : null);
        }
        RolloutState s;
        try {
            s = shared.load().orElse(null);
        } catch (IOException | RuntimeException e) {
            return new Shown(null, false, e.getMessage() + "; the leader's saved rollout state could not be read");
        }
        if (s == null) {
            return new Shown(null, false, "no rollout state saved yet: the leader starts the plan");
        }
        RolloutPlan plan = rollout.plan();
        if (!plan.name().equals(s.plan())
                || s.stage() < 0
                || s.stage() >= plan.stages().size()) {
            return new Shown(
                    null,
                    false,
                    "the saved rollout state (plan " + s.plan() + ", stage " + s.stage()
                            + ") does not fit this replica's plan " + plan.name());
        }
        return new Shown(s, false, null);
    }

    public void install(AdminApi api) {
        api.add("GET", "/api/slo", false, r -> slo());
        api.add("GET", "/api/rollout", false, r -> rolloutView());
        api.add("POST", "/api/rollout/(pause|resume|promote|abort|retry)", true, this::action);
    }

    private Object action(AdminApi.Request r) throws IOException {
        JsonNode b = r.body(Set.of("reason"));
        String reason = r.reason(true);
        if (rollout == null) {
            throw new ApiError(
                    409,
                    "conflict",
                    "the rollout is off on this controller: set rollout.enabled in cync-canary.yaml or start serve --rollout");
        }
        if (!leads.getAsBoolean()) {
            throw new ApiError(
                    409,
                    "conflict",
                    "replica " + replica + " does not lead the rollout; send this to the leader ("
                            + (leader.get().isEmpty() ? "none elected yet" : leader.get()) + ")");
        }
        try {
            switch (r.param(0)) {
                case "pause" -> rollout.pause(r.actor(), reason);
                case "resume" -> rollout.resume(r.actor(), reason);
                case "promote" -> rollout.promote(r.actor(), reason, true);
                case "abort" -> rollout.abort(r.actor(), reason);
                default -> rollout.retry(r.actor(), reason);
            }
        } catch (IllegalStateException e) {
            throw new ApiError(409, "conflict", e.getMessage());
        }
        return rolloutView();
    }

    Map<String, Object> rolloutView() {
        return rollout == null ? rolloutView(null) : rolloutView(shown());
    }

    Map<String, Object> rolloutView(Shown shown) {
        Map<String, Object> v = new LinkedHashMap<>();
        if (rollout == null) {
            v.put("enabled", false);
            return v;
        }
        if (leader != null) {
            v.put("replica", replica);
            v.put("leader", leader.get());
            v.put("leading", shown.leading());
        }
        RolloutState s = shown.state();
        v.put("enabled", true);
        if (s == null) {
            // The stage is not known here: say so rather than show an empty one.
            v.put("plan", rollout.plan().name());
            v.put("status", shown.leading() ? "starting" : "following");
            v.put("unknown", shown.unknown());
            return v;
        }
        RolloutPlan.Stage stage = rollout.plan().stages().get(s.stage());
        v.put("plan", s.plan());
        v.put("status", s.status().name().toLowerCase());
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("name", stage.name());
        st.put("index", s.stage());
        st.put("percentage", Percentages.fromBasisPoints(stage.percentageBasisPoints()));
        st.put("dark_launch", stage.darkLaunch());
        st.put("elapsed", Durations.format(Duration.ofMillis(s.stageElapsedMillis())));
        st.put("min_duration", Durations.format(stage.minDuration()));
        st.put("gates", stage.gates().stream().map(RolloutPlan.Gate::describe).toList());
        st.put("rollback_to", stage.rollbackTo());
        v.put("stage", st);
        v.put(
                "stages",
                rollout.plan().stages().stream().map(RolloutPlan.Stage::name).toList());
        v.put("consecutive_failures", s.consecutiveFailures());
        // Only the leader runs the check; a follower's own would be stale or empty.
        v.put(
                "last_auto_rollback_check",
                shown.leading()
                        ? rollout.lastAutoCheck()
                        : "run by the leader (" + (leader.get().isEmpty() ? "none elected yet" : leader.get()) + ")");
        if (!shown.leading()) {
            v.put("state_from", "the leader's last save in etcd");
        }
        v.put("reason", s.reason());
        List<RolloutState.Event> h = s.history();
        v.put("history", h.subList(Math.max(0, h.size() - 50), h.size()));
        return v;
    }

    Map<String, Object> slo() {
        long now = clock.millis();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("mode", evaluator.spec().mode());
        v.put("min_events", evaluator.spec().minEvents());
        List<Map<String, Object>> objectives = new ArrayList<>();
        List<Baseline> baselines = evaluator.baselines(Metrics.NEW, Metrics.LEGACY, null, now);
        for (Objective o : evaluator.spec().objectives()) {
            Map<String, Object> ov = new LinkedHashMap<>();
            ov.put("name", o.name());
            ov.put("kind", o.kind().label());
            ov.put("target_percent", o.targetPercent());
            ov.put("window", Durations.format(o.window()));
            if (o.threshold() != null) {
                ov.put("threshold_ms", o.threshold().toMillis());
            }
            Map<String, Object> per = new LinkedHashMap<>();
            for (String t : List.of(Metrics.NEW, Metrics.LEGACY)) {
                Check c = evaluator.check(o, t, o.window(), now);
                Map<String, Object> cv = new LinkedHashMap<>();
                cv.put("result", c.result().label());
                cv.put("good", c.ratio().good());
                cv.put("total", c.ratio().total());
                cv.put("ratio", c.ratio().total() == 0 ? null : c.ratio().value());
                cv.put("budget_remaining", c.budgetRemaining());
                cv.put("burn_rates", c.burnRates());
                per.put(t, cv);
            }
            ov.put("transports", per);
            for (Baseline b : baselines) {
                if (b.objective().equals(o.name())) {
                    ov.put(
                            "baseline",
                            Map.of(
                                    "verdict",
                                    b.verdict().label(),
                                    "z",
                                    Double.isNaN(b.z()) || Double.isInfinite(b.z()) ? "n/a" : b.z()));
                }
            }
            objectives.add(ov);
        }
        v.put("objectives", objectives);
        return v;
    }
}
