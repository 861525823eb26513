package dev.cync.canary.cli;

import dev.cync.canary.rollout.RolloutPlan;
import dev.cync.canary.sim.Scenario;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.support.Durations;
import dev.cync.canary.time.Clock;
import dev.cync.canary.time.SystemClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code rehearse --matrix DIR --seeds N}: every scenario in DIR under seeds 1..N, each rehearsal
 * checked against the outcome its scenario declares. Rehearsals are independent (each has its own
 * virtual clock, flags and windows), so they run on one thread per core. Expectations: {@code complete}
 * (no rollback, the plan completes), {@code hold} (no rollback; it may hold, ask an operator or complete
 * late), {@code rollback_within: D} (no rollback before the first fault on the new transport, one within D).
 */
final class RehearsalMatrix {

    private RehearsalMatrix() {}

    static Map<String, Object> run(RolloutPlan plan, SloSpec slo, Path dir, int seeds) throws Exception {
        Clock wall = SystemClock.utc();
        long start = wall.nanoTime();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--matrix " + dir + ": cannot list the directory (" + e.getMessage() + ")", e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("--matrix " + dir + ": no scenario (*.yaml) in it");
        }
        Map<Path, Scenario> scenarios = new LinkedHashMap<>();
        for (Path f : files) {
            Scenario s = Scenario.load(f);
            if (s.expect() == null) {
                throw new IllegalArgumentException(
                        f + ": a matrix scenario needs expect: complete | hold | rollback_within: DURATION");
            }
            scenarios.put(f, s);
        }
        ExecutorService pool =
                Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        Map<Path, List<Future<Map<String, Object>>>> runs = new LinkedHashMap<>();
        try {
            for (Map.Entry<Path, Scenario> e : scenarios.entrySet()) {
                List<Future<Map<String, Object>>> fs = new ArrayList<>();
                for (long seed = 1; seed <= seeds; seed++) {
                    long sd = seed;
                    fs.add(pool.submit(
                            () -> RehearseCommand.rehearse(plan, slo, e.getValue(), sd, Duration.ofDays(30))));
                }
                runs.put(e.getKey(), fs);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            boolean allOk = true;
            for (Map.Entry<Path, List<Future<Map<String, Object>>>> e : runs.entrySet()) {
                Scenario sc = scenarios.get(e.getKey());
                List<Map<String, Object>> results = new ArrayList<>();
                for (Future<Map<String, Object>> f : e.getValue()) {
                    results.add(f.get());
                }
                Map<String, Object> row =
                        summarise(e.getKey().getFileName().toString().replace(".yaml", ""), sc, results);
                allOk &= Boolean.TRUE.equals(row.get("ok"));
                rows.add(row);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ok", allOk);
            out.put("seeds", seeds);
            out.put("scenarios", rows);
            out.put("wall_ms", (wall.nanoTime() - start) / 1_000_000);
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> summarise(String name, Scenario sc, List<Map<String, Object>> results) {
        int auto = 0;
        int gate = 0;
        int holds = 0;
        int completed = 0;
        List<String> completion = new ArrayList<>();
        List<String> delays = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        Duration fault = sc.firstNewFault();
        for (int i = 0; i < results.size(); i++) {
            Map<String, Object> r = results.get(i);
            List<Map<String, Object>> rb = (List<Map<String, Object>>) r.get("rollbacks");
            for (Map<String, Object> b : rb) {
                auto += "auto".equals(b.get("trigger")) ? 1 : 0;
                gate += "gate".equals(b.get("trigger")) ? 1 : 0;
            }
            holds += ((List<?>) r.get("holds")).size();
            String done = (String) r.get("completed_at");
            completion.add(done);
            completed += done != null ? 1 : 0;
            String delay = (String) r.get("detection_delay");
            delays.add(delay);
            String seed = "seed " + (i + 1) + ": ";
            switch (sc.expect().kind()) {
                case COMPLETE -> {
                    if (!rb.isEmpty()) {
                        mismatches.add(seed + rb.size() + " rollback(s), first at "
                                + rb.get(0).get("at") + ": " + rb.get(0).get("reason"));
                    } else if (done == null) {
                        mismatches.add(seed + "did not complete: " + r.get("final_state"));
                    }
                }
                case HOLD -> {
                    // Thin or missing evidence: holds, extends stages, may ask an operator or complete late; never
                    // rolls back.
                    if (!rb.isEmpty()) {
                        mismatches.add(seed + rb.size() + " rollback(s), first at "
                                + rb.get(0).get("at") + ": " + rb.get(0).get("reason"));
                    }
                }
                case ROLLBACK -> {
                    if (delay == null) {
                        mismatches.add(seed + "no rollback after the fault at " + r.get("first_fault_at")
                                + "; final state " + r.get("final_state"));
                    } else if (Durations.parse(delay).compareTo(sc.expect().rollbackWithin()) > 0) {
                        mismatches.add(seed + "rolled back " + delay + " after the fault, later than "
                                + Durations.format(sc.expect().rollbackWithin()));
                    }
                    if (!rb.isEmpty() && fault != null && delay != null && rb.size() > 1) {
                        mismatches.add(seed + "rolled back before the fault: "
                                + rb.get(0).get("at"));
                    } else if (delay == null && !rb.isEmpty()) {
                        mismatches.add(seed + "rolled back before the fault: "
                                + rb.get(0).get("at"));
                    }
                }
                default -> throw new IllegalStateException(sc.expect().toString());
            }
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("scenario", name);
        row.put("devices", sc.devices());
        row.put("expect", sc.expect().toString());
        row.put("runs", results.size());
        row.put("auto_rollbacks", auto);
        row.put("gate_rollbacks", gate);
        row.put("holds", holds);
        row.put("completed", completed);
        row.put("completion", completion);
        row.put("detection_delay", delays);
        row.put("ok", mismatches.isEmpty());
        row.put("mismatches", mismatches);
        return row;
    }

    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> m) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                "%-28s %7s %-22s %5s %5s %5s %9s %-20s %-12s %s%n",
                "scenario",
                "devices",
                "expect",
                "auto",
                "gate",
                "holds",
                "completed",
                "completion",
                "worst delay",
                "result"));
        for (Map<String, Object> r : (List<Map<String, Object>>) m.get("scenarios")) {
            List<String> done = ((List<String>) r.get("completion"))
                    .stream()
                            .filter(x -> x != null)
                            .sorted(RehearsalMatrix::byDuration)
                            .toList();
            List<String> delays = ((List<String>) r.get("detection_delay"))
                    .stream()
                            .filter(x -> x != null)
                            .sorted(RehearsalMatrix::byDuration)
                            .toList();
            b.append(String.format(
                    "%-28s %7s %-22s %5s %5s %5s %4s of %-2s %-20s %-12s %s%n",
                    r.get("scenario"),
                    r.get("devices"),
                    r.get("expect"),
                    r.get("auto_rollbacks"),
                    r.get("gate_rollbacks"),
                    r.get("holds"),
                    r.get("completed"),
                    r.get("runs"),
                    done.isEmpty()
                            ? "-"
                            : done.get(0).equals(done.get(done.size() - 1))
                                    ? done.get(0)
                                    : done.get(0) + ".." + done.get(done.size() - 1),
                    delays.isEmpty() ? "-" : delays.get(delays.size() - 1),
                    Boolean.TRUE.equals(r.get("ok")) ? "ok" : "MISMATCH"));
            for (String mm : (List<String>) r.get("mismatches")) {
                b.append("    ").append(mm).append('\n');
            }
        }
        b.append(String.format(
                "%s: %s seeds, %s ms%n",
                Boolean.TRUE.equals(m.get("ok")) ? "all as expected" : "MISMATCHES", m.get("seeds"), m.get("wall_ms")));
        return b.toString();
    }

    /** Orders "5d3h10m"-style times by their length. */
    private static int byDuration(String a, String b) {
        return Long.compare(parse(a), parse(b));
    }

    private static long parse(String t) {
        long total = 0;
        long n = 0;
        for (char c : t.toCharArray()) {
            if (Character.isDigit(c)) {
                n = n * 10 + (c - '0');
            } else {
                total += n
                        * switch (c) {
                            case 'd' -> 1440;
                            case 'h' -> 60;
                            case 'm' -> 1;
                            default -> 0;
                        };
                n = 0;
            }
        }
        return total;
    }
}
