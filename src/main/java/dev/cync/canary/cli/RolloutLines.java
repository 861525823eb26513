package dev.cync.canary.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The words for {@code GET /api/rollout} that {@code status} and {@code rollout status} share: the
 * stage, and on several replicas who leads. A follower shows the stage the leader last saved in
 * etcd, or says why the stage is unknown; never an empty field.
 */
final class RolloutLines {

    private RolloutLines() {}

    /** "running in dark_launch (3m of 2d0h)", or "stage unknown (why)". */
    static String stage(JsonNode r) {
        JsonNode st = r.path("stage");
        if (st.isMissingNode()) {
            return "stage unknown (" + r.path("unknown").asText("not reported") + ")";
        }
        return r.path("status").asText() + " in " + st.path("name").asText() + " ("
                + st.path("elapsed").asText() + " of " + st.path("min_duration").asText() + ")";
    }

    /** Null with one controller or on the leader; else "replica-1 follows replica-0; ...". */
    static String following(JsonNode r) {
        if (!r.has("leading") || r.path("leading").asBoolean()) {
            return null;
        }
        String leader = r.path("leader").asText("");
        return r.path("replica").asText() + " follows "
                + (leader.isEmpty() ? "no leader (none elected yet)" : "the leader " + leader)
                + (r.has("stage") ? "; the stage is the leader's last save in etcd" : "");
    }
}
