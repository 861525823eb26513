package dev.cync.canary.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.transport.TransportKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CanaryRouterTest {

    static RoutingConfig config(int bp, Set<String> cohort, Set<String> exclude, boolean kill) {
        return new RoutingConfig(bp, "cync-canary", cohort, exclude, kill, false, 0, 1);
    }

    @Test
    void bucketsMatchTheGoldenVectorsComputedIndependently() throws IOException {
        List<String> lines =
                Files.readAllLines(Path.of("src/test/resources/routing/golden-buckets.txt"), StandardCharsets.UTF_8);
        int checked = 0;
        for (String line : lines) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            assertThat(CanaryRouter.bucket(f[0], f[1]))
                    .as("bucket of %s with salt %s", f[1], f[0])
                    .isEqualTo(Integer.parseInt(f[2]));
            checked++;
        }
        assertThat(checked).isGreaterThan(200);
    }

    @Test
    void killSwitchBeatsExcludeBeatsCohortBeatsPercentage() {
        String id = "3d54861c";
        assertThat(CanaryRouter.decide(config(10_000, Set.of(id), Set.of(id), true), id)
                        .reason())
                .isEqualTo(CanaryRouter.Reason.KILL_SWITCH);
        assertThat(CanaryRouter.decide(config(10_000, Set.of(id), Set.of(id), false), id)
                        .reason())
                .isEqualTo(CanaryRouter.Reason.EXCLUDED);
        CanaryRouter.Decision cohort = CanaryRouter.decide(config(0, Set.of(id), Set.of(), false), id);
        assertThat(cohort.reason()).isEqualTo(CanaryRouter.Reason.COHORT);
        assertThat(cohort.transport()).isEqualTo(TransportKind.NEW);
        assertThat(CanaryRouter.decide(config(10_000, Set.of(), Set.of(), false), id)
                        .transport())
                .isEqualTo(TransportKind.NEW);
        assertThat(CanaryRouter.decide(config(0, Set.of(), Set.of(), false), id).transport())
                .isEqualTo(TransportKind.LEGACY);
    }

    @Test
    void explanationsSayWhy() {
        String id = "3d54861c";
        int b = CanaryRouter.bucket("cync-canary", id);
        assertThat(CanaryRouter.decide(config(b + 1, Set.of(), Set.of(), false), id)
                        .explanation())
                .isEqualTo("bucket " + b + " < " + (b + 1));
        assertThat(CanaryRouter.decide(config(b, Set.of(), Set.of(), false), id).explanation())
                .isEqualTo("bucket " + b + " >= " + b);
        assertThat(CanaryRouter.decide(config(0, Set.of(), Set.of(), true), id).explanation())
                .isEqualTo("kill_switch");
        assertThat(CanaryRouter.decide(config(0, Set.of(), Set.of(id), false), id)
                        .explanation())
                .isEqualTo("excluded");
    }

    @Test
    void halfAPercentIsARealHalfPercent() {
        int on = 0;
        for (int i = 0; i < 200_000; i++) {
            if (CanaryRouter.bucket("cync-canary", "dev-" + i) < 50) {
                on++;
            }
        }
        assertThat(on / 200_000.0).isBetween(0.004, 0.006);
    }

    @Test
    void everyDecisionIsCountedByTransportAndReason() {
        Metrics m = new Metrics();
        CanaryRouter r = new CanaryRouter(config(0, Set.of("a1"), Set.of("b2"), false), m);
        r.route("a1");
        r.route("b2");
        r.route("c3");
        assertThat(m.counterValue(Metrics.ROUTING_DECISION, "new", "cohort")).isEqualTo(1);
        assertThat(m.counterValue(Metrics.ROUTING_DECISION, "legacy", "excluded"))
                .isEqualTo(1);
        assertThat(m.counterValue(Metrics.ROUTING_DECISION, "legacy", "percentage"))
                .isEqualTo(1);
        r.explain("c3");
        assertThat(m.counterValue(Metrics.ROUTING_DECISION, "legacy", "percentage"))
                .isEqualTo(1);
    }

    @Test
    void theMirrorSampleUsesItsOwnSalt() {
        RoutingConfig c = new RoutingConfig(1000, "s", Set.of(), Set.of(), false, true, 1000, 1);
        CanaryRouter r = new CanaryRouter(c, null);
        int both = 0;
        int mirrored = 0;
        int canary = 0;
        for (int i = 0; i < 100_000; i++) {
            String id = "dev-" + i;
            boolean m = r.mirrored(id);
            boolean n = CanaryRouter.decide(c, id).transport() == TransportKind.NEW;
            mirrored += m ? 1 : 0;
            canary += n ? 1 : 0;
            both += m && n ? 1 : 0;
        }
        // Independent samples: the overlap is about 10% of 10%, not 10% (as it would be with one salt).
        assertThat(mirrored).isBetween(9_000, 11_000);
        assertThat(canary).isBetween(9_000, 11_000);
        assertThat(both).isBetween(700, 1_300);
    }
}
