package dev.cync.canary.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.time.VirtualClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, reproduction 2: concurrent operators. Each operation is one atomic read-modify-write,
 * so nothing is lost and the audit's old and new values chain exactly.
 */
class FlagConcurrencyTest {

    @TempDir
    Path dir;

    @Test
    void concurrentCohortExcludeAndPercentageChangesLoseNothingAndTheAuditChains() throws Exception {
        Flags flags =
                new Flags(FileFlagStore.open(dir, VirtualClock.startingAt(Instant.parse("2026-11-27T10:00:00Z"))));
        AtomicLong notified = new AtomicLong();
        AtomicLong lastSeen = new AtomicLong();
        List<Long> outOfOrder = new CopyOnWriteArrayList<>();
        flags.store().addListener(s -> {
            notified.incrementAndGet();
            if (s.version() != lastSeen.get() + 1) {
                outOfOrder.add(s.version());
            }
            lastSeen.set(s.version());
        });
        int threads = 8;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < each; i++) {
                    String id = "dev-" + thread + "-" + i;
                    switch (i % 3) {
                        case 0 -> flags.exclude("api:t" + thread, List.of(id), List.of(), "exclude " + id);
                        case 1 -> flags.cohort("api:t" + thread, List.of(id), List.of(), "cohort " + id);
                        default -> flags.setPercentage("api:t" + thread, 100 * thread + i, "step");
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        FlagState s = flags.current();
        int excluded = 0;
        int cohort = 0;
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < each; i++) {
                String id = "dev-" + t + "-" + i;
                if (i % 3 == 0) {
                    assertThat(s.exclude()).as("excluded %s", id).contains(id);
                    excluded++;
                } else if (i % 3 == 1) {
                    assertThat(s.cohort()).as("cohort %s", id).contains(id);
                    cohort++;
                }
            }
        }
        assertThat(s.exclude()).hasSize(excluded);
        assertThat(s.cohort()).hasSize(cohort);
        assertThat(s.version()).isEqualTo((long) threads * each);

        List<AuditEntry> audit = flags.store().audit(10_000);
        assertThat(audit).hasSize(threads * each);
        String lastPercentage = "0%";
        int lastExclude = 0;
        int lastCohort = 0;
        for (int i = 0; i < audit.size(); i++) {
            AuditEntry e = audit.get(i);
            assertThat(e.version()).isEqualTo(i + 1L);
            switch (e.action()) {
                case "set_percentage" -> {
                    assertThat(e.oldValue()).as("old value of v%d", e.version()).isEqualTo(lastPercentage);
                    lastPercentage = e.newValue();
                }
                case "exclude" -> {
                    assertThat(e.oldValue()).as("old value of v%d", e.version()).isEqualTo(lastExclude + " devices");
                    lastExclude++;
                    assertThat(e.newValue()).startsWith(lastExclude + " devices (+");
                }
                case "cohort" -> {
                    assertThat(e.oldValue()).as("old value of v%d", e.version()).isEqualTo(lastCohort + " devices");
                    lastCohort++;
                    assertThat(e.newValue()).startsWith(lastCohort + " devices (+");
                }
                default -> throw new AssertionError("unexpected action " + e.action());
            }
        }
        // Every change reached the listeners once, in version order.
        assertThat(notified.get()).isEqualTo((long) threads * each);
        assertThat(outOfOrder).isEmpty();
        // And the disk holds what memory holds.
        Flags reopened =
                new Flags(FileFlagStore.open(dir, VirtualClock.startingAt(Instant.parse("2026-11-27T11:00:00Z"))));
        assertThat(reopened.current()).isEqualTo(s);
    }
}
