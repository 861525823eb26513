package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cync.canary.app.CompositionRoot;
import dev.cync.canary.app.ControllerConfig;
import dev.cync.canary.flags.EtcdCluster;
import dev.cync.canary.time.SystemClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status} and {@code rollout status} sent to a follower replica (two replicas on a real etcd):
 * they show the stage the leader saved in etcd and who leads, never empty fields.
 */
@Tag("slow")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FollowerStatusTest {

    static final String TOKEN = "follower-status-token-0123456789";

    @TempDir
    Path state;

    @Test
    void aFollowerShowsTheLeadersStageAndWhoLeads() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start(1)) {
            List<CompositionRoot> rs = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    ControllerConfig c = ControllerOptions.rollout(
                                    ControllerConfig.load(null)
                                            .withPorts(0, 0, -1)
                                            .withStateDir(state.resolve("r" + i)),
                                    true)
                            .withFlags(new ControllerConfig.FlagsStore(
                                    "etcd",
                                    etcd.endpoints(),
                                    "/follower-status/",
                                    "replica-" + i,
                                    Duration.ofSeconds(2),
                                    Duration.ofSeconds(1)));
                    rs.add(new CompositionRoot(
                                    c, SystemClock.utc(), Map.of("CYNC_ADMIN_TOKEN", TOKEN), null, null, t -> t)
                            .start(true));
                }
                await().atMost(Duration.ofSeconds(10))
                        .until(() ->
                                rs.stream().filter(c -> c.election().isLeader()).count() == 1);
                CompositionRoot lead = rs.stream()
                        .filter(c -> c.election().isLeader())
                        .findFirst()
                        .orElseThrow();
                CompositionRoot follower =
                        rs.stream().filter(c -> c != lead).findFirst().orElseThrow();
                // A state the plan's start would not show: the follower must read it from the leader's save.
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> post(lead, "/api/rollout/pause", "{\"reason\": \"hold for the test\"}") == 200);
                String leader = lead.election().replica();
                String me = follower.election().replica();

                String rollout = run(follower, "rollout", "status");
                assertThat(rollout)
                        .contains(
                                me + " follows the leader " + leader + "; the stage is the leader's last save in etcd")
                        .contains("plan phase2: paused in stage dark_launch (0%, dark launch), ")
                        .contains("last check: run by the leader (" + leader + ")")
                        .contains("why: ")
                        .contains("hold for the test")
                        .doesNotContain("plan :")
                        .doesNotContain("in  (")
                        .doesNotContain(" of \n")
                        .doesNotContain("null");

                String status = run(follower, "status");
                assertThat(status)
                        .containsPattern("rollout: +paused in dark_launch \\(\\S+ of 2d0h\\); " + me
                                + " follows the leader " + leader)
                        .doesNotContain("following in  (");

                // The leader's own view is unchanged: no follower line.
                assertThat(run(lead, "status"))
                        .containsPattern("rollout: +paused in dark_launch \\(\\S+ of 2d0h\\)\n")
                        .doesNotContain("follows");
            } finally {
                rs.forEach(CompositionRoot::close);
            }
        }
    }

    private static int post(CompositionRoot c, String path, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + c.http().port() + path))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HttpClient.newHttpClient()
                .send(r, HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    /** One CLI command against {@code c}, as an operator runs it; its stdout. */
    private static String run(CompositionRoot c, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", "http://127.0.0.1:" + c.http().port(), "--token", TOKEN));
        int code = cl.execute(all.toArray(String[]::new));
        assertThat(code).as(String.join(" ", args) + ": " + err).isZero();
        return out.toString();
    }
}
