package dev.cync.canary.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Eight threads route while the percentage changes under them: no decision ever mixes two snapshots. */
class RouterConcurrencyTest {

    @Test
    void changingThePercentageWhileEightThreadsRouteNeverTearsAConfig() throws Exception {
        Map<Long, RoutingConfig> byVersion = new ConcurrentHashMap<>();
        RoutingConfig first = new RoutingConfig(1000, "a", Set.of(), Set.of(), false, false, 0, 0);
        byVersion.put(0L, first);
        CanaryRouter router = new CanaryRouter(first, null);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong torn = new AtomicLong();
        AtomicLong decisions = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch started = new CountDownLatch(8);
        Future<?>[] workers = new Future<?>[8];
        for (int t = 0; t < 8; t++) {
            int seed = t;
            workers[t] = pool.submit(() -> {
                started.countDown();
                int i = seed;
                while (!stop.get()) {
                    String id = "dev-" + (i += 8);
                    CanaryRouter.Decision d = router.explain(id);
                    RoutingConfig used = byVersion.get(d.configVersion());
                    // Each snapshot pairs its own salt and percentage: a torn read would not match either.
                    if (used == null || !CanaryRouter.decide(used, id).equals(d)) {
                        torn.incrementAndGet();
                    }
                    decisions.incrementAndGet();
                }
            });
        }
        started.await();
        for (long v = 1; decisions.get() < 400_000 || v < 1_000; v++) {
            RoutingConfig next = v % 2 == 0
                    ? new RoutingConfig(1000, "a", Set.of(), Set.of(), false, false, 0, v)
                    : new RoutingConfig(9000, "b", Set.of("dev-8"), Set.of(), false, false, 0, v);
            byVersion.put(v, next);
            router.update(next);
        }
        stop.set(true);
        for (Future<?> w : workers) {
            w.get();
        }
        pool.shutdown();
        assertThat(decisions.get()).isGreaterThanOrEqualTo(400_000);
        assertThat(torn.get()).isZero();
    }
}
