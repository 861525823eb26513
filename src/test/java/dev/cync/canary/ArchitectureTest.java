package dev.cync.canary;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The package table of docs/design.md, exactly: each package may use the packages its row lists
 * and no other (direct dependencies, so a row lists everything the package imports), and every
 * class lives in a package of the table. A second test reads the table out of docs/design.md and
 * compares it with {@link #MAY_USE}, so the document and the rule cannot drift apart.
 */
class ArchitectureTest {

    private static final String BASE = "dev.cync.canary";

    /** Package -> the packages it may use, in the order of the table in docs/design.md. */
    static final Map<String, List<String>> MAY_USE = table();

    private static Map<String, List<String>> table() {
        Map<String, List<String>> t = new LinkedHashMap<>();
        t.put("support", List.of());
        t.put("time", List.of());
        t.put("metrics", List.of());
        t.put("protocol", List.of());
        t.put("device", List.of("protocol", "metrics", "time", "support"));
        t.put("transport", List.of("device", "protocol", "metrics", "time", "support"));
        t.put("routing", List.of("transport", "metrics"));
        t.put("flags", List.of("time", "support"));
        t.put("slo", List.of("time", "support"));
        t.put("rollout", List.of("slo", "flags", "transport", "metrics", "time", "support"));
        t.put("monitoring", List.of("slo", "metrics", "support"));
        t.put("sim", List.of("transport", "device", "protocol", "time", "support"));
        t.put("mqtt", List.of("routing", "transport", "device", "protocol", "metrics", "time", "support"));
        t.put(
                "http",
                List.of(
                        "rollout",
                        "slo",
                        "flags",
                        "routing",
                        "transport",
                        "device",
                        "protocol",
                        "metrics",
                        "time",
                        "support"));
        t.put(
                "bench",
                List.of("sim", "slo", "routing", "transport", "device", "protocol", "metrics", "time", "support"));
        t.put(
                "app",
                List.of(
                        "bench",
                        "http",
                        "mqtt",
                        "sim",
                        "monitoring",
                        "rollout",
                        "slo",
                        "flags",
                        "routing",
                        "transport",
                        "device",
                        "protocol",
                        "metrics",
                        "time",
                        "support"));
        t.put(
                "cli",
                List.of(
                        "app",
                        "bench",
                        "http",
                        "mqtt",
                        "sim",
                        "monitoring",
                        "rollout",
                        "slo",
                        "flags",
                        "routing",
                        "transport",
                        "device",
                        "protocol",
                        "metrics",
                        "time",
                        "support"));
        return t;
    }

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(BASE);

    @Test
    void eachPackageUsesOnlyWhatItsRowAllows() {
        // Optional layers: a package of the table that does not exist yet (or no longer) matches nothing.
        LayeredArchitecture layers =
                layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(true);
        for (String p : MAY_USE.keySet()) {
            layers = layers.layer(p).definedBy(BASE + "." + p + "..");
        }
        for (Map.Entry<String, List<String>> row : MAY_USE.entrySet()) {
            layers = row.getValue().isEmpty()
                    ? layers.whereLayer(row.getKey()).mayNotAccessAnyLayer()
                    : layers.whereLayer(row.getKey())
                            .mayOnlyAccessLayers(row.getValue().toArray(String[]::new));
        }
        layers.because("docs/design.md, the package table").check(CLASSES);
    }

    @Test
    void everyClassLivesInAPackageOfTheTable() {
        String[] packages =
                MAY_USE.keySet().stream().map(p -> BASE + "." + p + "..").toArray(String[]::new);
        classes()
                .should()
                .resideInAnyPackage(packages)
                .because(
                        "a package outside the table would escape the layering; add its row to docs/design.md and here")
                .check(CLASSES);
    }

    @Test
    void theTableInTheDesignDocumentIsTheOneEnforced() throws IOException {
        assertThat(documentedTable(Path.of("docs/design.md"))).isEqualTo(MAY_USE);
    }

    @Test
    void onlyTheTimePackageReadsTheSystemClockOrSleeps() {
        noClasses()
                .that()
                .resideOutsideOfPackage(BASE + ".time..")
                .should()
                .callMethod(System.class, "currentTimeMillis")
                .orShould()
                .callMethod(System.class, "nanoTime")
                .orShould()
                .callMethod(Thread.class, "sleep", long.class)
                .orShould()
                .callMethod(Instant.class, "now")
                .orShould()
                .callMethod(Clock.class, "systemUTC")
                .orShould()
                .callMethod(Clock.class, "systemDefaultZone")
                .because("docs/design.md rule 1: time is injected, so tests and rehearsals run in virtual time")
                .check(CLASSES);
    }

    private static final Pattern ROW = Pattern.compile("^\\| `(\\w+)` \\|.*\\| ([^|]*) \\|\\s*$");

    /** The rows of the package table: {@code | `name` | holds | may use |}, "may use" a comma list or "—". */
    private static Map<String, List<String>> documentedTable(Path doc) throws IOException {
        Map<String, List<String>> t = new LinkedHashMap<>();
        for (String line : Files.readAllLines(doc)) {
            Matcher m = ROW.matcher(line);
            if (!m.matches()) {
                continue;
            }
            List<String> uses = new ArrayList<>();
            for (String u : m.group(2).split(",")) {
                String name = u.strip().replace("`", "");
                if (!name.isEmpty() && !name.equals("—")) {
                    uses.add(name);
                }
            }
            t.put(m.group(1), uses);
        }
        return t;
    }
}
