package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.app.CompositionRoot;
import dev.cync.canary.app.ControllerConfig;
import dev.cync.canary.flags.AuditEntry;
import dev.cync.canary.flags.FileFlagStore;
import dev.cync.canary.support.DurableFiles;
import dev.cync.canary.support.Json;
import dev.cync.canary.support.StateFileException;
import dev.cync.canary.time.SystemClock;
import dev.cync.canary.transport.TransportKind;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, reproductions 3 and 4, on a whole controller: a rollback lands in the router whatever
 * the disk does, and state that is lost or unreadable never loosens the canary.
 */
class StateSafetyTest {

    static final String TOKEN = "test-token-0123456789abcdef";

    @TempDir
    Path state;

    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = Json.mapper();

    ControllerConfig config() throws Exception {
        return ControllerConfig.load(null).withPorts(0, 0, -1).withStateDir(state);
    }

    record Reply(int status, JsonNode body, String text) {}

    Reply call(CompositionRoot c, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + c.http().port() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + TOKEN)
                .header("X-Actor", "ops");
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().startsWith("{") ? json.readTree(r.body()) : null, r.body());
    }

    /** Makes {@code name} in the state directory impossible to write, even for root: a non-empty directory. */
    Path block(String name) throws Exception {
        Path f = state.resolve(name);
        Path kept = state.resolve(name + ".kept");
        if (Files.exists(f)) {
            Files.move(f, kept, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.createDirectories(f.resolve("blocked"));
        return kept;
    }

    void unblock(String name, Path kept) throws Exception {
        Files.delete(state.resolve(name).resolve("blocked"));
        Files.delete(state.resolve(name));
        if (Files.exists(kept)) {
            Files.move(kept, state.resolve(name));
        }
    }

    @Test
    void aRollbackTakesEffectAtOnceWhenTheStateDirectoryCannotBeWritten() throws Exception {
        String device = "3d54861c";
        try (CompositionRoot c =
                new CompositionRoot(config(), SystemClock.utc(), Map.of("CYNC_ADMIN_TOKEN", TOKEN)).start(true)) {
            assertThat(call(c, "PUT", "/api/canary", "{\"percentage\": 50, \"reason\": \"step\"}")
                            .status())
                    .isEqualTo(200);
            assertThat(call(c, "POST", "/api/canary/cohort", "{\"add\": [\"" + device + "\"], \"reason\": \"pilot\"}")
                            .status())
                    .isEqualTo(200);
            assertThat(c.router().explain(device).transport()).isEqualTo(TransportKind.NEW);

            // Only the audit log refuses: the kill switch still reaches the router.
            Path auditKept = block(FileFlagStore.AUDIT);
            Reply kill =
                    call(c, "PUT", "/api/canary/kill-switch", "{\"enabled\": true, \"reason\": \"audit disk broken\"}");
            assertThat(kill.status()).isEqualTo(200);
            assertThat(kill.body().get("persisted").asBoolean()).isFalse();
            assertThat(c.router().explain(device).transport()).isEqualTo(TransportKind.LEGACY);

            // Now the flag file refuses too: rollback and set-canary 0 answer success, say they are not persisted, and
            // route legacy.
            Path flagsKept = block(FileFlagStore.STATE);
            assertThat(call(c, "PUT", "/api/canary/kill-switch", "{\"enabled\": false, \"reason\": \"x\"}")
                            .status())
                    .isEqualTo(200);
            assertThat(c.router().explain(device).transport()).isEqualTo(TransportKind.NEW);
            Reply rollback = call(c, "POST", "/api/canary/rollback", "{\"reason\": \"pager went off\"}");
            assertThat(rollback.status()).isEqualTo(200);
            assertThat(rollback.body().get("percentage").asInt()).isZero();
            assertThat(rollback.body().get("persisted").asBoolean()).isFalse();
            assertThat(rollback.body().get("persistence").get("last_error").asText())
                    .isNotBlank();
            assertThat(c.router().explain(device).transport()).isEqualTo(TransportKind.LEGACY);
            assertThat(call(c, "PUT", "/api/canary", "{\"percentage\": 0, \"reason\": \"again\"}")
                            .status())
                    .isEqualTo(200);

            Reply health = call(c, "GET", "/healthz", null);
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.body().get("status").asText()).isEqualTo("degraded");
            assertThat(health.body().get("state").get("flags").get("persisted").asBoolean())
                    .isFalse();
            String metrics = call(c, "GET", "/metrics", null).text();
            assertThat(metrics).containsPattern("canary_state_persist_failures_total\\{file=\"flags\"} [1-9]");
            // The audit trail still shows the changes the disk refused.
            List<String> actions =
                    c.flags().store().audit(10).stream().map(AuditEntry::action).toList();
            assertThat(actions).endsWith("kill_switch_on", "kill_switch_off", "rollback", "set_percentage");
            // And the operator's status command says so.
            CaptureCommandTest.Run status = CaptureCommandTest.run(
                    "status", "--url", "http://127.0.0.1:" + c.http().port(), "--token", TOKEN);
            assertThat(status.out()).contains("persisted:    NO");

            // The disk comes back: the retry writes everything, in order.
            unblock(FileFlagStore.STATE, flagsKept);
            unblock(FileFlagStore.AUDIT, auditKept);
            assertThat(c.flagStore().persistPending()).isTrue();
            assertThat(call(c, "GET", "/healthz", null).body().get("status").asText())
                    .isEqualTo("ok");
        }
        FileFlagStore reopened = FileFlagStore.open(state, SystemClock.utc());
        assertThat(reopened.current().percentageBasisPoints()).isZero();
        assertThat(reopened.current().killSwitch()).isTrue();
        List<AuditEntry> audit = reopened.audit(100);
        for (int i = 1; i < audit.size(); i++) {
            assertThat(audit.get(i).version()).isEqualTo(audit.get(i - 1).version() + 1);
        }
        assertThat(audit.get(audit.size() - 1).version())
                .isEqualTo(reopened.current().version());
    }

    @Test
    void aDeletedFlagFileRefusesTheStartInsteadOfTakingTheEnvironmentDefault() throws Exception {
        Map<String, String> env = Map.of("CANARY_PERCENTAGE", "50", "CYNC_ADMIN_TOKEN", TOKEN);
        try (CompositionRoot c = new CompositionRoot(config(), SystemClock.utc(), env).start(false)) {
            assertThat(c.flags().current().percentageBasisPoints()).isEqualTo(5000);
            c.flags().rollback("api:ops", "pager went off", false);
        }
        Files.delete(state.resolve(FileFlagStore.STATE));

        assertThatThrownBy(() -> new CompositionRoot(config(), SystemClock.utc(), env))
                .isInstanceOf(StateFileException.class)
                .hasMessageContaining(state.resolve(FileFlagStore.STATE).toString())
                .hasMessageContaining("is missing")
                .hasMessageContaining("--reset-state flags.json");

        // The way out: started afresh at 0%, kill switch on, held; the environment is remembered, not applied.
        try (CompositionRoot c = new CompositionRoot(
                        config(),
                        SystemClock.utc(),
                        env,
                        null,
                        null,
                        UnaryOperator.identity(),
                        Set.of(FileFlagStore.STATE),
                        DurableFiles.DISK)
                .start(false)) {
            assertThat(c.flags().current().percentageBasisPoints()).isZero();
            assertThat(c.flags().current().killSwitch()).isTrue();
            assertThat(c.flags().current().rollbackSticky()).isTrue();
            List<AuditEntry> audit = c.flags().store().audit(10);
            assertThat(audit)
                    .anyMatch(e -> e.action().equals(FileFlagStore.RESET_STATE)
                            && e.actor().equals("operator:--reset-state")
                            && e.oldValue().contains("is missing"));
            long reset = audit.stream()
                    .filter(e -> e.action().equals(FileFlagStore.RESET_STATE))
                    .findFirst()
                    .orElseThrow()
                    .version();
            assertThat(audit).noneMatch(e -> e.version() > reset && e.action().equals("set_percentage"));
        }
        // Next start: the same environment is not a change, so 0% stays.
        try (CompositionRoot c = new CompositionRoot(config(), SystemClock.utc(), env).start(false)) {
            assertThat(c.flags().current().percentageBasisPoints()).isZero();
        }
    }

    @Test
    void aCorruptStateFileIsOneLineNamingTheFileAndTheWayOutNeverAStackTrace() throws Exception {
        try (CompositionRoot c = new CompositionRoot(config(), SystemClock.utc(), Map.of()).start(false)) {
            c.flags().setPercentage("api:ops", 1000, "step");
        }
        Path flags = state.resolve(FileFlagStore.STATE);
        String whole = Files.readString(flags);
        for (String broken :
                List.of("", whole.substring(0, whole.length() / 2), "{\"version\": 1, \"percentage_bp\": 99999}")) {
            Files.writeString(flags, broken, StandardCharsets.UTF_8);
            CaptureCommandTest.Run r = assertTimeoutPreemptively(
                    Duration.ofSeconds(60),
                    () -> CaptureCommandTest.run(
                            "serve",
                            "--state-dir",
                            state.toString(),
                            "--http-port",
                            "0",
                            "--device-port",
                            "0",
                            "--tls-port",
                            "-1"));
            assertThat(r.status()).as(r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
            assertThat(r.err())
                    .contains(flags.toString())
                    .contains("--reset-state flags.json")
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ");
        }
        // A stale copy (an older version put back) is refused the same way.
        try (CompositionRoot c = new CompositionRoot(
                        config(),
                        SystemClock.utc(),
                        Map.of(),
                        null,
                        null,
                        UnaryOperator.identity(),
                        Set.of(FileFlagStore.STATE),
                        DurableFiles.DISK)
                .start(false)) {
            c.flags().setPercentage("api:ops", 500, "step");
        }
        String v = Files.readString(flags);
        try (CompositionRoot c = new CompositionRoot(config(), SystemClock.utc(), Map.of()).start(false)) {
            c.flags().rollback("api:ops", "rollback", false);
        }
        Files.writeString(flags, v, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new CompositionRoot(config(), SystemClock.utc(), Map.of()))
                .isInstanceOf(StateFileException.class)
                .hasMessageContaining("stale copy");
    }

    @Test
    void aCorruptSloWindowFileStartsFreshWindowsWithAWarningAndAMetric() throws Exception {
        try (CompositionRoot c = new CompositionRoot(config(), SystemClock.utc(), Map.of()).start(false)) {
            c.windows().recordCommand("new", c.clock().millis(), true, 1, 1, false);
        }
        Path file = state.resolve(CompositionRoot.SLO_WINDOWS);
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(whole, whole.length / 2));
        try (CompositionRoot c = new CompositionRoot(config(), SystemClock.utc(), Map.of()).start(false)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            c.metrics().writeText(out);
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains("canary_state_load_failures_total{file=\"slo_windows\"} 1.0");
            assertThat(Files.exists(state.resolve(CompositionRoot.SLO_WINDOWS + ".corrupt")))
                    .isTrue();
        }
    }
}
