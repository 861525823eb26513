package dev.cync.canary.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cync.canary.support.DurableFiles;
import dev.cync.canary.support.Json;
import dev.cync.canary.support.StateFileException;
import dev.cync.canary.support.StateMarker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rollout.json} on its own: the format written before the file had its own class still
 * loads and is written back field for field, and every state it cannot trust refuses the start
 * by name (or, after {@code --reset-state rollout.json}, says why it was dropped).
 */
class RolloutStateFileTest {

    /** A file as the controller wrote it before this class existed (a hold in canary_10, generation 7). */
    static final String WRITTEN_BEFORE = """
            {
              "plan" : "phase2",
              "status" : "HOLD",
              "stage" : 1,
              "stage_elapsed_ms" : 7200000,
              "consecutive_failures" : 1,
              "last_slo_failure_at" : "2026-01-02T03:04:05Z",
              "failed_stage" : -1,
              "reason" : "no data: no command on the new transport for 1h",
              "history" : [ {
                "at" : "2026-01-01T00:00:00Z",
                "event" : "start",
                "stage" : "dark_launch",
                "canary_percent" : "0",
                "reason" : "plan phase2 started"
              }, {
                "at" : "2026-01-03T00:00:00Z",
                "event" : "hold",
                "stage" : "canary_10",
                "canary_percent" : "10",
                "reason" : "no data: no command on the new transport for 1h"
              } ],
              "stage_held_ms" : 3600000,
              "stage_overdue_at_ms" : 0,
              "generation" : 7
            }""";

    @TempDir
    Path dir;

    RolloutPlan plan;
    Path file;

    @BeforeEach
    void plan() throws IOException {
        plan = RolloutPlan.load(null);
        file = dir.resolve(RolloutStateFile.NAME);
    }

    StateMarker marker(Set<String> reset) throws IOException {
        return StateMarker.open(dir, "2026-01-01T00:00:00Z", List.of(RolloutStateFile.NAME), reset, DurableFiles.DISK);
    }

    @Test
    void aFileWrittenBeforeLoadsAndIsWrittenBackFieldForFieldUnderTheNextGeneration() throws IOException {
        Files.writeString(file, WRITTEN_BEFORE);
        RolloutStateFile f = new RolloutStateFile(file, null, DurableFiles.DISK);
        RolloutState s = f.open(plan).state();
        assertThat(s.status()).isEqualTo(RolloutState.Status.HOLD);
        assertThat(s.stage()).isEqualTo(1);
        assertThat(s.stageElapsedMillis()).isEqualTo(7_200_000);
        assertThat(s.stageHeldMillis()).isEqualTo(3_600_000);
        assertThat(s.lastSloFailureAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(s.history())
                .extracting(RolloutState.Event::event)
                .containsExactly(RolloutEvent.START, RolloutEvent.HOLD);

        f.save(s);
        JsonNode before = Json.state().readTree(WRITTEN_BEFORE);
        ((ObjectNode) before).put("generation", 8);
        assertThat(Json.state().readTree(file.toFile())).isEqualTo(before);
    }

    @Test
    void anUnknownEventWordIsRefusedByName() throws IOException {
        Files.writeString(file, WRITTEN_BEFORE.replace("\"hold\"", "\"teleport\""));
        assertThatThrownBy(() -> new RolloutStateFile(file, null, DurableFiles.DISK).open(plan))
                .isInstanceOf(StateFileException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("unknown rollout event 'teleport'");
    }

    @Test
    void anotherPlanOrAStageThePlanLacksRefusesTheStart() throws IOException {
        Files.writeString(file, WRITTEN_BEFORE.replace("\"phase2\"", "\"phase3\""));
        assertThatThrownBy(() -> new RolloutStateFile(file, null, DurableFiles.DISK).open(plan))
                .isInstanceOf(StateFileException.class)
                .hasMessageContaining("belongs to plan 'phase3', not 'phase2'");
        Files.writeString(file, WRITTEN_BEFORE.replace("\"stage\" : 1,", "\"stage\" : 9,"));
        assertThatThrownBy(() -> new RolloutStateFile(file, null, DurableFiles.DISK).open(plan))
                .isInstanceOf(StateFileException.class)
                .hasMessageContaining("is in stage 9, which plan phase2 does not have");
    }

    @Test
    void aStaleCopyRefusesTheStartAndAResetSaysWhyAndWritesPastTheMarker() throws IOException {
        RolloutStateFile first = new RolloutStateFile(file, marker(Set.of()), DurableFiles.DISK);
        assertThat(first.open(plan)).isEqualTo(new RolloutStateStore.Found(null, null));
        RolloutState s =
                new RolloutState("phase2", RolloutState.Status.RUNNING, 0, 0, 0, null, -1, "started", List.of());
        first.save(s);
        String older = Files.readString(file);
        first.save(s.to(RolloutState.Status.PAUSED).reason("paused").apply());
        Files.writeString(file, older);

        assertThatThrownBy(() -> new RolloutStateFile(file, marker(Set.of()), DurableFiles.DISK).open(plan))
                .isInstanceOf(StateFileException.class)
                .hasMessageContaining("holds generation 1, older than the last one written here (2)")
                .hasMessageContaining("--reset-state rollout.json");

        RolloutStateFile reset = new RolloutStateFile(file, marker(Set.of(RolloutStateFile.NAME)), DurableFiles.DISK);
        RolloutStateStore.Found found = reset.open(plan);
        assertThat(found.state()).isNull();
        assertThat(found.resetBecause()).contains("stale copy");
        // The write after a reset outranks what the marker saw, so the next start trusts it.
        reset.save(s);
        assertThat(new RolloutStateFile(file, marker(Set.of()), DurableFiles.DISK)
                        .open(plan)
                        .state())
                .isEqualTo(s);
    }

    @Test
    void aMissingFileThatThisDirectoryHeldRefusesTheStart() throws IOException {
        RolloutStateFile f = new RolloutStateFile(file, marker(Set.of()), DurableFiles.DISK);
        f.save(new RolloutState("phase2", RolloutState.Status.RUNNING, 0, 0, 0, null, -1, "started", List.of()));
        Files.delete(file);
        assertThatThrownBy(() -> new RolloutStateFile(file, marker(Set.of()), DurableFiles.DISK).open(plan))
                .isInstanceOf(StateFileException.class)
                .hasMessageContaining("is missing");
    }
}
