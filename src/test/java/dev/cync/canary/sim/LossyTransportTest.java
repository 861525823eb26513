package dev.cync.canary.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.Outcome;
import dev.cync.canary.transport.TransportStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, reproduction 6 (demo): the fault decorator's losses used to bypass the transport's
 * outcome recording, so the demo summary (which listens on the real transport) showed the new
 * transport at 100% while it lost half its commands, and the metrics never counted them.
 */
@Tag("slow")
class LossyTransportTest {

    @TempDir
    Path dir;

    @Test
    void injectedLossesAreRecordedLikeRealFailures() throws Exception {
        try (Rig rig = new Rig(dir, 20, Faults.NONE, false, true)) {
            // What the demo summary and the SLO windows see: outcomes of the real transport.
            List<CommandOutcome> seen = new CopyOnWriteArrayList<>();
            rig.reliable.addOutcomeListener(seen::add);
            LossyTransport lossy = new LossyTransport(rig.reliable, 5, Duration.ofSeconds(2));
            lossy.loss(0.5);
            LoadGenerator.Run run = rig.run(lossy::send, 400, 400);

            assertThat(run.issued()).isEqualTo(400);
            long timeouts = run.outcomes().get(Outcome.TIMEOUT);
            assertThat(timeouts).isBetween(150L, 250L);
            assertThat(seen).hasSize(400);
            assertThat(seen.stream().filter(o -> o.outcome() == Outcome.TIMEOUT).count())
                    .isEqualTo(timeouts);
            assertThat(rig.metrics.counterValue(Metrics.PACKET_SENT, "new", "timeout"))
                    .isEqualTo((double) timeouts);
            assertThat(rig.metrics.counterValue(Metrics.ACK_TIMEOUT, "new")).isEqualTo((double) timeouts);
            TransportStats s = rig.reliable.stats();
            assertThat(s.sent()).isEqualTo(400);
            assertThat(s.failed().get(Outcome.TIMEOUT)).isEqualTo(timeouts);
            assertThat(s.balanced()).isTrue();
            assertThat(lossy.stats()).isEqualTo(s);
            assertThat(rig.imbalance.get()).isNull();
        }
    }
}
