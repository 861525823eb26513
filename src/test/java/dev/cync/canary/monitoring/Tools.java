package dev.cync.canary.monitoring;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Prometheus tools, from Debian's packages. Tests that need one skip with a message when it
 * is missing, unless CYNC_REQUIRE_TOOLS=1 (as .ci/run sets, after installing them): then they fail.
 */
public final class Tools {

    private Tools() {}

    public record Result(int status, String output) {}

    public static Path find(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        if ("1".equals(System.getenv("CYNC_REQUIRE_TOOLS"))) {
            throw new AssertionError(name
                    + " is not installed; .ci/run installs it (apt-get install prometheus prometheus-alertmanager)");
        }
        assumeTrue(
                false, "skipped: " + name + " is not installed (apt-get install prometheus prometheus-alertmanager)");
        return null;
    }

    public static Result run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), out);
    }
}
