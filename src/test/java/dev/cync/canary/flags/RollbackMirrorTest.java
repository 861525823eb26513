package dev.cync.canary.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.time.VirtualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rollback sends everything to legacy: the canary devices, and the mirror of the others (canary stages keep it on). */
class RollbackMirrorTest {

    @TempDir
    Path dir;

    @Test
    void aRollbackTurnsTheMirrorOffInOneAuditedChange() throws IOException {
        Flags f = new Flags(FileFlagStore.open(dir, VirtualClock.startingAt(Instant.parse("2026-11-27T10:00:00Z"))));
        f.setPercentage("rollout", 1000, "canary_10");
        f.darkLaunch("rollout", true, 10_000, "canary_10 mirrors the rest of the fleet");
        FlagState after = f.rollback("auto-rollback", "3 consecutive failed checks", true);
        assertThat(after.darkLaunch()).isFalse();
        assertThat(after.killSwitch()).isTrue();
        assertThat(after.rollbackSticky()).isTrue();
        assertThat(after.lastChange().newValue())
                .isEqualTo("0% (kill switch on, held until an operator resumes, mirror off)");
        // Without a mirror to stop, the audit says what it always said.
        assertThat(f.rollback("api:ops", "again", false).lastChange().newValue())
                .isEqualTo("0% (kill switch on, held until an operator resumes)");
    }
}
