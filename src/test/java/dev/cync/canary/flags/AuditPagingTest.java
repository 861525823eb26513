package dev.cync.canary.flags;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import dev.cync.canary.time.VirtualClock;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: the audit log is read from disk in pages, so opening the store and reading the last
 * entries of a 300,000-entry log needs no more memory than of a 10,000-entry one. Measured as
 * bytes allocated by the reading thread (the JVM's own count), not as time: it used to read the
 * whole file into memory, twice, at every start and every {@code GET /api/audit}.
 */
@Tag("slow")
class AuditPagingTest {

    @TempDir
    Path root;

    static final Instant AT = Instant.parse("2026-11-27T10:00:00Z");

    /** A state directory whose audit log holds {@code n} entries and whose flags are at version {@code n}. */
    Path directory(String name, int n) throws IOException {
        Path dir = root.resolve(name);
        Files.createDirectories(dir);
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve(FileFlagStore.AUDIT), StandardCharsets.UTF_8)) {
            for (int v = 1; v <= n; v++) {
                w.write("{\"version\":" + v
                        + ",\"at\":\"2026-11-27T10:00:00Z\",\"actor\":\"api:ops\",\"action\":\"exclude\","
                        + "\"old\":\"" + (v - 1) + " devices\",\"new\":\"" + v + " devices (+dev-" + v
                        + ")\",\"reason\":\"audit paging test\"}\n");
            }
        }
        Files.writeString(
                dir.resolve(FileFlagStore.STATE),
                "{\"version\":" + n + ",\"percentage_bp\":0,\"salt\":\"cync-canary\","
                        + "\"cohort\":[],\"exclude\":[],\"kill_switch\":false,\"dark_launch\":false,\"dark_launch_bp\":1000,"
                        + "\"rollback_sticky\":false,\"updated_at\":\"2026-11-27T10:00:00Z\",\"updated_by\":\"api:ops\",\"last_env\":{},"
                        + "\"last_change\":{\"version\":" + n
                        + ",\"at\":\"2026-11-27T10:00:00Z\",\"actor\":\"api:ops\",\"action\":\"exclude\","
                        + "\"old\":\"" + (n - 1) + " devices\",\"new\":\"" + n + " devices (+dev-" + n
                        + ")\",\"reason\":\"audit paging test\"}}",
                StandardCharsets.UTF_8);
        return dir;
    }

    static long allocated() {
        return ((ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** Bytes allocated to open the store and read its last 100 entries (the best of three, to leave out one-time class loading). */
    long cost(Path dir, int n) throws IOException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long before = allocated();
            FileFlagStore store = FileFlagStore.open(dir, VirtualClock.startingAt(AT));
            List<AuditEntry> last = store.audit(100);
            best = Math.min(best, allocated() - before);
            assertThat(last).hasSize(100);
            assertThat(last.get(99).version()).isEqualTo(n);
            assertThat(last.get(0).version()).isEqualTo(n - 99L);
            assertThat(store.current().version()).isEqualTo(n);
        }
        return best;
    }

    @Test
    void threeHundredThousandEntriesNeedNoMoreMemoryThanTenThousand() throws IOException {
        Path small = directory("small", 10_000);
        Path large = directory("large", 300_000);
        assertThat(Files.size(large.resolve(FileFlagStore.AUDIT))).isGreaterThan(30L * 1024 * 1024);
        long smallCost = cost(small, 10_000);
        long largeCost = cost(large, 300_000);
        System.out.printf(
                "audit paging: opening the store and reading the last 100 entries allocates %,d bytes with 10,000 entries "
                        + "(%,d bytes of log), %,d bytes with 300,000 (%,d bytes of log)%n",
                smallCost,
                Files.size(small.resolve(FileFlagStore.AUDIT)),
                largeCost,
                Files.size(large.resolve(FileFlagStore.AUDIT)));
        // The same pages are read at the end of both files; the whole large file is over 30 MB.
        assertThat(largeCost)
                .as("bytes allocated for 300k entries vs %d for 10k", smallCost)
                .isLessThan(smallCost * 3 / 2 + 256 * 1024);
        assertThat(largeCost).isLessThan(4L * 1024 * 1024);
    }
}
