package dev.cync.canary.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario files are read strictly: the shipped ones load; a mistake is one line naming file and key. */
class ScenarioFilesTest {

    @Test
    void everyShippedScenarioLoads() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(Path.of("config/scenarios"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).toList();
        }
        assertThat(files).hasSizeGreaterThan(10);
        for (Path f : files) {
            assertThat(Scenario.load(f).devices()).as(f.toString()).isPositive();
        }
    }

    @Test
    void aMisspeltKeyAWrongTypeOrAMissingModelIsRefusedNamingFileAndKey(@TempDir Path dir) throws IOException {
        String models = "transports:\n  legacy: {success: 0.99, latencyMs: {p50: 80, p99: 400}}\n"
                + "  new: {success: 0.99, latencyMs: {p50: 60, p99: 300}}\n";
        assertThat(Scenario.load(write(dir, "ok.yaml", "devices: 10\n" + models))
                        .devices())
                .isEqualTo(10);
        Path typo = write(dir, "typo.yaml", models + "faults:\n  - {transport: new, from: 1h, sucess: 0.5}\n");
        assertThatThrownBy(() -> Scenario.load(typo))
                .hasMessageStartingWith(typo + ": unknown setting faults[0].sucess");
        Path type = write(dir, "type.yaml", "devices: many\n" + models);
        assertThatThrownBy(() -> Scenario.load(type))
                .hasMessage(type + ": devices: must be a whole number, got 'many'");
        Path missing = write(
                dir,
                "missing.yaml",
                "devices: 10\ntransports:\n  legacy: {success: 0.99, latencyMs: {p50: 80, p99: 400}}\n");
        assertThatThrownBy(() -> Scenario.load(missing))
                .hasMessageStartingWith(missing + ": transports.new is required");
        Path twice = write(dir, "twice.yaml", "devices: 10\ndevices: 20\n" + models);
        assertThatThrownBy(() -> Scenario.load(twice))
                .hasMessageStartingWith(twice + ": not valid YAML: Duplicate field 'devices'");
    }

    private static Path write(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
