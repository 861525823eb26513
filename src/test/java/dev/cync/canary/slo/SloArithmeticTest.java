package dev.cync.canary.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cync.canary.support.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SloArithmeticTest {

    @TempDir
    Path dir;

    static final long P999 = 999_000;

    @Test
    void exactlyAtTheTargetPassesWithNoRoundingSurprises() {
        Ratio r = new Ratio(999, 1000);
        assertThat(r.meets(P999)).isTrue();
        assertThat(new Ratio(998, 1000).meets(P999)).isFalse();
        assertThat(r.budgetRemaining(P999)).isEqualTo(0.0);
        assertThat(r.burnRate(P999)).isEqualTo(1.0);
        assertThat(new Ratio(9995, 10_000).budgetRemaining(P999)).isEqualTo(0.5);
        assertThat(new Ratio(1000, 1000).budgetRemaining(P999)).isEqualTo(1.0);
        assertThat(new Ratio(900, 1000).budgetRemaining(P999)).isEqualTo(0.0);
        assertThat(new Ratio(0, 0).budgetRemaining(P999)).isEqualTo(1.0);
        assertThat(new Ratio(995, 1000).burnRate(990_000)).isEqualTo(0.5);
    }

    @Test
    void aMissNeedsEvidence() {
        // One failure in 120 at a 99.5% threshold happens 45% of the time at exactly 99.5%: no evidence.
        assertThat(new Ratio(119, 120).missProbability(995_000)).isBetween(0.4, 0.5);
        // Twelve failures in 164 is overwhelming evidence.
        assertThat(new Ratio(152, 164).missProbability(995_000)).isLessThan(1e-6);
        assertThat(new Ratio(100, 100).missProbability(995_000)).isEqualTo(1.0);
        // The normal approximation for large samples agrees with the exact tail in the middle.
        assertThat(new Ratio(99_400, 100_000).missProbability(995_000)).isLessThan(0.01);
    }

    @Test
    void windowsSumWhatFallsInThemAndForgetAfterThirtyDays() throws IOException {
        Objective success = new Objective("s", "", Objective.Kind.SUCCESS, P999, Duration.ofDays(30), null);
        SloWindows w = new SloWindows(List.of("legacy", "new"), Duration.ofMillis(1500));
        long t0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        for (int m = 0; m < 60; m++) {
            w.recordCommand("new", t0 + m * 60_000L, m % 10 != 0, 100_000_000L, 1, false);
        }
        long now = t0 + 59 * 60_000L;
        assertThat(w.ratio(success, "new", Duration.ofHours(1), now)).isEqualTo(new Ratio(54, 60));
        assertThat(w.ratio(success, "new", Duration.ofMinutes(10), now)).isEqualTo(new Ratio(9, 10));
        assertThat(w.ratio(success, "legacy", Duration.ofHours(1), now)).isEqualTo(new Ratio(0, 0));
        // A month and a day later the old minutes have been overwritten.
        long later = now + Duration.ofDays(31).toMillis();
        w.recordCommand("new", later, true, 1, 1, false);
        assertThat(w.ratio(success, "new", Duration.ofDays(30), later)).isEqualTo(new Ratio(1, 1));
        // Persisted and read back, the history is the same.
        w.save(dir.resolve("w.bin"));
        SloWindows back = new SloWindows(List.of("legacy", "new"), Duration.ofMillis(1500));
        assertThat(back.load(dir.resolve("w.bin"), later).discarded()).isFalse();
        assertThat(back.ratio(success, "new", Duration.ofDays(30), later)).isEqualTo(new Ratio(1, 1));
        assertThat(Files.size(dir.resolve("w.bin"))).isLessThan(10_000);
    }

    @Test
    void memoryForAllObjectivesAndBothTransportsStaysUnder16MB() {
        SloWindows w = new SloWindows(List.of("legacy", "new"), Duration.ofMillis(1500));
        assertThat(w.footprintBytes()).isLessThan(16L * 1024 * 1024);
    }

    @Test
    void latencyGoodEventsAreSuccessesWithinTheThreshold() {
        Objective latency =
                new Objective("l", "", Objective.Kind.LATENCY, 990_000, Duration.ofDays(7), Duration.ofMillis(1500));
        SloWindows w = new SloWindows(List.of("new"), Duration.ofMillis(1500));
        long t = 0;
        w.recordCommand("new", t, true, 1_500_000_000L, 1, false); // exactly at the threshold: good
        w.recordCommand("new", t, true, 1_500_000_001L, 1, false); // just over: bad
        w.recordCommand("new", t, false, 10, 1, false); // failed: bad
        assertThat(w.ratio(latency, "new", Duration.ofDays(7), t)).isEqualTo(new Ratio(1, 3));
    }

    @Test
    void theShippedSloFileHoldsTheSpecsFiveObjectives() throws IOException {
        SloSpec s = SloSpec.load(null);
        assertThat(s.objectives())
                .extracting(Objective::name)
                .containsExactly(
                        "toggle_success_rate",
                        "toggle_latency",
                        "packet_loss_rate",
                        "decode_error_rate",
                        "queue_full_rate");
        assertThat(s.objective(Objective.Kind.SUCCESS).targetPpm()).isEqualTo(999_000);
        assertThat(s.objective(Objective.Kind.SUCCESS).window()).isEqualTo(Duration.ofDays(30));
        assertThat(s.latencyThreshold()).isEqualTo(Duration.ofMillis(1500));
        assertThat(SloSpec.load(Path.of("config/slo.yaml"))).isEqualTo(s);
    }

    @Test
    void labModeUsesTheLabThresholdAndBadSpecsAreRefusedPrecisely() throws IOException {
        String lab = Files.readString(Path.of("config/slo.yaml")).replace("mode: field", "mode: lab");
        assertThat(SloSpec.parse(Json.yaml().readTree(lab)).latencyThreshold()).isEqualTo(Duration.ofMillis(800));
        String bad = Files.readString(Path.of("config/slo.yaml")).replace("target: 99.9", "target: 150");
        assertThatThrownBy(() -> SloSpec.parse(Json.yaml().readTree(bad)))
                .hasMessage("objectives[0].target: must be above 0 and below 100 (percent), got 150");
        String negative = Files.readString(Path.of("config/slo.yaml")).replace("window: 30d", "window: -1d");
        assertThatThrownBy(() -> SloSpec.parse(Json.yaml().readTree(negative)))
                .hasMessageContaining("objectives[0].window: '-1d' is not a duration");
        String typo = Files.readString(Path.of("config/slo.yaml")).replace("minEvents: 100", "minEvent: 100");
        assertThatThrownBy(() -> SloSpec.parse(Json.yaml().readTree(typo)))
                .hasMessageStartingWith("unknown setting minEvent");
    }

    @Test
    void theBaselineVerdict() {
        assertThat(Baseline.compare("s", new Ratio(9_900, 10_000), new Ratio(9_990, 10_000), 100)
                        .verdict())
                .isEqualTo(Baseline.Verdict.WORSE);
        assertThat(Baseline.compare("s", new Ratio(9_990, 10_000), new Ratio(9_950, 10_000), 100)
                        .verdict())
                .isEqualTo(Baseline.Verdict.NO_WORSE);
        assertThat(Baseline.compare("s", new Ratio(9_985, 10_000), new Ratio(9_990, 10_000), 100)
                        .verdict())
                .isEqualTo(Baseline.Verdict.NO_WORSE);
        assertThat(Baseline.compare("s", new Ratio(10, 10), new Ratio(9_990, 10_000), 100)
                        .verdict())
                .isEqualTo(Baseline.Verdict.NO_DATA);
    }
}
