package dev.cync.canary.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.flags.FileFlagStore;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.slo.SloWindows;
import dev.cync.canary.time.VirtualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The automatic rollback while etcd does not answer: each replica judges its own devices, and only then. Virtual time. */
class OutageRollbackTest {

    @TempDir
    Path dir;

    final VirtualClock clock = VirtualClock.startingAt(Instant.parse("2026-03-01T00:00:00Z"));

    @Test
    void withoutEtcdAReplicaRollsBackOnItsOwnDevicesAfterTheConsecutiveFailuresAndNeverWhileEtcdAnswersOrItLeads()
            throws Exception {
        SloSpec spec = SloSpec.load(Path.of("config/slo.yaml"));
        SloWindows own = new SloWindows(List.of("legacy", "new"), spec.latencyThreshold());
        Flags flags = new Flags(FileFlagStore.open(dir, clock));
        flags.setPercentage("operator", 5000, "half on new");
        AtomicBoolean answers = new AtomicBoolean(true);
        AtomicBoolean leads = new AtomicBoolean(false);
        OutageRollback outage = new OutageRollback(spec, own, flags, clock, new Metrics(), answers::get, leads::get);
        Runnable failingMinute = () -> {
            for (int i = 0; i < 200; i++) {
                own.recordCommand("new", clock.millis(), i >= 20, 40_000_000L, 1, false);
            }
            clock.advance(Duration.ofMinutes(1));
        };
        for (int m = 0; m < 5; m++) {
            failingMinute.run();
            outage.tick();
        }
        assertThat(flags.current().killSwitch())
                .as("etcd answers: the leader's fleet-wide check is in charge")
                .isFalse();

        answers.set(false);
        leads.set(true);
        failingMinute.run();
        outage.tick();
        assertThat(outage.failures())
                .as("a replica that still leads leaves it to the rollout")
                .isZero();

        leads.set(false);
        failingMinute.run();
        outage.tick();
        failingMinute.run();
        outage.tick();
        assertThat(outage.failures()).isEqualTo(2);
        assertThat(flags.current().killSwitch()).isFalse();
        failingMinute.run();
        outage.tick();
        assertThat(flags.current().killSwitch())
                .as("third consecutive failed check")
                .isTrue();
        assertThat(flags.current().rollbackSticky())
                .as("held until an operator resumes, as the leader's")
                .isTrue();
        assertThat(flags.current().lastChange().actor()).isEqualTo("auto-rollback");
        assertThat(flags.current().lastChange().reason()).contains("etcd unavailable");
    }
}
