package dev.cync.canary.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cync.canary.rollout.RolloutPlan.Gate;
import dev.cync.canary.rollout.RolloutPlan.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plans are read strictly: the shipped ones load to exactly these stages, and each kind of mistake
 * is refused with one line naming the file and the key.
 */
class RolloutPlanFileTest {

    static final RolloutPlan PHASE2 = new RolloutPlan(
            "phase2",
            List.of(
                    new Stage(
                            "dark_launch",
                            0,
                            true,
                            1000,
                            Duration.ofDays(2),
                            List.of(new Gate(Gate.Type.MIRROR_DATA, 0), new Gate(Gate.Type.NO_WORSE_THAN_LEGACY, 50)),
                            "dark_launch",
                            Duration.ofDays(6)),
                    new Stage(
                            "canary_10",
                            1000,
                            true,
                            10000,
                            Duration.ofDays(3),
                            List.of(new Gate(Gate.Type.SUCCESS_RATE_AT_LEAST, 9950), new Gate(Gate.Type.SLOS_MET, 0)),
                            "dark_launch",
                            Duration.ofDays(9)),
                    new Stage(
                            "canary_25",
                            2500,
                            true,
                            10000,
                            Duration.ofDays(4),
                            List.of(new Gate(Gate.Type.SLOS_MET, 0), new Gate(Gate.Type.ERROR_BUDGET_ABOVE, 5000)),
                            "canary_10",
                            Duration.ofDays(12)),
                    new Stage(
                            "canary_50",
                            5000,
                            true,
                            10000,
                            Duration.ofDays(7),
                            List.of(new Gate(
                                    Gate.Type.SLOS_MET_FOR, Duration.ofDays(7).toMillis())),
                            "canary_25",
                            Duration.ofDays(21))));

    static final RolloutPlan PHASE3 = new RolloutPlan(
            "phase3",
            List.of(
                    new Stage(
                            "canary_75",
                            7500,
                            false,
                            1000,
                            Duration.ofDays(3),
                            List.of(new Gate(Gate.Type.SLOS_MET, 0), new Gate(Gate.Type.ERROR_BUDGET_ABOVE, 5000)),
                            "canary_75",
                            Duration.ofDays(9)),
                    new Stage(
                            "canary_90",
                            9000,
                            false,
                            1000,
                            Duration.ofDays(3),
                            List.of(new Gate(Gate.Type.SLOS_MET, 0), new Gate(Gate.Type.ERROR_BUDGET_ABOVE, 4000)),
                            "canary_75",
                            Duration.ofDays(9)),
                    new Stage(
                            "canary_100",
                            10000,
                            false,
                            1000,
                            Duration.ofDays(7),
                            List.of(
                                    new Gate(
                                            Gate.Type.SLOS_MET_FOR,
                                            Duration.ofDays(7).toMillis()),
                                    new Gate(Gate.Type.ERROR_BUDGET_ABOVE, 2500)),
                            "canary_90",
                            Duration.ofDays(21))));

    @Test
    void everyShippedPlanLoadsToExactlyItsStages() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("config/plans"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).containsExactly(Path.of("config/plans/phase2.yaml"), Path.of("config/plans/phase3.yaml"));
        assertThat(RolloutPlan.load(files.get(0))).isEqualTo(PHASE2);
        assertThat(RolloutPlan.load(files.get(1))).isEqualTo(PHASE3);
        assertThat(RolloutPlan.load(null)).isEqualTo(PHASE2);
    }

    @Test
    void eachKindOfMistakeIsOneLineNamingTheFileAndTheKey(@TempDir Path dir) throws IOException {
        String shipped = Files.readString(Path.of("config/plans/phase2.yaml"));
        Path unknown =
                write(dir, "unknown.yaml", once(shipped, "minDuration: 2d", "minDuration: 2d\n    minDurations: 1d"));
        assertThatThrownBy(() -> RolloutPlan.load(unknown))
                .hasMessage(unknown + ": unknown setting stages[0].minDurations; the settings here are: name,"
                        + " percentage, darkLaunch, darkLaunchPercentage, minDuration, maxDuration, gates, rollbackTo");
        Path type = write(dir, "type.yaml", once(shipped, "percentage: 10\n", "percentage: ten\n"));
        assertThatThrownBy(() -> RolloutPlan.load(type))
                .hasMessage(type + ": stages[1].percentage: must be a number, got 'ten'");
        Path twice = write(dir, "twice.yaml", "name: a\nstages: []\nname: b\n");
        assertThatThrownBy(() -> RolloutPlan.load(twice))
                .hasMessage(twice + ": not valid YAML: Duplicate field 'name' (line 3)");
        Path range = write(dir, "range.yaml", once(shipped, "percentage: 10\n", "percentage: 150\n"));
        assertThatThrownBy(() -> RolloutPlan.load(range))
                .hasMessage(range + ": stages[1].percentage: must be a number from 0 to 100 (percent), got 150");
        Path missing = write(dir, "missing.yaml", once(shipped, "    minDuration: 3d\n", ""));
        assertThatThrownBy(() -> RolloutPlan.load(missing))
                .hasMessage(missing + ": stages[1].minDuration: required, like 3d");
    }

    @Test
    void gatesStagesAndDurationsAreCheckedNamingTheirKey(@TempDir Path dir) throws IOException {
        String shipped = Files.readString(Path.of("config/plans/phase2.yaml"));
        assertThatThrownBy(() -> load(dir, once(shipped, "      - slos_met\n", "      - slos_mett\n")))
                .hasMessageEndingWith(": stages[1].gates[1].slos_mett: no such gate; the gates are mirror_data,"
                        + " no_worse_than_legacy, success_rate_at_least, slos_met, error_budget_above, slos_met_for");
        assertThatThrownBy(() -> load(dir, once(shipped, "{percent: 99.5}", "{percent: NaN}")))
                .hasMessageEndingWith(
                        ": stages[1].gates[0].success_rate_at_least.percent: must be a number, got 'NaN'");
        assertThatThrownBy(() -> load(dir, once(shipped, "{percent: 99.5}", "{percnt: 99.5}")))
                .hasMessageEndingWith(": unknown setting stages[1].gates[0].success_rate_at_least.percnt; the settings"
                        + " here are: percent");
        assertThatThrownBy(() -> load(dir, once(shipped, "{duration: 7d}", "{duration: -7d}")))
                .hasMessageEndingWith(": stages[3].gates[0].slos_met_for.duration: '-7d' is not a duration; use a"
                        + " number and a unit (d, h, m, s, ms), like 1500ms, 10s, 30m, 6h or 3d6h");
        assertThatThrownBy(() -> load(dir, once(shipped, "{maxDropPoints: 0.5}", "{maxDropPoints: 0.125}")))
                .hasMessageEndingWith(": stages[0].gates[1].no_worse_than_legacy.maxDropPoints: at most 2 decimals"
                        + " (0.01% steps), got 0.125");
        assertThatThrownBy(() -> load(dir, once(shipped, "minDuration: 7d", "minDuration: 7d\n    maxDuration: 7d")))
                .hasMessageEndingWith(": stages[3].maxDuration: must be longer than minDuration (7d0h), got 7d0h");
        assertThatThrownBy(() -> load(dir, once(shipped, "rollbackTo: canary_25", "rollbackTo: canary_20")))
                .hasMessageEndingWith(": stages[3].rollbackTo: no stage named 'canary_20'");
        assertThatThrownBy(() -> load(dir, once(shipped, "  - name: canary_25", "  - name: canary_10")))
                .hasMessageEndingWith(": stages[2].name: 'canary_10' appears twice");
        assertThatThrownBy(() -> load(dir, once(shipped, "darkLaunch: true", "darkLaunch: 1")))
                .hasMessageEndingWith(": stages[0].darkLaunch: must be true or false, got '1'");
        assertThatThrownBy(() -> load(dir, "name: empty\n"))
                .hasMessageEndingWith(": stages: required, like [{name: canary_10, percentage: 10, minDuration: 3d,"
                        + " gates: [slos_met]}]");
    }

    private static RolloutPlan load(Path dir, String text) throws IOException {
        return RolloutPlan.load(write(dir, "plan.yaml", text));
    }

    /** {@code text} with the one occurrence of {@code old} replaced. */
    static String once(String text, String old, String replacement) {
        int at = text.indexOf(old);
        assertThat(at).as("'%s' is in the file", old).isNotNegative();
        return text.substring(0, at) + replacement + text.substring(at + old.length());
    }

    static Path write(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
