package dev.cync.canary.flags;

import dev.cync.canary.time.SystemClock;
import java.nio.file.Path;
import java.util.List;

/** A child process for the crash test: changes flags in a loop until it is killed. */
public final class FlagChurn {

    private FlagChurn() {}

    public static void main(String[] args) throws Exception {
        // Warm up (class loading, JSON serialisers) in a scratch directory first, so that on a loaded
        // machine the random kill lands among changes to the real directory, not in a cold start.
        Path scratch = Path.of(args[0]).resolve("warmup-scratch");
        Flags warm = new Flags(FileFlagStore.open(scratch, SystemClock.utc()));
        for (int i = 0; i < 20; i++) {
            warm.setPercentage("warmup", i, "warm up");
            warm.cohort("warmup", List.of("dev-" + i), List.of(), "warm up");
            warm.darkLaunch("warmup", i % 2 == 0, i, "warm up");
            warm.rollback("warmup", "warm up", i % 2 == 0);
        }
        Flags f = new Flags(FileFlagStore.open(Path.of(args[0]), SystemClock.utc()));
        System.out.println("ready");
        System.out.flush();
        for (int i = 0; ; i++) {
            switch (i % 4) {
                case 0 -> f.setPercentage("churn", (i * 37) % 10_001, "churn " + i);
                case 1 -> f.cohort("churn", List.of("dev-" + i), List.of("dev-" + (i - 4)), "churn " + i);
                case 2 -> f.darkLaunch("churn", i % 8 == 2, (i * 13) % 10_001, "churn " + i);
                default -> f.rollback("churn", "churn " + i, i % 8 == 3);
            }
        }
    }
}
