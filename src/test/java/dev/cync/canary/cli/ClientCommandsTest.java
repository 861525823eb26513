package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.app.CompositionRoot;
import dev.cync.canary.app.ControllerConfig;
import dev.cync.canary.support.Json;
import dev.cync.canary.time.SystemClock;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's CLI against a running controller, and offline routing. */
class ClientCommandsTest {

    @TempDir
    Path state;

    CompositionRoot controller;
    String url;

    @BeforeEach
    void start() throws Exception {
        ControllerConfig c = ControllerConfig.load(null).withPorts(0, 0, -1).withStateDir(state);
        controller = new CompositionRoot(c, SystemClock.utc(), Map.of()).start(true);
        url = "http://127.0.0.1:" + controller.http().port();
    }

    @AfterEach
    void stop() {
        controller.close();
    }

    CaptureCommandTest.Run run(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--url";
        all[args.length + 1] = url;
        all[args.length + 2] = "--state-dir"; // the token file the controller generated
        all[args.length + 3] = state.toString();
        return CaptureCommandTest.run(all);
    }

    @Test
    void setCanaryStatusRouteAndRollback() {
        assertThat(Files.exists(state.resolve("admin-token"))).isTrue();
        assertThat(run("kill-switch", "on", "--reason", "drill").status()).isZero();
        CaptureCommandTest.Run set = run("set-canary", "25", "--reason", "step two", "--actor", "alice");
        assertThat(set.status()).as(set.err()).isZero();
        assertThat(set.out()).contains("canary 25%").contains("by api:cli:alice");
        // The controller starts with the kill switch on: setting a percentage turned it off, and says so.
        assertThat(set.out()).contains("also: turned the kill switch off");
        assertThat(controller.flags().current().percentageBasisPoints()).isEqualTo(2500);
        assertThat(run("status").out()).contains("canary:       25%");
        assertThat(run("route", "dev-0000001", "dev-0000002").out())
                .containsPattern("dev-0000001\\s+(new|legacy)\\s+bucket \\d+");
        assertThat(run("cohort", "add", "3d54861c", "--reason", "pilot").status())
                .isZero();
        assertThat(controller.flags().current().cohort()).containsExactly("3d54861c");
        assertThat(run("dark-launch", "on", "--percentage", "5", "--reason", "measure")
                        .status())
                .isZero();
        assertThat(controller.flags().current().darkLaunchBasisPoints()).isEqualTo(500);
        CaptureCommandTest.Run back = run("rollback", "--reason", "pager");
        assertThat(back.out()).contains("kill switch ON");
        assertThat(run("audit").out())
                .contains("api:cli:alice")
                .contains("set_percentage")
                .contains("rollback");
    }

    @Test
    void wrongTokenAndUnreachableControllerAreClearErrors() {
        CaptureCommandTest.Run bad = CaptureCommandTest.run(
                "set-canary",
                "10",
                "--reason",
                "x",
                "--url",
                url,
                "--token",
                "wrong-token-xxxxxxxx",
                "--state-dir",
                state.toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("the controller refused").contains("--token");
        CaptureCommandTest.Run down = CaptureCommandTest.run("status", "--url", "http://127.0.0.1:1");
        assertThat(down.status()).isEqualTo(2);
        assertThat(down.err()).contains("cannot reach the controller at http://127.0.0.1:1");
        CaptureCommandTest.Run range = run("set-canary", "150", "--reason", "x");
        assertThat(range.err()).contains("PERCENT must be a number from 0 to 100");
    }

    @Test
    void offlineRoutingReadsIdsFromStandardInputAndPrintsJsonLines() throws Exception {
        Path cohort = state.resolve("cohort.txt");
        Files.writeString(cohort, "dev-0000003\n");
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(
                    "dev-0000001\ndev-0000002\ndev-0000003\n".getBytes(StandardCharsets.UTF_8)));
            CaptureCommandTest.Run r = CaptureCommandTest.run(
                    "route", "--offline", "--percentage", "25", "--cohort-file", cohort.toString(), "--json", "-");
            assertThat(r.status()).as(r.err()).isZero();
            String[] lines = r.out().strip().split("\n");
            assertThat(lines).hasSize(3);
            var third = Json.mapper().readTree(lines[2]);
            assertThat(third.get("device").asText()).isEqualTo("dev-0000003");
            assertThat(third.get("transport").asText()).isEqualTo("new");
            assertThat(third.get("reason").asText()).isEqualTo("cohort");
            var first = Json.mapper().readTree(lines[0]);
            int bucket = first.get("bucket").asInt();
            assertThat(first.get("transport").asText()).isEqualTo(bucket < 2500 ? "new" : "legacy");
        } finally {
            System.setIn(stdin);
        }
    }
}
