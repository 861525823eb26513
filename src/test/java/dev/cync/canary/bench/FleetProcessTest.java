package dev.cync.canary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.sim.Faults;
import dev.cync.canary.support.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The child fleet gets the bench's faults, seed and dedup as {@code simulate} flags it reads back the same. */
class FleetProcessTest {

    @Test
    void theChildFleetGetsTheSameFaultsSeedAndDedup() {
        Faults f = new Faults(
                Duration.ofMillis(20),
                Duration.ofMillis(40),
                0.15,
                0.5,
                0.1,
                0.01,
                Optional.of(Duration.ofMillis(15_500)),
                Duration.ofSeconds(10),
                0.5,
                0.2);
        List<String> args = FleetProcess.arguments(23778, 200, false, f, 7);
        assertThat(String.join(" ", args))
                .isEqualTo("--server 127.0.0.1:23778 --devices 200 --heartbeat 20s --seed 7 --latency-ms 20"
                        + " --jitter-ms 40 --loss 0.15 --duplicate 0.5 --reorder 0.1 --corrupt 0.01 --not-executed 0.2"
                        + " --partition-for 10000ms --partition-share 0.5 --partition-at 15500ms --no-dedup");
        assertThat(Durations.parse(args.get(args.indexOf("--partition-at") + 1)))
                .isEqualTo(Duration.ofMillis(15_500));
    }

    @Test
    void noFaultsAndDedupAddNoPartitionAndNoNoDedup() {
        List<String> args = FleetProcess.arguments(1, 5, true, Faults.NONE, 1);
        assertThat(args).doesNotContain("--partition-at", "--no-dedup");
        assertThat(args).containsSequence("--loss", "0.0");
    }
}
