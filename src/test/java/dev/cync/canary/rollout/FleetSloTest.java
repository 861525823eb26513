package dev.cync.canary.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.flags.EtcdCluster;
import dev.cync.canary.flags.EtcdFlagStore;
import dev.cync.canary.flags.EtcdSettings;
import dev.cync.canary.slo.AutoRollbackCheck;
import dev.cync.canary.slo.Check;
import dev.cync.canary.slo.Objective;
import dev.cync.canary.slo.Ratio;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.slo.SloWindows;
import dev.cync.canary.support.Json;
import dev.cync.canary.time.VirtualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fleet-wide SLO counts against a real etcd, on virtual time (the SLO clock; etcd itself is
 * real): each replica's minutes are published once and merged once into every replica's fleet view,
 * the automatic-rollback check fails on the fleet's outcomes while one replica's own are fine, old
 * minutes age out of etcd into hour totals, and a replica that starts later sees the fleet's history.
 */
@Tag("slow")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FleetSloTest {

    static EtcdCluster etcd;
    static int prefixes;
    final VirtualClock clock = VirtualClock.startingAt(Instant.parse("2026-03-01T00:00:00Z"));
    final List<EtcdFlagStore> stores = new ArrayList<>();
    SloSpec spec;
    String prefix;

    @BeforeAll
    static void cluster() throws Exception {
        etcd = EtcdCluster.start(1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (etcd != null) {
            etcd.close();
        }
    }

    @AfterEach
    void close() {
        stores.forEach(EtcdFlagStore::close);
    }

    /** One replica's part: its store, its own windows and its fleet view. */
    record Replica(EtcdFlagStore store, SloWindows own, SloWindows fleet, FleetSlo slo) {
        void commands(VirtualClock clock, int ok, int failed) {
            for (int i = 0; i < ok + failed; i++) {
                own.recordCommand("new", clock.millis(), i < ok, 50_000_000L, 1, false);
            }
        }

        Ratio fleetSuccess(SloSpec spec, VirtualClock clock, Duration window) {
            return fleet.ratio(spec.objective(Objective.Kind.SUCCESS), "new", window, clock.millis());
        }
    }

    Replica replica(String name) throws Exception {
        if (spec == null) {
            spec = SloSpec.parse(Json.yaml().readTree(Files.readString(Path.of("config/slo.yaml"))));
            prefix = "/fleet-slo-" + (++prefixes) + "/";
        }
        EtcdFlagStore s = EtcdFlagStore.open(
                new EtcdSettings(etcd.endpointList(), prefix, name, Duration.ofSeconds(4), Duration.ofSeconds(2)),
                clock);
        stores.add(s);
        SloWindows own = new SloWindows(List.of("legacy", "new"), spec.latencyThreshold());
        SloWindows fleet = new SloWindows(List.of("legacy", "new"), spec.latencyThreshold());
        return new Replica(s, own, fleet, new FleetSlo(s, spec, own, fleet, clock));
    }

    /**
     * One minute of traffic on every replica, then a minute later (the clock runs {@link FleetSlo#GRACE}
     * and a second into each minute, so the minute before is over and published) every replica syncs
     * twice: it publishes, then sees the others'.
     */
    void minute(List<Replica> rs, int[][] okFailed) {
        if (clock.millis() % 60_000 == 0) {
            clock.advance(FleetSlo.GRACE.plusSeconds(1));
        }
        for (int i = 0; i < rs.size(); i++) {
            rs.get(i).commands(clock, okFailed[i][0], okFailed[i][1]);
        }
        clock.advance(Duration.ofMinutes(1));
        rs.forEach(r -> r.slo().sync());
        rs.forEach(r -> r.slo().sync());
    }

    @Test
    void everyMinuteOfEveryReplicaIsMergedOnceAndTheFleetFailsWhereOneReplicaAloneIsFine() throws Exception {
        List<Replica> rs = List.of(replica("a"), replica("b"), replica("c"));
        // a's devices are fine; b's and c's lose 3% of their commands on the new transport.
        for (int m = 0; m < 5; m++) {
            minute(rs, new int[][] {{400, 0}, {388, 12}, {388, 12}});
        }
        for (Replica r : rs) {
            Ratio fleet = r.fleetSuccess(spec, clock, Duration.ofMinutes(10));
            assertThat(fleet.total())
                    .as("every replica sees every replica's 5 minutes, once")
                    .isEqualTo(5 * 1200);
            assertThat(fleet.good()).isEqualTo(5 * (400 + 388 + 388));
            assertThat(r.slo().published()).isEqualTo(5);
        }
        // Syncing again merges nothing twice.
        rs.forEach(r -> r.slo().sync());
        assertThat(rs.get(0).fleetSuccess(spec, clock, Duration.ofMinutes(10)).total())
                .isEqualTo(5 * 1200);

        long now = clock.millis();
        Replica a = rs.get(0);
        assertThat(new AutoRollbackCheck(spec, a.own()).check("new", now).result())
                .as("a's own devices alone")
                .isEqualTo(Check.Result.PASS);
        AutoRollbackCheck.Result fleet = new AutoRollbackCheck(spec, a.fleet()).check("new", now);
        assertThat(fleet.result()).as("the fleet: " + fleet.detail()).isEqualTo(Check.Result.FAIL);
        assertThat(a.slo().failures()).isZero();
    }

    @Test
    void oldMinutesAgeOutIntoHourTotalsAndAReplicaStartingLaterSeesTheFleetsHistory() throws Exception {
        List<Replica> rs = List.of(replica("a"), replica("b"));
        minute(rs, new int[][] {{100, 1}, {50, 0}});
        // Eight quiet hours (nothing is written for a minute without commands), then one more minute.
        clock.advance(Duration.ofHours(8));
        minute(rs, new int[][] {{10, 0}, {20, 0}});

        long retention = FleetSlo.minuteRetention(spec).toMinutes();
        EtcdFlagStore.Documents minutes = rs.get(0).store().readDocuments(FleetSlo.MINUTES, "slo/m0", 0, 0);
        EtcdFlagStore.Documents hours = rs.get(0).store().readDocuments(FleetSlo.HOURS, "slo/h0", 0, 0);
        assertThat(minutes.byName())
                .as("the first minute is older than %d minutes: deleted", retention)
                .hasSize(2);
        assertThat(hours.byName()).as("its hour total stays").hasSize(4);

        // Replica c starts now: its view holds the first hour (from the hour totals) and the last minute.
        Replica c = replica("c");
        c.slo().sync();
        assertThat(c.fleetSuccess(spec, clock, Duration.ofDays(1)))
                .isEqualTo(new Ratio(100 + 50 + 10 + 20, 101 + 50 + 10 + 20));
        assertThat(c.fleetSuccess(spec, clock, Duration.ofMinutes(10))).isEqualTo(new Ratio(30, 30));
        // The replicas that ran all along agree with it.
        assertThat(rs.get(1).fleetSuccess(spec, clock, Duration.ofDays(1)))
                .isEqualTo(c.fleetSuccess(spec, clock, Duration.ofDays(1)));
    }
}
