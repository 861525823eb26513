package dev.cync.canary.cli;

import dev.cync.canary.app.CanaryCore;
import dev.cync.canary.flags.FileFlagStore;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.rollout.Notifier;
import dev.cync.canary.rollout.RolloutController;
import dev.cync.canary.rollout.RolloutEvent;
import dev.cync.canary.rollout.RolloutPlan;
import dev.cync.canary.rollout.RolloutState;
import dev.cync.canary.routing.CanaryRouter;
import dev.cync.canary.sim.BulkOutcomes;
import dev.cync.canary.sim.Scenario;
import dev.cync.canary.slo.Check;
import dev.cync.canary.slo.SloEvaluator;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.slo.SloWindows;
import dev.cync.canary.support.Durations;
import dev.cync.canary.support.Json;
import dev.cync.canary.time.Clock;
import dev.cync.canary.time.SystemClock;
import dev.cync.canary.time.VirtualClock;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cync-canary rehearse}: the whole plan in virtual time, with the real router, SLO engine,
 * rollout controller and automatic rollback (the {@code app.CanaryCore} that {@code serve} runs), and
 * modelled transports in place of TCP.
 *
 * <p>Why one class: over 350 lines because it also turns the rollout's events into the rehearsal's result
 * (timeline, stages, holds, rollbacks, detection delay) and prints it as tables; the wiring it
 * plays is not here but in {@code app.CanaryCore}.
 */
@Command(
        name = "rehearse",
        mixinStandardHelpOptions = true,
        description = "Play a rollout plan in virtual time against a scenario, in seconds. The real router, SLO engine,"
                + " rollout controller and automatic rollback run; the transports are modelled from the scenario (success"
                + " rate, log-normal latency, faults over time). Prints the timeline and a summary; stops when the plan"
                + " completes or after --duration.")
final class RehearseCommand implements Callable<Integer> {

    static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    @Option(
            names = "--plan",
            paramLabel = "F",
            description = "Rollout plan (default: the built-in config/plans/phase2.yaml).")
    Path planFile;

    @Option(names = "--slo", paramLabel = "F", description = "SLO file (default: the built-in config/slo.yaml).")
    Path sloFile;

    @Option(
            names = "--scenario",
            paramLabel = "F",
            description = "Scenario (default: the built-in healthy one, config/scenarios/healthy.yaml).")
    Path scenarioFile;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "1",
            description = "Seed of every random draw (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            defaultValue = "30d",
            description = "Longest virtual time to play (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--json", description = "Print one JSON object instead of the timeline.")
    boolean json;

    @Option(
            names = "--matrix",
            paramLabel = "DIR",
            description =
                    "Rehearse every scenario (*.yaml) in DIR under --seeds seeds and check"
                            + " each against the outcome it declares (expect: complete, hold or rollback_within: D); exit 1 on a mismatch.")
    Path matrixDir;

    @Option(
            names = "--seeds",
            paramLabel = "N",
            defaultValue = "3",
            description = "Seeds 1..N for --matrix (default ${DEFAULT-VALUE}).")
    int seeds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The result, for the command and for tests. */
    static Map<String, Object> rehearse(RolloutPlan plan, SloSpec slo, Scenario scenario, long seed, Duration limit)
            throws Exception {
        // Wall time is measured, like every real time, through the real clock (docs/design.md rule 1).
        Clock wall = SystemClock.utc();
        long wallStart = wall.nanoTime();
        VirtualClock clock = new VirtualClock(EPOCH, ZoneId.of("UTC"));
        Path dir = Files.createTempDirectory("cync-rehearse-");
        Flags flags = new Flags(FileFlagStore.open(dir, clock));
        Metrics metrics = new Metrics();
        Duration deadline = Duration.ofMillis(1500);
        SloWindows windows = CanaryCore.windows(slo);
        AtomicLong packets = new AtomicLong();
        // The same core as serve's (flags -> router, recorder -> windows -> evaluator -> rollout), on the
        // virtual clock. No rollout state file: a rehearsal has nothing to restart from, and a month of
        // minute ticks would otherwise be 43,200 forced writes.
        CanaryCore core = new CanaryCore(
                flags,
                metrics,
                slo,
                windows,
                windows,
                clock,
                packets::get,
                () -> 0,
                (evaluator, recorder) -> new RolloutController(
                        plan, evaluator, flags, clock, metrics, null, Notifier.none(), recorder::pollFleet));
        CanaryRouter router = core.router();
        SloEvaluator evaluator = core.evaluator();
        RolloutController rollout = core.rollout();
        List<RolloutState.Event> events = new ArrayList<>();
        rollout.addListener(events::add);

        // The bulk outcome model (sim.BulkOutcomes): each minute's commands and outcomes as counts.
        BulkTraffic traffic = new BulkTraffic(
                scenario,
                router,
                windows,
                clock,
                EPOCH,
                new BulkOutcomes(scenario, deadline, slo.latencyThreshold(), seed));
        clock.scheduleAtFixedRate(() -> packets.addAndGet(2L * traffic.minute()), Duration.ofMinutes(1));
        rollout.start(clock);
        // A scenario with a duration plays on after the plan completes (the watch never stops); a
        // rollback ends the rehearsal, as the plan then waits for an operator.
        Duration playFor = scenario.duration() != null ? scenario.duration() : limit;
        while (Duration.between(EPOCH, clock.instant()).compareTo(playFor) < 0) {
            RolloutState.Status st = rollout.state().status();
            if (st == RolloutState.Status.ROLLED_BACK
                    || (st == RolloutState.Status.COMPLETE && scenario.duration() == null)) {
                break;
            }
            clock.advance(Duration.ofHours(1));
        }
        rollout.stop();
        deleteQuietly(dir);

        Map<String, Object> out = new LinkedHashMap<>();
        RolloutState s = rollout.state();
        out.put(
                "final_state",
                s.status().name().toLowerCase()
                        + (s.status() == RolloutState.Status.COMPLETE
                                ? ""
                                : " in " + rollout.stage().name()));
        out.put(
                "completed_at",
                events.stream()
                        .filter(e -> e.event() == RolloutEvent.COMPLETE)
                        .map(e -> at(e.at()))
                        .findFirst()
                        .orElse(null));
        List<Map<String, Object>> rollbacks = new ArrayList<>();
        List<Map<String, Object>> holds = new ArrayList<>();
        List<Map<String, Object>> stages = new ArrayList<>();
        List<Map<String, Object>> timeline = new ArrayList<>();
        String lastPercent = "0";
        Map<String, Object> open = null;
        Map<String, Object> openHold = null;
        Instant openHoldAt = null;
        for (RolloutState.Event e : events) {
            timeline.add(Map.of(
                    "at",
                    at(e.at()),
                    "event",
                    e.event().label(),
                    "stage",
                    e.stage(),
                    "canary_percent",
                    e.canaryPercent(),
                    "reason",
                    e.reason()));
            switch (e.event()) {
                case AUTO_ROLLBACK, GATE_FAILED, MANUAL_ROLLBACK, ABORT ->
                    rollbacks.add(Map.of(
                            "at",
                            at(e.at()),
                            "trigger",
                            e.event() == RolloutEvent.AUTO_ROLLBACK
                                    ? "auto"
                                    : e.event() == RolloutEvent.GATE_FAILED ? "gate" : "manual",
                            "reason",
                            e.reason(),
                            "from_percent",
                            lastPercent,
                            "to_percent",
                            e.canaryPercent()));
                case HOLD -> {
                    Map<String, Object> h = new LinkedHashMap<>();
                    h.put("start", at(e.at()));
                    h.put("end", null);
                    h.put("stage", e.stage());
                    h.put("reason", e.reason());
                    holds.add(h);
                    openHold = h;
                    openHoldAt = e.at();
                }
                case HOLD_END -> {
                    if (openHold != null) {
                        openHold.put("end", at(e.at()));
                        openHold.put("duration", Durations.format(Duration.between(openHoldAt, e.at())));
                        openHold = null;
                    }
                }
                default -> {}
            }
            boolean leaves = e.event().isPromotion() || e.event().isRollback() || e.event() == RolloutEvent.RETRY;
            if (open != null && leaves) {
                open.put("left_at", at(e.at()));
                open.put(
                        "outcome",
                        switch (e.event()) {
                            case PROMOTE -> "promoted";
                            case COMPLETE -> "completed";
                            case RETRY -> "retried";
                            default -> "rolled_back";
                        });
                open = null;
            }
            if (EnumSet.of(
                            RolloutEvent.START,
                            RolloutEvent.PROMOTE,
                            RolloutEvent.RETRY,
                            RolloutEvent.GATE_FAILED,
                            RolloutEvent.AUTO_ROLLBACK,
                            RolloutEvent.RESUME)
                    .contains(e.event())) {
                open = new LinkedHashMap<>();
                open.put("name", e.stage());
                open.put("entered_at", at(e.at()));
                open.put("left_at", null);
                open.put(
                        "outcome",
                        e.event() == RolloutEvent.GATE_FAILED || e.event() == RolloutEvent.AUTO_ROLLBACK
                                ? "waiting_for_operator"
                                : "running");
                stages.add(open);
            }
            lastPercent = e.canaryPercent();
        }
        out.put("rollbacks", rollbacks);
        Duration fault = scenario.firstNewFault();
        out.put("first_fault_at", fault == null ? null : at(EPOCH.plus(fault)));
        out.put("detection_delay", null);
        if (fault != null) {
            for (RolloutState.Event e : events) {
                if ((e.event() == RolloutEvent.AUTO_ROLLBACK || e.event() == RolloutEvent.GATE_FAILED)
                        && !e.at().isBefore(EPOCH.plus(fault))) {
                    out.put("detection_delay", Durations.format(Duration.between(EPOCH.plus(fault), e.at())));
                    break;
                }
            }
        }
        out.put("holds", holds);
        out.put("stages", stages);
        Map<String, Map<String, Double>> budgets = new LinkedHashMap<>();
        for (String t : List.of(Metrics.LEGACY, Metrics.NEW)) {
            for (Check c : evaluator.checks(t, clock.millis())) {
                budgets.computeIfAbsent(c.objective().name(), k -> new LinkedHashMap<>())
                        .put(t, Math.round(c.budgetRemaining() * 10_000) / 10_000.0);
            }
        }
        out.put("error_budget_remaining", budgets);
        out.put("commands", traffic.commands());
        out.put("mirrored_commands", traffic.mirrored());
        out.put("virtual_time", at(clock.instant()));
        out.put("wall_ms", (wall.nanoTime() - wallStart) / 1_000_000);
        out.put("timeline", timeline);
        return out;
    }

    /** The rehearsal's flag files: a matrix runs hundreds of rehearsals, and none of them leaves its directory behind. */
    private static void deleteQuietly(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // A temporary directory left behind is not worth failing a finished rehearsal for.
        }
    }

    static String at(Instant t) {
        Duration d = Duration.between(EPOCH, t);
        if (d.toDays() > 0) {
            return d.toDays() + "d" + d.toHoursPart() + "h" + (d.toMinutesPart() > 0 ? d.toMinutesPart() + "m" : "");
        }
        return d.toHoursPart() + "h" + d.toMinutesPart() + "m";
    }

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws Exception {
        if (matrixDir != null) {
            if (seeds < 1 || seeds > 1000) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--seeds: must be from 1 to 1000, got " + seeds);
            }
            Map<String, Object> m =
                    RehearsalMatrix.run(RolloutPlan.load(planFile), SloSpec.load(sloFile), matrixDir, seeds);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.pretty().writeValueAsString(m));
            } else {
                out.print(RehearsalMatrix.table(m));
            }
            out.flush();
            return Boolean.TRUE.equals(m.get("ok")) ? 0 : 1;
        }
        Map<String, Object> r = rehearse(
                RolloutPlan.load(planFile),
                SloSpec.load(sloFile),
                Scenario.load(scenarioFile),
                seed,
                Durations.parse(duration));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.pretty().writeValueAsString(r));
        } else {
            out.printf("%-10s %-16s %-12s %-8s %s%n", "time", "event", "stage", "canary%", "reason");
            for (Map<String, Object> e : (List<Map<String, Object>>) r.get("timeline")) {
                out.printf(
                        "%-10s %-16s %-12s %-8s %s%n",
                        e.get("at"), e.get("event"), e.get("stage"), e.get("canary_percent"), e.get("reason"));
            }
            out.println();
            List<Map<String, Object>> holds = (List<Map<String, Object>>) r.get("holds");
            if (!holds.isEmpty()) {
                out.println();
                out.printf("%-10s %-10s %-10s %-12s %s%n", "hold from", "until", "for", "stage", "reason");
                for (Map<String, Object> h : holds) {
                    out.printf(
                            "%-10s %-10s %-10s %-12s %s%n",
                            h.get("start"),
                            h.get("end") == null ? "(open)" : h.get("end"),
                            h.get("duration") == null ? "-" : h.get("duration"),
                            h.get("stage"),
                            h.get("reason"));
                }
            }
            out.println();
            List<Map<String, Object>> rollbacks = (List<Map<String, Object>>) r.get("rollbacks");
            long auto = rollbacks.stream()
                    .filter(b -> "auto".equals(b.get("trigger")))
                    .count();
            long gate = rollbacks.stream()
                    .filter(b -> "gate".equals(b.get("trigger")))
                    .count();
            out.printf(
                    "%-14s %s%n", "final state", r.get("final_state").toString().replace("rolled_back", "rolled back"));
            out.printf(
                    "%-14s %s%n",
                    "completed at", r.get("completed_at") == null ? "not completed" : r.get("completed_at"));
            out.printf(
                    "%-14s %d (automatic %d, gate %d, by hand %d)%n",
                    "rollbacks", rollbacks.size(), auto, gate, rollbacks.size() - auto - gate);
            if (r.get("first_fault_at") != null) {
                out.printf(
                        "%-14s %s; %s%n",
                        "fault",
                        "first on the new transport at " + r.get("first_fault_at"),
                        r.get("detection_delay") == null
                                ? "not rolled back"
                                : "rolled back " + r.get("detection_delay") + " later");
            }
            out.printf("%-14s %d%n", "holds", holds.size());
            out.printf(
                    Locale.ROOT,
                    "%-14s %,d (and %,d mirrored to the new transport)%n",
                    "commands",
                    ((Number) r.get("commands")).longValue(),
                    ((Number) r.get("mirrored_commands")).longValue());
            out.printf(
                    Locale.ROOT,
                    "%-14s %s in %,d ms of wall time%n",
                    "virtual time",
                    r.get("virtual_time"),
                    ((Number) r.get("wall_ms")).longValue());
            out.println();
            out.printf("%-24s %8s %8s%n", "error budget remaining", "legacy", "new");
            Map<String, Map<String, Double>> budgets =
                    (Map<String, Map<String, Double>>) r.get("error_budget_remaining");
            for (Map.Entry<String, Map<String, Double>> b : budgets.entrySet()) {
                out.printf(
                        Locale.ROOT,
                        "%-24s %7.1f%% %7.1f%%%n",
                        b.getKey(),
                        100 * b.getValue().getOrDefault(Metrics.LEGACY, 1.0),
                        100 * b.getValue().getOrDefault(Metrics.NEW, 1.0));
            }
        }
        out.flush();
        return 0;
    }
}
