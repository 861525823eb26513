package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cync.canary.support.Json;
import org.junit.jupiter.api.Test;

/** A replica that has never led has no stage in memory: its status says who leads instead of "following in  ( of )". */
class FollowerStatusTest {

    private static JsonNode json(String text) throws Exception {
        return Json.mapper().readTree(text);
    }

    @Test
    void aFollowerNamesTheLeaderAndItself() throws Exception {
        String line = RolloutCommand.following(json(
                "{\"replica\":\"b\",\"leader\":\"a\",\"leading\":false,\"enabled\":true,\"status\":\"following\"}"));
        assertThat(line)
                .isEqualTo("following: replica a leads and runs the plan; ask it for the stage"
                        + " (cync-canary rollout status --url ...); this is replica b");
        assertThat(line).doesNotContain("()").doesNotContain("  ");
    }

    @Test
    void withoutALeaderItSaysSo() throws Exception {
        assertThat(RolloutCommand.following(
                        json("{\"replica\":\"b\",\"leader\":\"\",\"enabled\":true,\"status\":\"following\"}")))
                .startsWith("following: no replica leads right now");
    }
}
