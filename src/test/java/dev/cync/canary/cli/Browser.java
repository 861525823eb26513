package dev.cync.canary.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium, driven through Debian's chromedriver by Selenium: both paths are given, so
 * Selenium Manager never runs and nothing downloads a browser or a driver. Headless, with a fresh
 * profile, no background networking. Tests that need it skip when chromium or chromium-driver is
 * missing, unless CYNC_REQUIRE_TOOLS=1 (as .ci/run sets after installing them): then they fail.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    /**
     * Selenium warns that it has no DevTools binding for Debian's chromium version; these tests use
     * WebDriver only, never DevTools, so the warning says nothing. Held here so the setting sticks.
     */
    private static final Logger CDP_LOG = quiet("org.openqa.selenium.devtools");

    private static Logger quiet(String name) {
        Logger l = Logger.getLogger(name);
        l.setLevel(Level.SEVERE);
        return l;
    }

    final ChromeDriver driver;
    private final Path profile;

    /** Skips the calling test without the browser (fails under CYNC_REQUIRE_TOOLS=1). */
    static void require() {
        boolean there = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!there && "1".equals(System.getenv("CYNC_REQUIRE_TOOLS"))) {
            throw new AssertionError(
                    "chromium and chromium-driver are not installed; .ci/run installs them (apt-get install chromium chromium-driver)");
        }
        assumeTrue(
                there,
                "skipped: chromium or chromium-driver is not installed (apt-get install chromium chromium-driver)");
    }

    Browser(int width, int height) throws IOException {
        require();
        profile = Files.createTempDirectory("cync-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-default-apps",
                "--disable-extensions",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withSilent(true)
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20)).scriptTimeout(Duration.ofSeconds(10));
        // Headless windows can start at another size: set the viewport the test asks for.
        driver.manage().window().setSize(new Dimension(width, height));
    }

    WebElement find(String id) {
        return driver.findElement(By.id(id));
    }

    String text(String id) {
        return find(id).getText();
    }

    WebDriverWait waiting(Duration atMost) {
        return new WebDriverWait(driver, atMost, Duration.ofMillis(200));
    }

    /** The browser console's warnings and errors since the last call. */
    List<String> consoleProblems() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogEntry::toString)
                .toList();
    }

    /** The viewport's inner width and the document's scroll width, to see whether the page overflows sideways. */
    @SuppressWarnings("unchecked")
    Map<String, Long> widths() {
        return (Map<String, Long>) driver.executeScript(
                "return {inner: window.innerWidth, scroll: document.documentElement.scrollWidth};");
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // A temporary profile left behind is harmless.
            }
        }
    }
}
