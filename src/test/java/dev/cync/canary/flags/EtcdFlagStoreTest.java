package dev.cync.canary.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cync.canary.time.SystemClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three replicas' flag stores against a real three-member etcd cluster on loopback: concurrent
 * changes lose nothing, every replica sees a change within a second, etcd losing quorum never
 * loosens the canary and a rollback still applies locally, then reaches etcd when it is back.
 */
@Tag("slow")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdFlagStoreTest {

    static EtcdCluster etcd;
    static int prefixes;

    @BeforeAll
    static void cluster() throws Exception {
        etcd = EtcdCluster.start(3);
    }

    @AfterAll
    static void stop() throws Exception {
        if (etcd != null) {
            etcd.close();
        }
    }

    /** Three stores ("replicas") on a fresh prefix, each talking to a different member first. */
    private static List<EtcdFlagStore> replicas(String test) throws IOException {
        String prefix = "/test-" + test + "-" + (++prefixes) + "/";
        List<EtcdFlagStore> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<String> eps = new ArrayList<>(etcd.endpointList());
            Collections.rotate(eps, -i);
            out.add(EtcdFlagStore.open(
                    new EtcdSettings(eps, prefix, "r" + i, Duration.ofSeconds(4), Duration.ofSeconds(2)),
                    SystemClock.utc()));
        }
        return out;
    }

    private static void closeAll(List<EtcdFlagStore> stores) {
        stores.forEach(EtcdFlagStore::close);
    }

    @Test
    void twentyConcurrentCohortUpdatesAcrossReplicasLoseNothing() throws Exception {
        List<EtcdFlagStore> stores = replicas("cohort");
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<FlagState>> done = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Flags f = new Flags(stores.get(i % 3));
                String id = String.format("409e%04x", i);
                done.add(pool.submit(() -> {
                    go.await();
                    return f.cohort("api:r" + id, List.of(id), List.of(), "concurrent add " + id);
                }));
            }
            go.countDown();
            for (Future<FlagState> d : done) {
                d.get(30, TimeUnit.SECONDS);
            }
            for (EtcdFlagStore s : stores) {
                await().atMost(Duration.ofSeconds(2))
                        .untilAsserted(() -> assertThat(s.current().cohort()).hasSize(20));
                assertThat(s.current().version()).isEqualTo(20);
            }
            List<AuditEntry> audit = stores.get(1).audit(100);
            assertThat(audit).hasSize(20);
            assertThat(audit)
                    .extracting(AuditEntry::version)
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(1, 20).boxed().toList());
            assertThat(audit).allMatch(e -> e.action().equals("cohort"));
        } finally {
            pool.shutdownNow();
            closeAll(stores);
        }
    }

    @Test
    void aChangeOnOneReplicaIsSeenByEveryReplicaWithinASecond() throws Exception {
        List<EtcdFlagStore> stores = replicas("visible");
        try {
            long[] lags = new long[100];
            SystemClock clock = SystemClock.utc();
            for (int i = 0; i < 100; i++) {
                int bp = 100 + i;
                Flags writer = new Flags(stores.get(i % 3));
                long t0 = clock.nanoTime();
                writer.setPercentage("cli", bp, "visibility " + i);
                for (EtcdFlagStore s : stores) {
                    await().pollInterval(Duration.ofMillis(1))
                            .atMost(Duration.ofSeconds(2))
                            .until(() -> s.current().percentageBasisPoints() == bp);
                }
                lags[i] = clock.nanoTime() - t0;
            }
            Arrays.sort(lags);
            long p99 = lags[98];
            System.out.printf(
                    "flag change visible on all 3 replicas: p50 %.1f ms, p99 %.1f ms, max %.1f ms over 100 changes%n",
                    lags[49] / 1e6, p99 / 1e6, lags[99] / 1e6);
            assertThat(p99).as("p99 visibility over 100 changes").isLessThan(TimeUnit.SECONDS.toNanos(1));
        } finally {
            closeAll(stores);
        }
    }

    @Test
    void withoutQuorumNothingLoosensAndARollbackStillAppliesThenReachesEtcd() throws Exception {
        List<EtcdFlagStore> stores = replicas("quorum");
        try {
            new Flags(stores.get(0)).setPercentage("cli", 2500, "start at 25%");
            for (EtcdFlagStore s : stores) {
                await().atMost(Duration.ofSeconds(2)).until(() -> s.current().percentageBasisPoints() == 2500);
            }
            // One member down: everything goes on.
            etcd.kill(2);
            new Flags(stores.get(1)).setPercentage("cli", 3000, "one member down");
            for (EtcdFlagStore s : stores) {
                await().atMost(Duration.ofSeconds(3)).until(() -> s.current().percentageBasisPoints() == 3000);
            }
            // Two down: no quorum. Loosening fails with a clear message; the state stays.
            etcd.kill(1);
            assertThatThrownBy(() -> new Flags(stores.get(0)).setPercentage("cli", 5000, "no quorum"))
                    .isInstanceOf(EtcdFlagStore.StoreUnavailableException.class)
                    .hasMessageContaining("etcd did not answer");
            assertThat(stores).allMatch(s -> s.current().percentageBasisPoints() == 3000);
            // A rollback applies here at once, even so.
            FlagState local = new Flags(stores.get(2)).rollback("cli", "pager went off during the outage", false);
            assertThat(local.killSwitch()).isTrue();
            assertThat(stores.get(2).current().percentageBasisPoints()).isZero();
            assertThat(stores.get(2).rollbackPending()).isTrue();
            assertThat(stores.get(2).unavailableCount()).isPositive();
            // Quorum back: the pending rollback is written, and every replica follows it.
            etcd.restart(1);
            etcd.restart(2);
            for (EtcdFlagStore s : stores) {
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    assertThat(s.current().killSwitch()).isTrue();
                    assertThat(s.current().percentageBasisPoints()).isZero();
                });
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> !stores.get(2).rollbackPending());
            assertThat(stores.get(0).audit(10)).last().satisfies(e -> {
                assertThat(e.action()).isEqualTo("rollback");
                assertThat(e.reason()).isEqualTo("pager went off during the outage");
            });
        } finally {
            closeAll(stores);
        }
    }
}
