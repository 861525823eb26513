package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cync.canary.app.CompositionRoot;
import dev.cync.canary.app.ControllerConfig;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.sim.Fleet;
import dev.cync.canary.sim.LoadGenerator;
import dev.cync.canary.time.ExecutorScheduler;
import dev.cync.canary.time.SystemClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The status page in a real browser (Debian's chromium) against a real controller with a simulated
 * fleet under load over TCP: it loads without console errors, its numbers move, a rollback from the
 * page needs the token and then shows up everywhere, and it stays usable on a phone.
 */
@Tag("slow")
class StatusPageBrowserTest {

    static final String TOKEN = "status-page-token-0123456789";
    static final Duration WAIT = Duration.ofSeconds(25);

    @TempDir
    Path state;

    CompositionRoot controller;
    Fleet fleet;
    LoadGenerator.Run load;
    final ScheduledExecutorService issuer = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void start() throws Exception {
        Browser.require();
        ControllerConfig c = ControllerOptions.rollout(
                ControllerConfig.load(null).withPorts(0, 0, -1).withStateDir(state), true);
        controller = new CompositionRoot(c, SystemClock.utc(), Map.of("CYNC_ADMIN_TOKEN", TOKEN)).start(true);
        fleet = new Fleet(
                        Fleet.Config.defaults("127.0.0.1", controller.devices().plainPort(), 40), controller.clock())
                .start();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> controller.devices().registry().size() == 40);
        // Past the dark launch, so both transports carry traffic and a rollback has something to take back.
        controller.rollout().promote("api:test", "start the test at 10%", true);
        load = new LoadGenerator(
                        controller.clock(),
                        new ExecutorScheduler(issuer),
                        controller.devices().registry()::connectedIds,
                        7)
                .openLoop(controller.sender()::send, 150, 0);
    }

    @AfterEach
    void stop() {
        if (load != null) {
            load.stop();
        }
        issuer.shutdownNow();
        if (fleet != null) {
            fleet.close();
        }
        if (controller != null) {
            controller.close();
        }
    }

    String url() {
        return "http://127.0.0.1:" + controller.http().port() + "/";
    }

    void unlock(Browser b) {
        b.find("token-input").sendKeys(TOKEN);
        b.find("token-use").click();
        b.waiting(WAIT).until(d -> b.text("token-state").equals("unlocked in this tab"));
        b.waiting(WAIT).until(d -> b.text("stage-name").startsWith("canary 10"));
    }

    @Test
    void loadsWithoutConsoleErrorsAndItsNumbersMoveWhileTheFleetRuns() throws Exception {
        try (Browser b = new Browser(1280, 800)) {
            b.driver.get(url());
            b.waiting(WAIT).until(d -> b.find("live").getAttribute("class").contains("ok"));
            // Public view: what /metrics shows, and a request for the token for the rest.
            assertThat(b.find("locked-note").isDisplayed()).isTrue();
            assertThat(b.text("canary-percentage")).isEqualTo("10%");
            assertThat(b.text("stage-name")).isEqualTo("canary 10");
            assertThat(b.text("kill-switch")).isEqualTo("locked");
            assertThat(b.text("timeline")).isEqualTo("now: canary 10\nrunning");
            assertThat(b.text("audit")).contains("needs the admin token");
            // Live: the first sample arrives within one interval, and the next one changes the numbers.
            b.waiting(WAIT)
                    .until(d -> !b.text("now-legacy-cps").equals("–")
                            && !b.text("now-new-cps").equals("–"));
            String legacy = b.text("now-legacy-cps");
            String newCps = b.text("now-new-cps");
            String live = b.text("live");
            b.waiting(WAIT)
                    .until(d -> !b.text("now-legacy-cps").equals(legacy)
                            || !b.text("now-new-cps").equals(newCps));
            assertThat(b.text("live")).isNotEqualTo(live);
            assertThat(b.driver.findElements(By.cssSelector("#chart-commands_per_second path.l-legacy")))
                    .hasSize(1);
            assertThat(b.driver.findElements(By.cssSelector("#chart-commands_per_second path.l-new")))
                    .hasSize(1);
            assertThat(b.text("verdict")).isNotEqualTo("–");
            unlock(b);
            assertThat(b.find("locked-note").isDisplayed()).isFalse();
            assertThat(b.text("timeline")).contains("dark launch").contains("canary 10");
            assertThat(b.text("slo")).contains("toggle success rate");
            assertThat(b.driver.findElements(By.cssSelector("#audit tr[data-action]")))
                    .isNotEmpty();
            assertThat(b.widths().get("scroll")).isLessThanOrEqualTo(b.widths().get("inner"));
            // A device lookup: its route and why, and its last outcomes.
            String id = controller.devices().registry().connectedIds().get(0).toString();
            b.find("device-input").sendKeys(id);
            b.find("device-go").click();
            b.waiting(WAIT).until(d -> b.text("device").contains("bucket"));
            assertThat(b.text("device")).contains(id).contains("connected").contains("last outcomes");
            assertThat(b.consoleProblems()).isEmpty();
        }
    }

    @Test
    void aRollbackFromThePageOnAPhoneNeedsTheTokenThenMovesTheCanaryToZeroAndShowsInTheTimelineAndTheAudit()
            throws Exception {
        try (Browser b = new Browser(390, 844)) {
            b.driver.get(url());
            b.waiting(WAIT).until(d -> b.find("live").getAttribute("class").contains("ok"));
            long version = controller.flags().current().version();
            // Without the token: the button asks for it, no dialog opens, nothing changes.
            b.find("action-rollback").click();
            assertThat(b.text("action-result")).contains("needs the admin token");
            assertThat(b.find("confirm").isDisplayed()).isFalse();
            // A wrong token is refused by the controller and forgotten; still nothing changes.
            b.find("token-input").sendKeys("not-the-token-0123456789");
            b.find("token-use").click();
            b.waiting(WAIT).until(d -> b.text("token-state").contains("refused"));
            assertThat(controller.metrics().counterValue(Metrics.API_REJECTED, "unauthorized"))
                    .isPositive();
            assertThat(controller.flags().current().version()).isEqualTo(version);
            assertThat(controller.flags().current().percentageBasisPoints()).isEqualTo(1000);
            // The refusal is the only thing the console saw (the browser logs every 401 it gets).
            assertThat(b.consoleProblems())
                    .allSatisfy(p -> assertThat(p).contains("/api/status").contains("401"));

            unlock(b);
            // Usable at 390x844: nothing spills sideways, and the glance cards and the controls are reachable.
            assertThat(b.widths().get("scroll")).isLessThanOrEqualTo(b.widths().get("inner"));
            for (String id : new String[] {"stage-name", "verdict", "last-decision", "action-rollback"}) {
                assertThat(b.find(id).isDisplayed()).as(id).isTrue();
                assertThat(b.find(id).getRect().getX() + b.find(id).getRect().getWidth())
                        .as(id)
                        .isLessThanOrEqualTo(390);
            }
            // Cancelling the confirmation changes nothing.
            b.find("action-rollback").click();
            b.waiting(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
            b.find("confirm-cancel").click();
            assertThat(b.text("action-result")).contains("nothing was changed");
            assertThat(controller.flags().current().version()).isEqualTo(version);

            b.find("action-rollback").click();
            b.waiting(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
            assertThat(b.text("confirm-title")).isEqualTo("Roll back to 0%");
            b.find("confirm-reason").sendKeys("browser test: the pager went off");
            b.find("confirm-ok").click();
            await().atMost(WAIT).until(() -> controller.flags().current().killSwitch());
            assertThat(controller.flags().current().lastChange().actor()).isEqualTo("api:status-page");
            b.waiting(WAIT).until(d -> b.text("canary-percentage").equals("0%"));
            b.waiting(WAIT)
                    .until(d -> !d.findElements(By.cssSelector("#events li.rollback[data-event='manual_rollback']"))
                            .isEmpty());
            assertThat(b.text("events")).contains("the pager went off");
            assertThat(b.text("rollout-status")).isEqualToIgnoringCase("rolled back");
            assertThat(b.text("stage-name")).isEqualTo("rolled back from canary 10");
            // The page re-renders the audit table every poll, so read the row inside the wait.
            String[] rowText = {""};
            b.waiting(WAIT).until(d -> {
                try {
                    rowText[0] = d.findElement(By.cssSelector("#audit tr[data-action='rollback']"))
                            .getText();
                    return true;
                } catch (StaleElementReferenceException | NoSuchElementException e) {
                    return false;
                }
            });
            assertThat(rowText[0]).contains("api:status-page").contains("browser test: the pager went off");
            assertThat(b.text("action-result")).contains("done");
            assertThat(b.consoleProblems()).isEmpty();
        }
    }
}
