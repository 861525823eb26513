package dev.cync.canary.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cync-canary rollout status|pause|resume|promote|abort|retry}: the staged rollout on a running controller. */
@Command(name = "rollout", mixinStandardHelpOptions = true,
        description = {"Show or steer the staged rollout.",
            "status: the stage, its gates and the last automatic-rollback check;",
            "pause / resume: stop and restart the stage clock (resume also releases a rollback and re-applies the stage);",
            "promote: go to the next stage now; abort: everyone to legacy and stop; retry: re-enter the stage that failed."})
final class RolloutCommand extends AdminCommands.ClientCommand {

    @Parameters(paramLabel = "ACTION", defaultValue = "status", description = "status, pause, resume, promote, abort or retry.")
    String action;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (required for every action but status).")
    String reason;

    @Override
    public Integer call() throws Exception {
        JsonNode r;
        if (action.equals("status")) {
            r = client.call("GET", "/api/rollout", null);
        } else if (List.of("pause", "resume", "promote", "abort", "retry").contains(action)) {
            if (reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("rollout " + action + " needs --reason: it goes in the audit log");
            }
            r = client.call("POST", "/api/rollout/" + action, Map.of("reason", reason));
        } else {
            throw new IllegalArgumentException("ACTION must be status, pause, resume, promote, abort or retry, got '" + action + "'");
        }
        if (json) {
            out().println(client.pretty(r));
        } else if (!r.path("enabled").asBoolean()) {
            out().println("the rollout is off on this controller (rollout.enabled in cync-canary.yaml, or serve --rollout)");
        } else {
            JsonNode st = r.path("stage");
            out().printf("plan %s: %s in stage %s (%s%%%s), %s of %s%n", r.path("plan").asText(), r.path("status").asText(),
                    st.path("name").asText(), st.path("percentage").asText(), st.path("dark_launch").asBoolean() ? ", dark launch" : "",
                    st.path("elapsed").asText(), st.path("min_duration").asText());
            out().printf("gates: %s; on failure back to %s%n", st.path("gates"), st.path("rollback_to").asText());
            out().printf("automatic rollback: %d consecutive failure(s); last check: %s%n", r.path("consecutive_failures").asInt(),
                    r.path("last_auto_rollback_check").asText());
            out().printf("why: %s%n", r.path("reason").asText());
        }
        out().flush();
        return 0;
    }
}
