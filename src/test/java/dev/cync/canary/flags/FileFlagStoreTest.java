package dev.cync.canary.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cync.canary.time.VirtualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFlagStoreTest {

    @TempDir
    Path dir;

    final VirtualClock clock = VirtualClock.startingAt(Instant.parse("2026-11-27T10:00:00Z"));

    Flags open() throws IOException {
        return new Flags(FileFlagStore.open(dir, clock));
    }

    @Test
    void changesSurviveARestartAndAreAudited() throws IOException {
        Flags f = open();
        f.setPercentage("api:alice", 2500, "first step");
        clock.advance(Duration.ofMinutes(5));
        f.cohort("api:bob", List.of("3d54861c"), List.of(), "pilot house");
        Flags again = open();
        assertThat(again.current().percentageBasisPoints()).isEqualTo(2500);
        assertThat(again.current().cohort()).containsExactly("3d54861c");
        assertThat(again.current().version()).isEqualTo(2);
        List<AuditEntry> audit = again.store().audit(10);
        assertThat(audit).extracting(AuditEntry::actor).containsExactly("api:alice", "api:bob");
        assertThat(audit.get(0).oldValue()).isEqualTo("0%");
        assertThat(audit.get(0).newValue()).isEqualTo("25%");
        assertThat(audit.get(0).reason()).isEqualTo("first step");
        assertThat(audit.get(1).at()).isEqualTo(Instant.parse("2026-11-27T10:05:00Z"));
    }

    @Test
    void zeroEngagesTheKillSwitchAndRollbackHoldsOnlyWhenAutomatic() throws IOException {
        Flags f = open();
        f.setPercentage("a", 1000, "r");
        assertThat(f.current().killSwitch()).isFalse();
        f.setPercentage("a", 0, "r");
        assertThat(f.current().killSwitch()).isTrue();
        f.setPercentage("a", 1000, "r");
        f.rollback("auto-rollback", "SLO", true);
        assertThat(f.current().rollbackSticky()).isTrue();
        assertThat(open().current().rollbackSticky()).isTrue();
        f.setPercentage("api:ops", 1000, "resume");
        assertThat(f.current().rollbackSticky()).isFalse();
        assertThat(f.current().killSwitch()).isFalse();
    }

    @Test
    void anInvalidChangeChangesNothing() throws IOException {
        Flags f = open();
        f.setPercentage("a", 1000, "r");
        assertThatThrownBy(() -> f.setPercentage("a", 15_000, "r")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.salt("a", "", "r")).hasMessageContaining("must not be empty");
        assertThat(f.current().version()).isEqualTo(1);
        assertThat(open().current().percentageBasisPoints()).isEqualTo(1000);
        assertThat(f.store().audit(10)).hasSize(1);
    }

    @Test
    void aTornLastAuditLineIsCutOffAtStart() throws IOException {
        Flags f = open();
        f.setPercentage("a", 1000, "r");
        Files.writeString(
                dir.resolve(FileFlagStore.AUDIT),
                "{\"version\":2,\"at\":\"2026-",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        Flags again = open();
        assertThat(again.store().audit(10)).hasSize(1);
        again.setPercentage("a", 2000, "r");
        assertThat(again.store().audit(10)).extracting(AuditEntry::version).containsExactly(1L, 2L);
    }

    @Test
    void aChangeCommittedWithoutItsAuditLineIsAuditedAtTheNextStart() throws IOException {
        Flags f = open();
        f.setPercentage("a", 1000, "one");
        f.setPercentage("a", 2000, "two");
        // As if the process died between committing v2 and appending its audit line.
        Path audit = dir.resolve(FileFlagStore.AUDIT);
        List<String> lines = new ArrayList<>(Files.readAllLines(audit));
        Files.write(audit, lines.subList(0, 1));
        Flags again = open();
        assertThat(again.store().audit(10)).extracting(AuditEntry::reason).containsExactly("one", "two");
    }

    @Test
    void listenersHearEveryCommittedChange() throws IOException {
        Flags f = open();
        List<Long> heard = new ArrayList<>();
        f.store().addListener(s -> heard.add(s.version()));
        f.setPercentage("a", 100, "r");
        f.darkLaunch("a", true, 2000, "r");
        assertThat(heard).containsExactly(1L, 2L);
        assertThat(f.current().darkLaunch()).isTrue();
        assertThat(f.current().darkLaunchBasisPoints()).isEqualTo(2000);
        assertThat(f.current().lastEnv()).isEqualTo(Map.of());
    }
}
