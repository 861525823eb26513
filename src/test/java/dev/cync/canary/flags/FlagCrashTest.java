package dev.cync.canary.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.time.SystemClock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kill -9 a process while it changes flags, at random moments; every restart finds the last committed state and an intact audit log. */
@Tag("slow")
class FlagCrashTest {

    @TempDir
    Path dir;

    @Test
    void killingTheProcessMidChangeNeverLeavesABrokenStateOrAudit() throws Exception {
        Random random = new Random(7);
        long lastVersion = 0;
        for (int round = 0; round < 6; round++) {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            FlagChurn.class.getName(),
                            dir.toString())
                    .redirectErrorStream(true)
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("ready");
            // Let it churn for a random while, then kill it without warning (SIGKILL).
            p.waitFor(50 + random.nextInt(400), TimeUnit.MILLISECONDS);
            p.destroyForcibly();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();

            Flags f = new Flags(FileFlagStore.open(dir, SystemClock.utc()));
            FlagState s = f.current();
            List<AuditEntry> audit = f.store().audit(Integer.MAX_VALUE);
            assertThat(s.version()).as("round %d made progress", round).isGreaterThan(lastVersion);
            assertThat(audit).isNotEmpty();
            assertThat(audit.get(audit.size() - 1).version())
                    .as("audit reaches the committed version")
                    .isEqualTo(s.version());
            for (int i = 1; i < audit.size(); i++) {
                assertThat(audit.get(i).version()).isEqualTo(audit.get(i - 1).version() + 1);
            }
            assertThat(audit.get(audit.size() - 1)).isEqualTo(s.lastChange());
            lastVersion = s.version();
        }
    }
}
