package dev.cync.canary.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cync.canary.flags.AuditEntry;
import dev.cync.canary.flags.EtcdCluster;
import dev.cync.canary.flags.EtcdFlagStore;
import dev.cync.canary.flags.EtcdSettings;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.flags.LeaderElection;
import dev.cync.canary.flags.StoreUnreachableException;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.rollout.EtcdRolloutStateStore;
import dev.cync.canary.rollout.Notifier;
import dev.cync.canary.rollout.RolloutController;
import dev.cync.canary.rollout.RolloutEvent;
import dev.cync.canary.rollout.RolloutPlan;
import dev.cync.canary.rollout.RolloutState;
import dev.cync.canary.slo.SloEvaluator;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.slo.SloWindows;
import dev.cync.canary.time.ScaledClock;
import dev.cync.canary.time.SystemClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fifty leader crashes in one JVM against a real three-member etcd, with a 1 s lease: each round the
 * leader "crashes" mid-stage as kill -9 would leave it (its lease renewals stop, the lease is not
 * revoked, its rollout stops ticking and its etcd client is dropped) and a fresh replica replaces it.
 * Another replica must lead within two lease TTLs, continue the same stage with the watched time
 * last saved (the shared state is saved every tick: at most a minute or two lost, never any added), and over all
 * rounds the flags' audit log shows every stage promoted exactly once, in order: no double promotion,
 * no skipped stage. The wiring is {@link CompositionRoot}'s (rollout shared in etcd, fenced flags, started
 * on the first leadership, taken over on the next ones); {@code ProcessFailoverTest} does a few
 * rounds with real processes and kill -9.
 *
 * <p>The stages run on a sped-up SLO clock (600x: a 10-minute stage takes 1 s) with a steady flow of
 * successful commands in the SLO windows, so every stage passes its gate as soon as its minimum is up.
 */
@Tag("slow")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FailoverTest {

    static final int ROUNDS = 50;
    static final Duration TTL = Duration.ofSeconds(1);
    static final int STAGES = 80;

    @TempDir
    Path dir;

    /** One replica's rollout parts, wired as {@link CompositionRoot} wires them. */
    static final class Replica {
        final EtcdFlagStore store;
        final LeaderElection election;
        final RolloutController rollout;
        private boolean started;

        /**
         * A cluster that was just started may take longer than the short operation timeout to answer its
         * first request (client channels, the members' own election); this test is about failovers, not
         * that, so the start alone waits up to 10 s.
         */
        private static EtcdFlagStore openWhenTheClusterAnswers(EtcdSettings settings) throws IOException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) {
                try {
                    return EtcdFlagStore.open(settings, SystemClock.utc());
                } catch (StoreUnreachableException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                }
            }
        }

        Replica(String name, EtcdCluster etcd, String prefix, RolloutPlan plan, SloEvaluator evaluator, ScaledClock slo)
                throws IOException {
            store = openWhenTheClusterAnswers(
                    new EtcdSettings(etcd.endpointList(), prefix, name, TTL, Duration.ofMillis(400)));
            election = new LeaderElection(store, SystemClock.utc());
            rollout = RolloutController.shared(
                    plan,
                    evaluator,
                    new Flags(election.fenced()),
                    slo,
                    new Metrics(),
                    new EtcdRolloutStateStore(store, election),
                    Notifier.none(),
                    () -> {});
            election.addListener(leading -> {
                if (!leading) {
                    return;
                }
                try {
                    synchronized (this) {
                        if (!started) {
                            started = true;
                            rollout.start(new LeaderOnlyScheduler(slo, election::isLeader));
                            return;
                        }
                    }
                    rollout.takeOver();
                } catch (IOException | RuntimeException e) {
                    throw new IllegalStateException(e);
                }
            });
            election.start();
        }

        /** As kill -9 leaves it: no more renewals (the lease is not revoked), no more ticks, the connection gone. */
        void crash() {
            election.stop(false);
            rollout.stop();
            store.close();
        }

        void close() {
            election.stop(true);
            rollout.stop();
            store.close();
        }
    }

    static Path plan(Path dir, int stages, String minDuration) throws IOException {
        StringBuilder y = new StringBuilder("name: failover\nstages:\n");
        for (int i = 1; i <= stages; i++) {
            y.append(String.format(
                    Locale.ROOT,
                    "  - name: s%02d%n    percentage: %d%n    minDuration: %s%n"
                            + "    gates:%n      - success_rate_at_least: {percent: 50}%n    rollbackTo: s01%n",
                    i,
                    i,
                    minDuration));
        }
        Path p = dir.resolve("failover-plan.yaml");
        Files.writeString(p, y);
        return p;
    }

    static Replica leader(List<Replica> rs) {
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> rs.stream().filter(r -> r.election.isLeader()).count() == 1);
        return rs.stream().filter(r -> r.election.isLeader()).findFirst().orElseThrow();
    }

    @Test
    void fiftyLeaderCrashesMidStageTakeOverWithinTwoTtlsKeepTheStageClockAndNeverPromoteTwice() throws Exception {
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, "failover-test-time");
            t.setDaemon(true);
            return t;
        });
        ScaledClock slo = new ScaledClock(SystemClock.utc(), 600, timer);
        SloSpec spec = SloSpec.load(Path.of("config/slo.yaml"));
        SloWindows fleet = new SloWindows(List.of("legacy", "new"), spec.latencyThreshold());
        SloEvaluator evaluator = new SloEvaluator(spec, fleet);
        RolloutPlan plan = RolloutPlan.load(plan(dir, STAGES, "10m"));
        timer.scheduleAtFixedRate(
                () -> {
                    for (int i = 0; i < 50; i++) {
                        fleet.recordCommand("new", slo.millis(), true, 30_000_000L, 1, false);
                        fleet.recordCommand("legacy", slo.millis(), true, 30_000_000L, 1, false);
                    }
                },
                0,
                100,
                TimeUnit.MILLISECONDS);
        List<Long> failoverMillis = new ArrayList<>();
        Random random = new Random(16);
        long lostMax = 0;
        try (EtcdCluster etcd = EtcdCluster.start(3)) {
            String prefix = "/failover/";
            List<Replica> rs = new ArrayList<>();
            int names = 0;
            try {
                for (; names < 3; names++) {
                    rs.add(new Replica("r" + names, etcd, prefix, plan, evaluator, slo));
                }
                for (int round = 0; round < ROUNDS; round++) {
                    Replica lead = leader(rs);
                    // Mid-stage: between 0.1 and 0.6 s of leading (1 to 6 virtual minutes of a 10-minute stage).
                    TimeUnit.MILLISECONDS.sleep(100 + random.nextInt(500));
                    RolloutState before = lead.rollout.state();
                    long crashedAt = System.nanoTime();
                    lead.crash();
                    rs.remove(lead);
                    rs.add(new Replica("r" + names++, etcd, prefix, plan, evaluator, slo));
                    Replica next = leader(rs);
                    failoverMillis.add((System.nanoTime() - crashedAt) / 1_000_000);
                    // Leading comes first, then the listener starts or takes over the rollout.
                    await().atMost(Duration.ofSeconds(5))
                            .pollInterval(Duration.ofMillis(10))
                            .until(() -> next.rollout.state() != null);
                    RolloutState after = next.rollout.state();
                    assertThat(after.stage())
                            .as("round %d: the stage after the failover", round)
                            .isGreaterThanOrEqualTo(before.stage());
                    if (after.stage() == before.stage()) {
                        long lost = before.stageElapsedMillis() - after.stageElapsedMillis();
                        lostMax = Math.max(lostMax, lost);
                        assertThat(lost)
                                .as("round %d: stage time lost in the failover", round)
                                .isLessThanOrEqualTo(Duration.ofMinutes(2).toMillis());
                    }
                }
                Replica last = leader(rs);
                List<AuditEntry> audit = last.store.audit(10_000);
                List<Integer> promotedTo = new ArrayList<>();
                for (AuditEntry e : audit) {
                    if (e.actor().equals("rollout") && e.action().equals("set_percentage")) {
                        promotedTo.add(
                                Integer.parseInt(e.newValue().replace("%", "").trim()));
                    }
                }
                Map<Integer, Integer> times = new HashMap<>();
                promotedTo.forEach(p -> times.merge(p, 1, Integer::sum));
                assertThat(promotedTo).as("the plan moved during the test").hasSizeGreaterThan(10);
                assertThat(times.values())
                        .as("promotions per stage (no stage promoted twice): " + promotedTo)
                        .allMatch(n -> n == 1);
                for (int i = 0; i < promotedTo.size(); i++) {
                    assertThat(promotedTo.get(i))
                            .as("stages in order, none skipped: " + promotedTo)
                            .isEqualTo(i + 1);
                }
                Map<String, Integer> promoteEvents = new HashMap<>();
                for (RolloutState.Event e : last.rollout.state().history()) {
                    if (e.event() == RolloutEvent.PROMOTE) {
                        promoteEvents.merge(e.stage(), 1, Integer::sum);
                    }
                }
                assertThat(promoteEvents.values())
                        .as("promote events per stage in the shared history: " + promoteEvents)
                        .allMatch(n -> n == 1);

                List<Long> sorted = new ArrayList<>(failoverMillis);
                Collections.sort(sorted);
                long p50 = sorted.get(sorted.size() / 2);
                long p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
                long max = sorted.get(sorted.size() - 1);
                System.out.printf(
                        Locale.ROOT,
                        "failovers (TTL %d s, %d rounds): p50 %d ms, p99 %d ms, max %d ms; stages promoted %d, "
                                + "each once; most stage time lost in a failover %d virtual s%n",
                        TTL.toSeconds(),
                        ROUNDS,
                        p50,
                        p99,
                        max,
                        promotedTo.size(),
                        lostMax / 1000);
                assertThat(p99)
                        .as("failover p99 within 2 lease TTLs: " + failoverMillis)
                        .isLessThanOrEqualTo(2 * TTL.toMillis());
            } finally {
                rs.forEach(Replica::close);
            }
        } finally {
            timer.shutdownNow();
        }
    }
}
