package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.rollout.RolloutPlan;
import dev.cync.canary.sim.Scenario;
import dev.cync.canary.slo.SloSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rehearsal of the default plan against the shipped scenarios. */
class RehearseTest {

    static Map<String, Object> rehearse(String scenario) throws Exception {
        return RehearseCommand.rehearse(
                RolloutPlan.load(null),
                SloSpec.load(null),
                Scenario.load(Path.of("config/scenarios", scenario)),
                1,
                Duration.ofDays(30));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theHealthyScenarioCompletesThePlanInThePlannedTime() throws Exception {
        Map<String, Object> r = rehearse("healthy.yaml");
        assertThat(r.get("final_state")).isEqualTo("complete");
        assertThat(r.get("completed_at")).isEqualTo("16d0h");
        assertThat((List<?>) r.get("rollbacks")).isEmpty();
        assertThat((List<?>) r.get("holds")).isEmpty();
        assertThat((List<Map<String, Object>>) r.get("stages"))
                .extracting(s -> s.get("name"))
                .containsExactly("dark_launch", "canary_10", "canary_25", "canary_50");
        assertThat((Map<String, Object>) r.get("error_budget_remaining"))
                .containsKeys("toggle_success_rate", "toggle_latency");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFaultOnTheNewTransportRollsBackWithinMinutes() throws Exception {
        Map<String, Object> r = rehearse("new-transport-fault.yaml");
        List<Map<String, Object>> rollbacks = (List<Map<String, Object>>) r.get("rollbacks");
        assertThat(rollbacks).hasSize(1);
        assertThat(rollbacks.get(0).get("trigger")).isEqualTo("auto");
        // The fault starts at 5d0h; three checks a minute apart with enough evidence.
        assertThat((String) rollbacks.get(0).get("at")).matches("5d0h([0-9]|1[0-5])m");
        assertThat(rollbacks.get(0).get("to_percent")).isEqualTo("0");
        assertThat((String) r.get("final_state")).startsWith("rolled_back");
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutTrafficTheRolloutHoldsAndCarriesOnWhenTrafficReturns() throws Exception {
        Map<String, Object> r = rehearse("no-traffic.yaml");
        assertThat((List<?>) r.get("rollbacks")).isEmpty();
        assertThat((List<Map<String, Object>>) r.get("holds")).isNotEmpty();
        // Issue 12: quiet time does not count toward the stage, and ten quiet days run the 10% stage past its
        // maximum (9 days): the plan pauses and asks an operator instead of completing.
        assertThat(r.get("final_state")).isEqualTo("paused in canary_10");
        assertThat((List<Map<String, Object>>) r.get("timeline"))
                .anyMatch(e -> e.get("event").equals("overdue"));
    }
}
