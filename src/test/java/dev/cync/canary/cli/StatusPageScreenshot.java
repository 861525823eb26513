package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;

/**
 * Photographs the status page of a running controller, unlocked with its token: the camera of
 * {@code scripts/status-page-screenshot.sh}, which starts the demo and passes the address, the token
 * file and the output file. Not part of the test suite (its name is not a test's, and it runs only
 * with those properties).
 */
@EnabledIfSystemProperty(named = "cync.screenshot.url", matches = "http://.*")
class StatusPageScreenshot {

    @Test
    void photograph() throws Exception {
        String url = System.getProperty("cync.screenshot.url");
        String token = Files.readString(
                        Path.of(System.getProperty("cync.screenshot.token-file")), StandardCharsets.UTF_8)
                .trim();
        Path out = Path.of(System.getProperty("cync.screenshot.out"));
        try (Browser b = new Browser(1280, 800)) {
            b.driver.get(url);
            b.find("token-input").sendKeys(token);
            b.find("token-use").click();
            b.waiting(Duration.ofSeconds(20))
                    .until(d -> b.text("token-state").equals("unlocked in this tab")
                            && !b.text("stage-name").equals("–")
                            && !b.text("now-new-cps").equals("–"));
            // Look one device up, so the picture shows a route explanation and its outcomes.
            b.find("device-input").sendKeys(firstDevice(b));
            b.find("device-go").click();
            b.waiting(Duration.ofSeconds(20)).until(d -> b.text("device").contains("last outcomes"));
            long height = (Long) b.driver.executeScript("return document.documentElement.scrollHeight;");
            b.driver.manage().window().setSize(new Dimension(1280, (int) Math.min(height + 20, 6000)));
            // From the top (the lookup scrolled down), once more refreshed, so every part has drawn with the same data.
            b.driver.executeScript("window.scrollTo(0, 0);");
            // Wait for one more refresh, so every part has drawn with the same data at the final size.
            String live = b.text("live");
            b.waiting(Duration.ofSeconds(10)).until(d -> !b.text("live").equals(live));
            Path shot = b.driver.getScreenshotAs(OutputType.FILE).toPath();
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.copy(shot, out, StandardCopyOption.REPLACE_EXISTING);
            assertThat(Files.size(out)).isPositive();
            assertThat(b.consoleProblems()).isEmpty();
        }
    }

    /** A connected device's id, read from the page's own answer to the device list. */
    private static String firstDevice(Browser b) {
        Object id = b.driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch('/api/devices?limit=1', {headers: {Authorization: 'Bearer ' + sessionStorage.getItem('cync-canary-admin-token')}})"
                        + ".then(r => r.json()).then(j => done(j.devices.length ? j.devices[0].device : '')).catch(() => done(''));");
        return String.valueOf(id);
    }
}
