package dev.cync.canary.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cync-canary rollout status|pause|resume|promote|abort|retry}: the staged rollout on a running controller. */
@Command(
        name = "rollout",
        mixinStandardHelpOptions = true,
        description =
                "Show or steer the staged rollout. status: the stage, its gates and the last automatic-rollback check."
                        + " pause and resume: stop and restart the stage clock (resume also releases a rollback and applies the stage's"
                        + " percentage again). promote: go to the next stage now. abort: every device to legacy, and stop."
                        + " retry: enter the stage that failed again.")
final class RolloutCommand extends AdminCommands.ChangeCommand {

    @Parameters(
            paramLabel = "ACTION",
            defaultValue = "status",
            description = "status, pause, resume, promote, abort or retry.")
    String action;

    @Option(
            names = "--reason",
            paramLabel = "TEXT",
            description = "Why; it goes in the audit log (required for every action but status).")
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
            throw new IllegalArgumentException(
                    "ACTION must be status, pause, resume, promote, abort or retry, got '" + action + "'");
        }
        if (json) {
            out().println(client.pretty(r));
        } else if (!r.path("enabled").asBoolean()) {
            out().println(
                            "the rollout is off on this controller (rollout.enabled in cync-canary.yaml, or serve --rollout)");
        } else if (!r.has("stage")) {
            out().printf("plan %s: %s%n", r.path("plan").asText(), RolloutLines.stage(r));
            followingLine(r);
        } else {
            followingLine(r);
            JsonNode st = r.path("stage");
            out().printf(
                            "plan %s: %s in stage %s (%s%%%s), %s of %s%n",
                            r.path("plan").asText(),
                            r.path("status").asText(),
                            st.path("name").asText(),
                            st.path("percentage").asText(),
                            st.path("dark_launch").asBoolean() ? ", dark launch" : "",
                            st.path("elapsed").asText(),
                            st.path("min_duration").asText());
            out().printf("on failure: back to %s%n", text(st.path("rollback_to")));
            out().printf(
                            "automatic rollback: %d consecutive failure(s); last check: %s%n",
                            r.path("consecutive_failures").asInt(), text(r.path("last_auto_rollback_check")));
            out().printf("why: %s%n", text(r.path("reason")));
            printGates(st.path("gates"));
        }
        out().flush();
        return 0;
    }

    /** The stage's gates as a table: one row per gate, each field in its column; nothing as raw JSON. */
    private void printGates(JsonNode gates) {
        if (!gates.isArray() || gates.isEmpty()) {
            out().println("gates: none (the stage promotes on time alone)");
            return;
        }
        java.util.List<String> columns = new java.util.ArrayList<>();
        for (JsonNode g : gates) {
            g.fieldNames().forEachRemaining(f -> {
                if (!columns.contains(f)) {
                    columns.add(f);
                }
            });
        }
        java.util.List<java.util.List<String>> rows = new java.util.ArrayList<>();
        rows.add(columns.stream().map(c -> c.replace('_', ' ')).toList());
        for (JsonNode g : gates) {
            rows.add(columns.stream().map(c -> text(g.path(c))).toList());
        }
        out().println();
        out().print(Table.render(rows));
    }

    /** A JSON value for people: "-" for missing or null, lists joined with commas, objects as key=value. */
    static String text(JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return "-";
        }
        if (v.isArray()) {
            java.util.List<String> parts = new java.util.ArrayList<>();
            v.forEach(e -> parts.add(text(e)));
            return parts.isEmpty() ? "-" : String.join(", ", parts);
        }
        if (v.isObject()) {
            java.util.List<String> parts = new java.util.ArrayList<>();
            v.fields().forEachRemaining(e -> parts.add(e.getKey().replace('_', ' ') + " " + text(e.getValue())));
            return String.join(", ", parts);
        }
        return v.asText();
    }

    /** On a follower replica, who leads and where the shown stage comes from. */
    private void followingLine(JsonNode r) {
        String f = RolloutLines.following(r);
        if (f != null) {
            out().println(f);
        }
    }
}
