package dev.cync.canary.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.time.VirtualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The page's files and its public history, without any server. */
class StatusPageTest {

    final VirtualClock clock = VirtualClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    final StatusHistory history = new StatusHistory(new Metrics(), clock, Duration.ofSeconds(5), 720);
    final StatusPage page = new StatusPage(history);

    String body(String path) {
        return new String(page.get(path, null).orElseThrow().body(), StandardCharsets.UTF_8);
    }

    @Test
    void thePageAndItsFilesComeFromTheJarWithTheirTypes() {
        assertThat(page.get("/", null).orElseThrow().contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(page.get("/status/app.js", null).orElseThrow().contentType()).startsWith("text/javascript");
        assertThat(page.get("/status/app.css", null).orElseThrow().contentType())
                .startsWith("text/css");
        assertThat(page.get("/status/favicon.svg", null).orElseThrow().contentType())
                .isEqualTo("image/svg+xml");
        assertThat(page.get("/status/nope.js", null)).isEmpty();
        assertThat(page.get("/index.html", null)).isEmpty();
        assertThat(page.paths()).contains("/", "/status/app.js", "/status/history");
    }

    @Test
    void nothingOnThePagePointsOutsideTheController() {
        // Every src/href is a path on this controller; the only absolute URL is the SVG namespace name.
        Pattern ref = Pattern.compile("(?:src|href)=\"([^\"]*)\"");
        Matcher m = ref.matcher(body("/"));
        int refs = 0;
        while (m.find()) {
            refs++;
            assertThat(m.group(1)).startsWith("/").doesNotStartWith("//");
        }
        assertThat(refs).isGreaterThanOrEqualTo(4);
        for (String path : new String[] {"/", "/status/app.js", "/status/app.css", "/status/favicon.svg"}) {
            String text = body(path).replace("http://www.w3.org/2000/svg", "");
            assertThat(text)
                    .as(path)
                    .doesNotContain("http://")
                    .doesNotContain("https://")
                    .doesNotContain("@import")
                    .doesNotContain("url(");
        }
        // And the browser is told so: scripts, styles, images and calls from this origin only.
        assertThat(StatusPage.HEADERS.get("Content-Security-Policy"))
                .contains("default-src 'none'")
                .contains("connect-src 'self'")
                .doesNotContain("unsafe-inline");
    }

    @Test
    void theTokenNeverGoesInAUrlOrInStorageThatOutlivesTheTab() {
        String js = body("/status/app.js");
        assertThat(js)
                .doesNotContain("localStorage")
                .doesNotContain("document.cookie")
                .doesNotContain("token=");
        assertThat(js).contains("sessionStorage").contains("\"Authorization\": \"Bearer \" + state.token");
    }

    @Test
    void theHistoryAnswersWithTheSamplesAfterTheOneAsked() {
        history.start(clock);
        clock.advance(Duration.ofSeconds(20));
        String all = new String(page.get("/status/history", null).orElseThrow().body(), StandardCharsets.UTF_8);
        assertThat(all)
                .contains("\"seq\":4")
                .contains("\"every_seconds\":5.0")
                .contains("\"legacy\"")
                .contains("\"new\"");
        String newer =
                new String(page.get("/status/history", "after=3").orElseThrow().body(), StandardCharsets.UTF_8);
        assertThat(newer).contains("\"seq\":4").doesNotContain("\"seq\":3,");
        StatusPage.Reply bad = page.get("/status/history", "after=x").orElseThrow();
        assertThat(bad.status()).isEqualTo(400);
        assertThat(new String(bad.body(), StandardCharsets.UTF_8)).contains("after must be a sample number");
        assertThat(page.get("/status/history", "after=-1").orElseThrow().status())
                .isEqualTo(400);
    }
}
