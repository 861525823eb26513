package dev.cync.canary.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.flags.AuditEntry;
import dev.cync.canary.flags.FileFlagStore;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.slo.SloEvaluator;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.slo.SloWindows;
import dev.cync.canary.support.Json;
import dev.cync.canary.time.VirtualClock;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, reproduction 1: an operator's rollback at the moment an automatic rollback fires. On
 * the old code the store called its listeners under its lock and the listener took the
 * controller's lock while the tick held it and called the store: a deadlock. Here, many times over,
 * with a deadlock detector and a bound: it always ends at 0% with both rollbacks audited.
 */
class RollbackRaceTest {

    @TempDir
    Path root;

    static final int ROUNDS = 40;
    static final Duration BOUND = Duration.ofSeconds(20);

    @Test
    void anOperatorRollbackRacingAnAutomaticOneNeverDeadlocksAndBothAreAudited() throws Exception {
        String yaml = Files.readString(Path.of("config/slo.yaml"))
                .replace("successWindow: 10m", "successWindow: 1m")
                .replace("fastBurnShortWindow: 5m", "fastBurnShortWindow: 1m")
                .replace("fastBurnLongWindow: 1h", "fastBurnLongWindow: 5m");
        SloSpec spec = SloSpec.parse(Json.yaml().readTree(yaml));
        // Daemon threads: if the old deadlock happens, the test fails and the JVM still exits.
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "race");
            t.setDaemon(true);
            return t;
        });
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try {
            for (int round = 0; round < ROUNDS; round++) {
                Path dir = root.resolve("round-" + round);
                VirtualClock clock = VirtualClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
                SloWindows windows = new SloWindows(List.of("legacy", "new"), spec.latencyThreshold());
                Flags flags = new Flags(FileFlagStore.open(dir, clock));
                CountDownLatch tickInside = new CountDownLatch(1);
                AtomicBoolean armed = new AtomicBoolean();
                AtomicBoolean operatorGoing = new AtomicBoolean();
                // Even rounds: the operator is let in while the tick holds the controller's lock, and
                // either change may land first. Odd rounds: the operator acts from inside the delivery of
                // the automatic rollback to a listener, on the tick's thread, which waits for it: a store
                // that delivered under its lock (or a listener that took the controller's) would hang here.
                boolean autoFirstRound = round % 2 == 1;
                CountDownLatch autoLanded = new CountDownLatch(1);
                CountDownLatch operatorDone = new CountDownLatch(1);
                AtomicBoolean operatorInTime = new AtomicBoolean(!autoFirstRound);
                if (autoFirstRound) {
                    flags.store().addListener(f -> {
                        if (f.lastChange() != null && f.lastChange().action().equals("auto_rollback")) {
                            autoLanded.countDown();
                            try {
                                operatorInTime.set(operatorDone.await(5, TimeUnit.SECONDS));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    });
                }
                RolloutController rollout = new RolloutController(
                        RolloutPlan.load(null),
                        new SloEvaluator(spec, windows),
                        flags,
                        clock,
                        new Metrics(),
                        dir.resolve("rollout.json"),
                        Notifier.none(),
                        () -> {
                            windows.recordPackets(clock.millis(), 100, 0);
                            if (armed.get()) {
                                // The tick holds the controller's lock from here on; let the operator in now.
                                tickInside.countDown();
                                for (int spin = 0; spin < 1_000_000 && !operatorGoing.get(); spin++) {
                                    Thread.onSpinWait();
                                }
                            }
                        });
                rollout.start(RolloutControllerTest.MANUAL);
                rollout.promote("test", "skip the dark launch", true);
                for (int m = 0; m < 2; m++) {
                    FailingTraffic.minute(clock, windows);
                    rollout.tick();
                }
                FailingTraffic.minute(clock, windows);
                armed.set(!autoFirstRound);
                Future<?> tick = pool.submit(rollout::tick);
                Future<?> operator = pool.submit(() -> {
                    if (autoFirstRound) {
                        autoLanded.await();
                    } else {
                        tickInside.await();
                        operatorGoing.set(true);
                    }
                    flags.rollback("api:ops", "pager went off", false);
                    operatorDone.countDown();
                    return null;
                });
                awaitOrReportDeadlock(threads, round, tick, operator);

                assertThat(flags.current().percentageBasisPoints())
                        .as("round %d", round)
                        .isZero();
                assertThat(flags.current().killSwitch()).as("round %d", round).isTrue();
                List<String> actions = flags.store().audit(100).stream()
                        .map(AuditEntry::action)
                        .toList();
                // The operator's rollback is always there. The automatic one is there when the tick's check
                // ran before the operator's change landed; when it landed first, no device is on the new
                // transport any more and the watch rightly has nothing to roll back (issue 12).
                assertThat(actions).as("round %d", round).contains("rollback");
                rollout.applyFlagChanges();
                assertThat(rollout.state().status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
                List<String> events = rollout.state().history().stream()
                        .map(e -> e.event().label())
                        .toList();
                assertThat(events).as("round %d", round).containsAnyOf("auto_rollback", "manual_rollback");
                if (autoFirstRound) {
                    assertThat(actions).as("round %d", round).contains("auto_rollback");
                    assertThat(operatorInTime)
                            .as(
                                    "round %d: the operator's rollback finished while the automatic one was being delivered",
                                    round)
                            .isTrue();
                    assertThat(events).as("round %d", round).contains("auto_rollback");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitOrReportDeadlock(ThreadMXBean threads, int round, Future<?>... tasks) throws Exception {
        long deadline = System.nanoTime() + BOUND.toNanos();
        for (Future<?> f : tasks) {
            while (true) {
                try {
                    f.get(50, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    long[] dead = threads.findDeadlockedThreads();
                    if (dead != null) {
                        ThreadInfo[] info = threads.getThreadInfo(dead, true, true);
                        throw new AssertionError("round " + round + ": deadlock between "
                                + Arrays.stream(info)
                                        .map(i -> i.getThreadName() + " waiting for " + i.getLockName() + " held by "
                                                + i.getLockOwnerName())
                                        .collect(Collectors.joining("; ")));
                    }
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("round " + round + ": the rollbacks did not finish within " + BOUND);
                    }
                }
            }
        }
    }
}
