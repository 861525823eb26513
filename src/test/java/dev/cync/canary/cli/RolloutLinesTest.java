package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cync.canary.support.Json;
import org.junit.jupiter.api.Test;

/** The rollout's words for {@code status} and {@code rollout status}, on a follower whose stage is not known. */
class RolloutLinesTest {

    static JsonNode json(String s) throws Exception {
        return Json.mapper().readTree(s);
    }

    @Test
    void aFollowerThatCannotReadTheStageSaysWhyAndWhoLeads() throws Exception {
        JsonNode r = json("""
                {"replica": "replica-1", "leader": "replica-0", "leading": false, "enabled": true, "plan": "phase2",
                 "status": "following", "unknown": "no rollout state saved yet: the leader starts the plan"}""");
        assertThat(RolloutLines.stage(r))
                .isEqualTo("stage unknown (no rollout state saved yet: the leader starts the plan)");
        assertThat(RolloutLines.following(r)).isEqualTo("replica-1 follows the leader replica-0");
    }

    @Test
    void noLeaderElectedYetIsSaid() throws Exception {
        JsonNode r = json("""
                {"replica": "replica-1", "leader": "", "leading": false, "enabled": true, "status": "running",
                 "stage": {"name": "one_percent", "elapsed": "3m", "min_duration": "15m"}}""");
        assertThat(RolloutLines.stage(r)).isEqualTo("running in one_percent (3m of 15m)");
        assertThat(RolloutLines.following(r))
                .isEqualTo(
                        "replica-1 follows no leader (none elected yet); the stage is the leader's last save in etcd");
    }

    @Test
    void theLeaderAndASingleControllerHaveNoFollowerLine() throws Exception {
        assertThat(RolloutLines.following(json("{\"leading\": true, \"leader\": \"replica-0\"}")))
                .isNull();
        assertThat(RolloutLines.following(json("{\"enabled\": true}"))).isNull();
    }
}
