package dev.cync.canary.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.time.VirtualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/design.md rule 8: persisted operator state outranks the environment, unless a variable changed since the last start. */
class EnvDefaultsTest {

    @TempDir
    Path dir;

    final VirtualClock clock = VirtualClock.startingAt(Instant.parse("2026-11-27T10:00:00Z"));

    Flags start(Map<String, String> env) throws IOException {
        Flags f = new Flags(FileFlagStore.open(dir, clock));
        EnvDefaults.apply(f, env);
        return f;
    }

    @Test
    void aFreshStateDirectoryStartsFromTheEnvironment() throws IOException {
        Flags f = start(Map.of(
                "CANARY_PERCENTAGE",
                "10",
                "DARK_LAUNCH",
                "true",
                "CANARY_COHORT",
                "aa11bb22,dev-7",
                "CANARY_EXCLUDE",
                "dev-9",
                "CANARY_SALT",
                "prod-1",
                "DARK_LAUNCH_PERCENTAGE",
                "5"));
        FlagState s = f.current();
        assertThat(s.percentageBasisPoints()).isEqualTo(1000);
        assertThat(s.darkLaunch()).isTrue();
        assertThat(s.darkLaunchBasisPoints()).isEqualTo(500);
        assertThat(s.cohort()).containsExactly("aa11bb22", "dev-7");
        assertThat(s.exclude()).containsExactly("dev-9");
        assertThat(s.salt()).isEqualTo("prod-1");
        assertThat(f.store().audit(20))
                .extracting(AuditEntry::actor)
                .contains("env:CANARY_PERCENTAGE", "env:DARK_LAUNCH");
    }

    @Test
    void operatorStateOutranksAnUnchangedEnvironment() throws IOException {
        start(Map.of("CANARY_PERCENTAGE", "10"));
        new Flags(FileFlagStore.open(dir, clock)).setPercentage("api:ops", 2500, "step up");
        Flags again = start(Map.of("CANARY_PERCENTAGE", "10"));
        assertThat(again.current().percentageBasisPoints()).isEqualTo(2500);
    }

    @Test
    void anEnvironmentValueChangedSinceTheLastStartIsAnOperatorAction() throws IOException {
        start(Map.of("CANARY_PERCENTAGE", "10"));
        new Flags(FileFlagStore.open(dir, clock)).setPercentage("api:ops", 2500, "step up");
        // kubectl set env deployment/cync-controller CANARY_PERCENTAGE=0
        Flags again = start(Map.of("CANARY_PERCENTAGE", "0"));
        assertThat(again.current().percentageBasisPoints()).isZero();
        assertThat(again.current().killSwitch()).isTrue();
        AuditEntry last = again.store().audit(20).stream()
                .filter(e -> e.action().equals("set_percentage"))
                .reduce((a, b) -> b)
                .orElseThrow();
        assertThat(last.actor()).isEqualTo("env:CANARY_PERCENTAGE");
        assertThat(last.reason()).contains("changed since the last start (was 10)");
    }

    @Test
    void anAutomaticRollbackStaysAcrossARestartWithTheSameEnvironment() throws IOException {
        Flags f = start(Map.of("CANARY_PERCENTAGE", "25"));
        f.rollback("auto-rollback", "success 97% < 99.5%", true);
        Flags again = start(Map.of("CANARY_PERCENTAGE", "25"));
        assertThat(again.current().percentageBasisPoints()).isZero();
        assertThat(again.current().rollbackSticky()).isTrue();
    }

    @Test
    void invalidValuesAreRefusedByNameAndThePreviousStateStays() throws IOException {
        start(Map.of("CANARY_PERCENTAGE", "10"));
        for (String bad : new String[] {"150", "-1", "NaN", "abc"}) {
            Flags f = new Flags(FileFlagStore.open(dir, clock));
            List<String> problems = EnvDefaults.apply(f, Map.of("CANARY_PERCENTAGE", bad));
            assertThat(problems)
                    .singleElement()
                    .asString()
                    .isEqualTo(
                            "CANARY_PERCENTAGE must be a number from 0 to 100 (up to 2 decimals), got '" + bad + "'");
            assertThat(f.current().percentageBasisPoints()).isEqualTo(1000);
        }
        Flags f = new Flags(FileFlagStore.open(dir, clock));
        assertThat(EnvDefaults.apply(f, Map.of("CANARY_SALT", "")))
                .singleElement()
                .asString()
                .startsWith("CANARY_SALT must not be empty");
        assertThat(f.current().salt()).isEqualTo(FlagState.DEFAULT_SALT);
        assertThat(f.store().audit(50)).extracting(AuditEntry::action).contains("env_refused");
        // Fixed at the next start, the value counts as a change and applies.
        Flags fixed = start(Map.of("CANARY_PERCENTAGE", "20"));
        assertThat(fixed.current().percentageBasisPoints()).isEqualTo(2000);
    }
}
