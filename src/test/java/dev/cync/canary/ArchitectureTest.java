package dev.cync.canary;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The package layering of DESIGN.md, and its rule that time is injected. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.cync.canary");

    @Test
    void lowerLayersNeverImportHigherOnes() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .withOptionalLayers(true)
                .layer("support").definedBy("dev.cync.canary.support..")
                .layer("time").definedBy("dev.cync.canary.time..")
                .layer("metrics").definedBy("dev.cync.canary.metrics..")
                .layer("protocol").definedBy("dev.cync.canary.protocol..")
                .layer("device").definedBy("dev.cync.canary.device..")
                .layer("transport").definedBy("dev.cync.canary.transport..")
                .layer("routing").definedBy("dev.cync.canary.routing..")
                .layer("flags").definedBy("dev.cync.canary.flags..")
                .layer("slo").definedBy("dev.cync.canary.slo..")
                .layer("rollout").definedBy("dev.cync.canary.rollout..")
                .layer("monitoring").definedBy("dev.cync.canary.monitoring..")
                .layer("sim").definedBy("dev.cync.canary.sim..")
                .layer("mqtt").definedBy("dev.cync.canary.mqtt..")
                .layer("http").definedBy("dev.cync.canary.http..")
                .layer("cli").definedBy("dev.cync.canary.cli..")
                .whereLayer("support").mayNotAccessAnyLayer()
                .whereLayer("time").mayOnlyAccessLayers("support")
                .whereLayer("metrics").mayOnlyAccessLayers("support")
                .whereLayer("protocol").mayOnlyAccessLayers("time", "support")
                .whereLayer("device").mayOnlyAccessLayers("protocol", "time", "metrics", "support")
                .whereLayer("transport").mayOnlyAccessLayers("device", "protocol", "time", "metrics", "support")
                .whereLayer("routing").mayOnlyAccessLayers("transport", "device", "protocol", "time", "metrics", "support")
                .whereLayer("flags").mayOnlyAccessLayers("time", "support")
                .whereLayer("slo").mayOnlyAccessLayers("time", "support")
                .whereLayer("rollout").mayOnlyAccessLayers("slo", "flags", "routing", "transport", "device", "protocol", "time", "metrics", "support")
                .whereLayer("monitoring").mayOnlyAccessLayers("slo", "metrics", "time", "support")
                .whereLayer("mqtt").mayOnlyAccessLayers("routing", "flags", "transport", "device", "protocol", "time", "metrics", "support")
                .whereLayer("sim").mayOnlyAccessLayers("protocol", "transport", "device", "time", "metrics", "support")
                .whereLayer("http").mayOnlyAccessLayers("mqtt", "rollout", "slo", "flags", "routing", "transport", "device", "protocol", "time", "metrics", "monitoring", "sim", "support")
                .whereLayer("cli").mayOnlyAccessLayers("mqtt", "http", "sim", "monitoring", "rollout", "slo", "flags", "routing", "transport", "device", "protocol", "time", "metrics", "support")
                .check(CLASSES);
    }

    @Test
    void onlyTheTimePackageReadsTheSystemClockOrSleeps() {
        noClasses().that().resideOutsideOfPackage("dev.cync.canary.time..")
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Thread.class, "sleep", long.class)
                .orShould().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(java.time.Clock.class, "systemUTC")
                .orShould().callMethod(java.time.Clock.class, "systemDefaultZone")
                .because("DESIGN.md rule 1: time is injected, so tests and rehearsals run in virtual time")
                .check(CLASSES);
    }
}
