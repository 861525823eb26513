package dev.cync.canary.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cync.canary.time.SystemClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Leader election on a real three-member etcd: one leader at a time; a leader that stops abruptly
 * (its lease left to expire, as with kill -9) is replaced within two TTLs; a deposed leader's
 * fenced writes fail; a rollback is never fenced.
 */
@Tag("slow")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LeaderElectionTest {

    static final Duration TTL = Duration.ofSeconds(2);
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

    private record Replica(EtcdFlagStore store, LeaderElection election) {
        void crash() {
            election.stop(false);
        }

        void close() {
            election.stop(false);
            store.close();
        }
    }

    private static Replica replica(String prefix, int i) throws Exception {
        SystemClock clock = SystemClock.utc();
        EtcdFlagStore s = EtcdFlagStore.open(
                new EtcdSettings(etcd.endpointList(), prefix, "r" + i, TTL, Duration.ofMillis(1000)), clock);
        return new Replica(s, new LeaderElection(s, clock).start());
    }

    private static long leaders(List<Replica> rs) {
        return rs.stream().filter(r -> r.election().isLeader()).count();
    }

    @Test
    void aCrashedLeaderIsReplacedWithinTwoTtlsAndItsFencedWritesFail() throws Exception {
        String prefix = "/election-" + (++prefixes) + "/";
        List<Replica> rs = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                rs.add(replica(prefix, i));
            }
            SystemClock clock = SystemClock.utc();
            List<Long> failovers = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                await().atMost(Duration.ofSeconds(5)).until(() -> leaders(rs) == 1);
                Replica old = rs.stream()
                        .filter(r -> r.election().isLeader())
                        .findFirst()
                        .orElseThrow();
                String oldName = old.election().replica();
                new Flags(old.election().fenced())
                        .setPercentage("rollout", 100 + round, "leader " + oldName + " promotes");
                assertThat(old.election().leader()).isEqualTo(oldName);
                long t0 = clock.nanoTime();
                old.crash();
                // Until someone else leads, nobody does twice over; the crashed one stops by itself.
                while (rs.stream().noneMatch(r -> r != old && r.election().isLeader())) {
                    assertThat(leaders(rs)).isLessThanOrEqualTo(1);
                    assertThat(clock.nanoTime() - t0)
                            .as("failover within 2 x TTL")
                            .isLessThan(2 * TTL.toNanos());
                    TimeUnit.MILLISECONDS.sleep(5);
                }
                failovers.add(clock.nanoTime() - t0);
                assertThat(old.election().isLeader()).isFalse();
                assertThat(leaders(rs)).isEqualTo(1);
                int before = old.store().current().percentageBasisPoints();
                assertThatThrownBy(() -> new Flags(old.election().fenced())
                                .setPercentage("rollout", 9000, "a deposed leader promotes"))
                        .isInstanceOf(EtcdFlagStore.FencedException.class)
                        .hasMessageContaining("no longer holds the leader lease");
                assertThat(old.store().current().percentageBasisPoints()).isEqualTo(before);
                // Any replica may roll back, leader or not.
                assertThat(new Flags(old.election().fenced())
                                .rollback("auto-rollback", "evidence", true)
                                .killSwitch())
                        .isTrue();
                // Back in the race with a new lease, as a restarted pod would be.
                rs.set(rs.indexOf(old), new Replica(old.store(), restart(old)));
            }
            System.out.printf(
                    "leader failover (TTL %d s): %s ms%n",
                    TTL.toSeconds(),
                    failovers.stream().map(n -> String.valueOf(n / 1_000_000)).toList());
        } finally {
            rs.forEach(Replica::close);
        }
    }

    /** A crashed replica restarted: a new election on the same store. */
    private static LeaderElection restart(Replica r) {
        return new LeaderElection(r.store(), SystemClock.utc()).start();
    }
}
