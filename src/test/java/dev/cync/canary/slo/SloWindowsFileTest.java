package dev.cync.canary.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.support.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, reproduction 5: the SLO window file. Truncated, empty or corrupt, it starts fresh
 * windows and says why (it used to stop the start with an EOFException); minutes in the future are
 * discarded (they used to make every new event vanish); it is saved through the durable-write
 * helper (it used to be renamed without fsync).
 */
class SloWindowsFileTest {

    @TempDir
    Path dir;

    static final Objective SUCCESS = new Objective("s", "", Objective.Kind.SUCCESS, 999_000, Duration.ofDays(30), null);
    final long t0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    SloWindows windows() {
        return new SloWindows(List.of("legacy", "new"), Duration.ofMillis(1500));
    }

    Path saved() throws IOException {
        SloWindows w = windows();
        for (int m = 0; m < 30; m++) {
            w.recordCommand("new", t0 + m * 60_000L, true, 1, 1, false);
        }
        Path file = dir.resolve("slo-windows.bin");
        w.save(file);
        return file;
    }

    @Test
    void aTruncatedEmptyOrCorruptFileStartsFreshWindowsAndSaysWhy() throws IOException {
        Path file = saved();
        byte[] whole = Files.readAllBytes(file);
        long now = t0 + 60 * 60_000L;
        List<byte[]> broken = new ArrayList<>();
        broken.add(new byte[0]);
        broken.add(Arrays.copyOf(whole, whole.length / 2));
        broken.add(Arrays.copyOf(whole, 7));
        byte[] flipped = whole.clone();
        flipped[0] ^= 0x55;
        broken.add(flipped);
        byte[] longer = Arrays.copyOf(whole, whole.length + 3);
        broken.add(longer);
        for (byte[] b : broken) {
            Files.write(file, b);
            SloWindows w = windows();
            SloWindows.LoadResult r = w.load(file, now);
            assertThat(r.discarded()).as("%d bytes", b.length).isTrue();
            assertThat(r.problem()).contains(file.toString());
            assertThat(w.ratio(SUCCESS, "new", Duration.ofDays(30), now)).isEqualTo(new Ratio(0, 0));
            // Fresh windows work.
            w.recordCommand("new", now, true, 1, 1, false);
            assertThat(w.ratio(SUCCESS, "new", Duration.ofDays(30), now)).isEqualTo(new Ratio(1, 1));
        }
    }

    @Test
    void minutesInTheFutureAreDiscardedSoNewEventsStillCount() throws IOException {
        Path file = dir.resolve("slo-windows.bin");
        long now = t0 + 60_000L;
        // A file from a clock 40 days ahead: kept, its newest minute would make every new event "older than the
        // history".
        SloWindows ahead = windows();
        ahead.recordCommand("new", t0 + Duration.ofDays(40).toMillis(), true, 1, 1, false);
        ahead.save(file);
        SloWindows back = windows();
        assertThat(back.load(file, now).futureMinutesDropped()).isEqualTo(1);
        back.recordCommand("new", now, false, 1, 1, false);
        assertThat(back.ratio(SUCCESS, "new", Duration.ofDays(30), now)).isEqualTo(new Ratio(0, 1));

        // Past minutes in the same file are kept.
        SloWindows mixed = windows();
        mixed.recordCommand("new", t0, true, 1, 1, false);
        mixed.recordCommand("new", t0 + Duration.ofDays(1).toMillis(), true, 1, 1, false);
        mixed.save(file);
        SloWindows again = windows();
        SloWindows.LoadResult r = again.load(file, now);
        assertThat(r.discarded()).isFalse();
        assertThat(r.futureMinutesDropped()).isEqualTo(1);
        again.recordCommand("new", now, false, 1, 1, false);
        assertThat(again.ratio(SUCCESS, "new", Duration.ofDays(30), now)).isEqualTo(new Ratio(1, 2));
    }

    @Test
    void savedThroughTheDurableWriter() throws IOException {
        SloWindows w = windows();
        w.recordCommand("new", t0, true, 1, 1, false);
        List<Path> written = new ArrayList<>();
        w.save(dir.resolve("slo-windows.bin"), new DurableFiles.Writer() {
            @Override
            public void replace(Path file, byte[] bytes) throws IOException {
                written.add(file);
                DurableFiles.replace(file, bytes);
            }

            @Override
            public void append(Path file, byte[] bytes) {
                throw new AssertionError("never appended");
            }
        });
        assertThat(written).containsExactly(dir.resolve("slo-windows.bin"));
        assertThat(windows().load(dir.resolve("slo-windows.bin"), t0).discarded())
                .isFalse();
        assertThat(Files.exists(dir.resolve("slo-windows.bin.tmp"))).isFalse();
    }
}
