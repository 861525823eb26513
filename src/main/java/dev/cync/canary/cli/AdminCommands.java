package dev.cync.canary.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cync.canary.flags.FlagValues;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The operator's commands against a running controller, over its admin API.
 *
 * <p>Why one class: it is a family, not one class. Each nested class is one thin picocli command
 * (10 to 60 lines) over the bases {@code ClientCommand} (connection, output, {@code --json}),
 * {@code ChangeCommand} (actor, reason, the change's output) and {@code DeviceCommandBase}; kept
 * in one file so the admin commands' options read alike and those bases stay private to it.
 */
final class AdminCommands {

    private AdminCommands() {}

    /** What every client command shares: the connection, output and --json. */
    abstract static class ClientCommand implements Callable<Integer> {
        @Mixin
        AdminClient client;

        @Option(names = "--json", description = "Print the controller's JSON answer.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        /** Prints the canary state after a change, or its JSON. */
        int showCanary(JsonNode c) throws Exception {
            if (json) {
                out().println(client.pretty(c));
            } else {
                out().println(c.path("summary").asText() + " (version "
                        + c.path("version").asLong() + ", by "
                        + c.path("updated_by").asText() + ")");
            }
            out().flush();
            return 0;
        }

        static Map<String, Object> body(Object... kv) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < kv.length; i += 2) {
                if (kv[i + 1] != null) {
                    m.put((String) kv[i], kv[i + 1]);
                }
            }
            return m;
        }
    }

    /** A command that changes something: it signs the audit entry with --actor (read-only commands have none to sign). */
    abstract static class ChangeCommand extends ClientCommand {
        @Option(
                names = "--actor",
                paramLabel = "NAME",
                description = "Who you are, for the audit log (default: $USER).")
        void actor(String name) {
            client.actor = name;
        }
    }

    static final String REASON = "Why; it goes in the audit log (required).";

    @Command(
            name = "set-canary",
            mixinStandardHelpOptions = true,
            description =
                    "Set the share of devices on the new transport. A percentage above 0 also turns the kill switch off"
                            + " and releases a rollback hold; 0 turns the kill switch on, so the explicit cohort goes to legacy too."
                            + " A running rollout plan pauses, so that its next promotion does not undo your choice"
                            + " ('rollout resume' hands control back). The output names each of these that happened.")
    static final class SetCanary extends ChangeCommand {
        @Parameters(paramLabel = "PERCENT", description = "0 to 100, up to 2 decimals (0.5 is half a percent).")
        String percent;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = REASON)
        String reason;

        @Override
        public Integer call() throws Exception {
            int bp = FlagValues.parsePercentage("PERCENT", percent);
            JsonNode before = client.call("GET", "/api/canary", null);
            JsonNode rollout = client.call("GET", "/api/rollout", null);
            JsonNode after =
                    client.call("PUT", "/api/canary", body("percentage", BigDecimal.valueOf(bp, 2), "reason", reason));
            showCanary(after);
            if (!json) {
                for (String effect : sideEffects(before, after, rollout)) {
                    out().println("  also: " + effect);
                }
                out().flush();
            }
            return 0;
        }

        /** What the change did besides the percentage, from the state before and after it. */
        static java.util.List<String> sideEffects(JsonNode before, JsonNode after, JsonNode rollout) {
            java.util.List<String> effects = new java.util.ArrayList<>();
            boolean killBefore = before.path("kill_switch").asBoolean();
            boolean killAfter = after.path("kill_switch").asBoolean();
            if (killBefore && !killAfter) {
                effects.add("turned the kill switch off");
            } else if (!killBefore && killAfter) {
                effects.add("turned the kill switch on (0% sends the explicit cohort to legacy too)");
            }
            if (before.path("rollback_hold").asBoolean()
                    && !after.path("rollback_hold").asBoolean()) {
                effects.add("released the hold of an automatic rollback");
            }
            String status = rollout.path("status").asText();
            if (rollout.path("enabled").asBoolean() && (status.equals("running") || status.equals("hold"))) {
                effects.add("paused the rollout plan " + rollout.path("plan").asText()
                        + " (cync-canary rollout resume --reason TEXT hands control back)");
            }
            return effects;
        }
    }

    @Command(
            name = "rollback",
            mixinStandardHelpOptions = true,
            description =
                    "Send every device back to legacy now: 0%% and the kill switch. Commands already in flight on the new"
                            + " transport finish there. A running rollout plan stops where it is.")
    static final class Rollback extends ChangeCommand {
        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = REASON)
        String reason;

        @Override
        public Integer call() throws Exception {
            return showCanary(client.call("POST", "/api/canary/rollback", body("reason", reason)));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show the canary's state.")
    static final class Status extends ClientCommand {
        @Override
        public Integer call() throws Exception {
            JsonNode c = client.call("GET", "/api/canary", null);
            if (json) {
                out().println(client.pretty(c));
            } else {
                out().printf(
                                "canary:       %s%%%s%n",
                                c.path("percentage").asText(),
                                c.path("kill_switch").asBoolean()
                                        ? " (kill switch ON"
                                                + (c.path("rollback_hold").asBoolean()
                                                        ? ", held by an automatic rollback until an operator resumes)"
                                                        : ")")
                                        : "");
                out().printf("cohort:       %d device(s) %s%n", c.path("cohort").size(), c.path("cohort"));
                out().printf(
                                "excluded:     %d device(s) %s%n",
                                c.path("exclude").size(), c.path("exclude"));
                out().printf(
                                "dark launch:  %s%n",
                                c.path("dark_launch").path("enabled").asBoolean()
                                        ? "on, "
                                                + c.path("dark_launch")
                                                        .path("percentage")
                                                        .asText() + "% of devices mirrored"
                                        : "off");
                out().printf("salt:         %s%n", c.path("salt").asText());
                out().printf(
                                "last change:  version %d at %s by %s%n",
                                c.path("version").asLong(),
                                c.path("updated_at").asText(),
                                c.path("updated_by").asText());
                if (!c.path("persisted").asBoolean(true)) {
                    out().printf(
                                    "persisted:    NO, in effect but not yet on disk (%s failure(s), last: %s); retrying%n",
                                    c.path("persistence").path("failures").asText(),
                                    c.path("persistence").path("last_error").asText());
                }
                JsonNode r = client.call("GET", "/api/rollout", null);
                if (r.path("enabled").asBoolean()) {
                    String following = RolloutLines.following(r);
                    out().printf(
                                    "rollout:      %s%s%n",
                                    RolloutLines.stage(r), following == null ? "" : "; " + following);
                }
                JsonNode slo = client.call("GET", "/api/slo", null);
                out().printf(
                                "%nobjective              target   window  new: result  ratio      budget   legacy: result  ratio      budget   vs legacy%n");
                for (JsonNode o : slo.path("objectives")) {
                    JsonNode n = o.path("transports").path("new");
                    JsonNode l = o.path("transports").path("legacy");
                    out().printf(
                                    "%-22s %6s%%  %-6s  %-11s  %-9s  %6s   %-14s  %-9s  %6s   %s%n",
                                    o.path("name").asText(),
                                    o.path("target_percent").asText(),
                                    o.path("window").asText(),
                                    n.path("result").asText(),
                                    ratio(n),
                                    budget(n),
                                    l.path("result").asText(),
                                    ratio(l),
                                    budget(l),
                                    o.path("baseline").path("verdict").asText("-"));
                }
            }
            out().flush();
            return 0;
        }
    }

    static String ratio(JsonNode t) {
        return t.path("ratio").isNull()
                ? "-"
                : String.format(Locale.ROOT, "%.4f%%", 100 * t.path("ratio").asDouble());
    }

    static String budget(JsonNode t) {
        return String.format(
                Locale.ROOT, "%.0f%%", 100 * t.path("budget_remaining").asDouble());
    }

    @Command(
            name = "cohort",
            mixinStandardHelpOptions = true,
            description = "Add devices to the explicit cohort (always on the new transport) or remove them.")
    static class Cohort extends ChangeCommand {
        @Parameters(index = "0", paramLabel = "add|remove", description = "Add the devices or remove them.")
        String op;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "ID", description = "Device ids (8 hex digits).")
        List<String> ids;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = REASON)
        String reason;

        String path() {
            return "/api/canary/cohort";
        }

        @Override
        public Integer call() throws Exception {
            if (!op.equals("add") && !op.equals("remove")) {
                throw new IllegalArgumentException("say add or remove, got '" + op + "'");
            }
            return showCanary(client.call("POST", path(), body(op, ids, "reason", reason)));
        }
    }

    @Command(
            name = "exclude",
            mixinStandardHelpOptions = true,
            description = "Add devices to the exclude list (never on the new transport) or remove them.")
    static final class Exclude extends Cohort {
        @Override
        String path() {
            return "/api/canary/exclude";
        }
    }

    @Command(
            name = "dark-launch",
            mixinStandardHelpOptions = true,
            description =
                    "Mirror idempotent commands of legacy-routed devices to the new transport, or stop. Mirrors never"
                            + " delay or fail the real command; they only feed the new transport's measurements.")
    static final class DarkLaunch extends ChangeCommand {
        @Parameters(paramLabel = "on|off", description = "Start or stop mirroring.")
        String state;

        @Option(
                names = "--percentage",
                paramLabel = "P",
                description = "Share of devices mirrored (default: unchanged; 10 at first).")
        String percentage;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = REASON)
        String reason;

        @Override
        public Integer call() throws Exception {
            boolean on = FlagValues.parseBoolean("on|off", state);
            BigDecimal p = percentage == null
                    ? null
                    : BigDecimal.valueOf(FlagValues.parsePercentage("--percentage", percentage), 2);
            return showCanary(client.call(
                    "PUT", "/api/canary/dark-launch", body("enabled", on, "percentage", p, "reason", reason)));
        }
    }

    @Command(
            name = "kill-switch",
            mixinStandardHelpOptions = true,
            description = "Everything to legacy (on), or back to the rules (off).")
    static final class KillSwitch extends ChangeCommand {
        @Parameters(
                paramLabel = "on|off",
                description = "on: every device to legacy; off: the routing rules apply again.")
        String state;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = REASON)
        String reason;

        @Override
        public Integer call() throws Exception {
            return showCanary(client.call(
                    "PUT",
                    "/api/canary/kill-switch",
                    body("enabled", FlagValues.parseBoolean("on|off", state), "reason", reason)));
        }
    }

    /** What the four device commands share: the target, the call and how the outcome is shown. */
    abstract static class DeviceCommandBase extends ChangeCommand {
        @Parameters(
                index = "0",
                paramLabel = "TARGET",
                description = "A mesh id (decimal, like 5) or an endpoint (8 hex digits,"
                        + " like 409e0000: its own mesh id).")
        String target;

        int send(String what, Map<String, Object> body) throws Exception {
            JsonNode o = client.call("POST", "/api/devices/" + target + "/" + what, body);
            if (json) {
                out().println(client.pretty(o));
            } else {
                String result = o.path("outcome").asText();
                out().printf(
                                "%s (target %s via %s): %s via %s after %d attempt(s), %.1f ms%n",
                                o.path("command").asText(),
                                o.path("target").asText(),
                                o.path("device").asText(),
                                "success".equals(result) ? "executed" : result,
                                o.path("transport").asText(),
                                o.path("attempts").asInt(),
                                o.path("latency_ms").asDouble());
            }
            out().flush();
            return o.path("succeeded").asBoolean() ? 0 : 1;
        }
    }

    @Command(
            name = "power",
            mixinStandardHelpOptions = true,
            description = "Switch a mesh device on or off through its routed"
                    + " transport. The result is executed (the device's execution ack came), not_executed (receipt only),"
                    + " unknown_target (no connection reported that mesh id), timeout, ..., with the latency.")
    static final class Power extends DeviceCommandBase {
        @Parameters(index = "1", paramLabel = "on|off", description = "Switch it on or off.")
        String state;

        @Override
        public Integer call() throws Exception {
            return send("power", body("on", FlagValues.parseBoolean("on|off", state)));
        }
    }

    @Command(
            name = "brightness",
            mixinStandardHelpOptions = true,
            description = "Set a mesh device's brightness, 0..100.")
    static final class Brightness extends DeviceCommandBase {
        @Parameters(index = "1", paramLabel = "LEVEL", description = "0..100")
        int level;

        @Override
        public Integer call() throws Exception {
            return send("brightness", body("level", level));
        }
    }

    @Command(
            name = "color-temp",
            mixinStandardHelpOptions = true,
            description = "Set a mesh device's colour temperature in Kelvin, 2000 (warm) .. 7000 (cool).")
    static final class ColorTemp extends DeviceCommandBase {
        @Parameters(index = "1", paramLabel = "KELVIN", description = "2000..7000")
        int kelvin;

        @Override
        public Integer call() throws Exception {
            return send("color-temp", body("kelvin", kelvin));
        }
    }

    @Command(
            name = "rgb",
            mixinStandardHelpOptions = true,
            description = "Set a mesh device's colour, each channel 0..255.")
    static final class Rgb extends DeviceCommandBase {
        @Parameters(index = "1", paramLabel = "RED", description = "0..255")
        int red;

        @Parameters(index = "2", paramLabel = "GREEN", description = "0..255")
        int green;

        @Parameters(index = "3", paramLabel = "BLUE", description = "0..255")
        int blue;

        @Override
        public Integer call() throws Exception {
            return send("rgb", body("red", red, "green", green, "blue", blue));
        }
    }

    @Command(
            name = "devices",
            mixinStandardHelpOptions = true,
            description = "List the mesh devices as last reported: mesh id, endpoint, state, online, last report.")
    static final class Devices extends ClientCommand {
        @Override
        public Integer call() throws Exception {
            JsonNode all = client.call("GET", "/api/mesh", null);
            if (json) {
                out().println(client.pretty(all));
            } else {
                out().printf(
                                "%-7s %-8s %-8s %-13s %-3s %5s %5s %-11s %-6s %s%n",
                                "MESH",
                                "ENDPOINT",
                                "RELAYED",
                                "TYPE",
                                "ON",
                                "LEVEL",
                                "TEMP",
                                "RGB",
                                "ONLINE",
                                "LAST REPORT");
                for (JsonNode d : all.path("mesh_devices")) {
                    JsonNode rgb = d.path("rgb");
                    out().printf(
                                    "%-7d %-8s %-8s %-13s %-3s %5d %5s %-11s %-6s %s%n",
                                    d.path("mesh_id").asInt(),
                                    d.path("endpoint").asText(),
                                    d.path("relayed").asBoolean() ? "yes" : "no",
                                    d.path("type").asText(),
                                    d.path("on").asBoolean() ? "on" : "off",
                                    d.path("brightness").asInt(),
                                    d.path("rgb_mode").asBoolean()
                                            ? "-"
                                            : String.valueOf(
                                                    d.path("color_temp").asInt()),
                                    d.path("rgb_mode").asBoolean()
                                            ? rgb.get(0).asInt() + ","
                                                    + rgb.get(1).asInt() + ","
                                                    + rgb.get(2).asInt()
                                            : "-",
                                    d.path("online").asBoolean() ? "yes" : "no",
                                    d.path("last_report").asText());
                }
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "audit", mixinStandardHelpOptions = true, description = "Show who changed what, when and why.")
    static final class Audit extends ClientCommand {
        @Option(
                names = "--limit",
                defaultValue = "20",
                paramLabel = "N",
                description = "Entries to show (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() throws Exception {
            JsonNode a = client.call("GET", "/api/audit?limit=" + limit, null);
            if (json) {
                out().println(client.pretty(a));
            } else {
                for (JsonNode e : a.path("entries")) {
                    out().printf(
                                    "v%-4d %s %-22s %-16s %s -> %s  (%s)%n",
                                    e.path("version").asLong(),
                                    e.path("at").asText(),
                                    e.path("actor").asText(),
                                    e.path("action").asText(),
                                    e.path("old").asText(),
                                    e.path("new").asText(),
                                    e.path("reason").asText());
                }
            }
            out().flush();
            return 0;
        }
    }
}
