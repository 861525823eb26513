package dev.cync.canary.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.time.SystemClock;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operator restarts the controller and finds everything as they left it. */
class RestartTest {

    @TempDir
    Path state;

    @Test
    void flagsAndDecisionsSurviveARestart() throws Exception {
        ControllerConfig c = ControllerConfig.load(null).withPorts(0, 0, -1).withStateDir(state);
        String decisionBefore;
        try (CompositionRoot first = new CompositionRoot(c, SystemClock.utc(), Map.of()).start(false)) {
            first.flags().setPercentage("api:ops", 2500, "step");
            first.flags().cohort("api:ops", List.of("3d54861c"), List.of(), "pilot");
            decisionBefore = first.router().explain("dev-0000042").explanation();
        }
        try (CompositionRoot second = new CompositionRoot(c, SystemClock.utc(), Map.of()).start(false)) {
            assertThat(second.flags().current().percentageBasisPoints()).isEqualTo(2500);
            assertThat(second.router().explain("3d54861c").reason().label()).isEqualTo("cohort");
            assertThat(second.router().explain("dev-0000042").explanation()).isEqualTo(decisionBefore);
        }
    }
}
