package dev.cync.canary.rollout;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.flags.EtcdFlagStore;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.slo.SloWindows;
import dev.cync.canary.support.Json;
import dev.cync.canary.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet-wide SLO evidence of several replicas, through etcd. Each replica serves only its own
 * devices, so its own {@link SloWindows} hold only its share of the outcomes; the gates and the
 * automatic rollback judge the whole fleet's, merged here into a second set of windows.
 *
 * <p>Publishing. Each complete minute of this replica's own windows (every transport's commands,
 * successes, fast successes, retransmissions, queue-full refusals, and the packets and decode errors)
 * is written once to {@code <prefix>slo/m/<minute>/<replica>}, and its hour's total up to that minute to
 * {@code <prefix>slo/h/<hour's first minute>/<replica>}, in one transaction that also deletes the
 * minutes older than {@link #minuteRetention} (the longest automatic-rollback window and an hour to
 * spare) and the hours older than 30 days and an hour: every replica's, so a replica that is gone for
 * good (a pod name that never comes back) ages out too. With R replicas etcd holds at most about
 * R x (minutes retained + 721) keys: 3 x (420 + 721) = 3,423 with the default windows, about 0.5 MB.
 *
 * <p>Merging. At start every hour older than the minute horizon (hour-aligned) is read from the hour
 * totals and every minute since from the minute keys, at one etcd revision; after that each call
 * reads the minute keys written since the last revision seen, so every published minute is merged
 * exactly once whatever its age. Windows reaching back beyond the horizon (the 30-day objectives)
 * see those hours at the hour's first minute: their far edge is exact to the hour, not the minute.
 * A minute is published once it is over (and {@link #GRACE} later, for outcomes resolving at the
 * turn of the minute), so the fleet view runs that much behind the replica's own.
 *
 * <p>etcd unavailable: nothing is published or merged; the unpublished minutes go out when etcd
 * answers (those older than the minute retention are only in the hour totals). Every replica keeps
 * the fleet view, so a replica that becomes the leader judges at once on the whole fleet.
 *
 * <p>Thread-safety: {@link #sync} is serialised on this object; the windows are thread-safe.
 */
public final class FleetSlo {

    private static final Logger log = LoggerFactory.getLogger(FleetSlo.class);
    /** How often (on the SLO clock) minutes are published and merged. */
    public static final Duration PERIOD = Duration.ofSeconds(15);
    /** A minute is published this long after it ends. */
    static final Duration GRACE = Duration.ofSeconds(5);

    static final String MINUTES = "slo/m/";
    static final String HOURS = "slo/h/";
    /** The key after every {@code slo/m/...} ('0' follows '/'). */
    private static final String MINUTES_END = "slo/m0";

    private static final String HOURS_END = "slo/h0";
    static final long HOUR_RETENTION_MINUTES = SloWindows.HISTORY.toMinutes() + 60;

    private final EtcdFlagStore store;
    private final String replica;
    private final SloWindows local;
    private final SloWindows fleet;
    private final Clock clock;
    private final long minuteRetention;
    private final ObjectMapper json = Json.mapper();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong merged = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** The next of this replica's minutes to publish. */
    private long nextMinute;
    /** Every minute key written up to this etcd revision is merged; 0 before the first read. */
    private long seenRevision;

    /**
     * @param local this replica's own outcomes (what it publishes)
     * @param fleet the merged view (empty at first; what the evaluator reads)
     */
    public FleetSlo(EtcdFlagStore store, SloSpec spec, SloWindows local, SloWindows fleet, Clock clock) {
        this.store = store;
        this.replica = store.settings().replica();
        this.local = local;
        this.fleet = fleet;
        this.clock = clock;
        this.minuteRetention = minuteRetention(spec).toMinutes();
        // Minutes from now on: an earlier one may already be in etcd from this replica's last run.
        this.nextMinute = Math.floorDiv(clock.millis(), 60_000L);
    }

    /** The longest automatic-rollback window and an hour to spare (clock skew between replicas). */
    public static Duration minuteRetention(SloSpec spec) {
        return Collections.max(spec.autoRollback().windows()).plusHours(1);
    }

    /** Publishes this replica's complete minutes and merges every replica's new ones; failures are counted and retried next time. */
    public synchronized void sync() {
        try {
            publish();
            merge();
        } catch (EtcdFlagStore.StoreUnavailableException e) {
            // Counted by the store (canary_store_unavailable_total); the minutes wait for etcd.
            failures.incrementAndGet();
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            log.error("fleet-wide SLO counts: {}; tried again in {} s", e.getMessage(), PERIOD.toSeconds());
        }
    }

    /** Minutes of this replica's counts written to etcd. */
    public long published() {
        return published.get();
    }

    /** Minutes (of any replica) merged into the fleet view, hour totals at start included. */
    public long merged() {
        return merged.get();
    }

    /** Calls that did not complete (etcd unavailable, a bad document). */
    public long failures() {
        return failures.get();
    }

    private void publish() {
        long lastComplete = Math.floorDiv(clock.millis() - GRACE.toMillis(), 60_000L) - 1;
        nextMinute = Math.max(nextMinute, lastComplete - minuteRetention + 1);
        for (long m = nextMinute; m <= lastComplete; m++) {
            Map<String, long[]> minute = rows(m, m);
            if (!minute.values().stream().allMatch(FleetSlo::zero)) {
                long hour = m - Math.floorMod(m, 60L);
                store.writeDocuments(
                        Map.of(MINUTES + pad(m) + "/" + replica, write(minute)),
                        // The hour's total up to this minute, not beyond: minutes published later are never in it (no
                        // double count).
                        Map.of(HOURS + pad(hour) + "/" + replica, write(rows(hour, m))),
                        Map.of(
                                MINUTES,
                                MINUTES + pad(m - minuteRetention),
                                HOURS,
                                HOURS + pad(m - HOUR_RETENTION_MINUTES)));
                published.incrementAndGet();
            }
            // A minute without outcomes is not written: nothing to add, and an idle fleet writes nothing.
            nextMinute = m + 1;
        }
    }

    private void merge() {
        record Entry(long minute, String key, Map<String, long[]> rows) {}
        List<Entry> entries = new ArrayList<>();
        long revision;
        if (seenRevision == 0) {
            long now = Math.floorDiv(clock.millis(), 60_000L);
            long horizon = now - minuteRetention;
            horizon += Math.floorMod(-horizon, 60L);
            EtcdFlagStore.Documents minutes = store.readDocuments(MINUTES + pad(horizon), MINUTES_END, 0, 0);
            EtcdFlagStore.Documents hours = store.readDocuments(HOURS, HOURS + pad(horizon), 0, minutes.revision());
            hours.byName().forEach((k, v) -> entries.add(new Entry(minuteOf(k, HOURS), k, read(k, v))));
            minutes.byName().forEach((k, v) -> entries.add(new Entry(minuteOf(k, MINUTES), k, read(k, v))));
            revision = minutes.revision();
            log.info(
                    "fleet-wide SLO counts: {} hour totals before {} and {} minutes since read from etcd",
                    hours.byName().size(),
                    java.time.Instant.ofEpochSecond(horizon * 60),
                    minutes.byName().size());
        } else {
            EtcdFlagStore.Documents minutes = store.readDocuments(MINUTES, MINUTES_END, seenRevision, 0);
            minutes.byName().forEach((k, v) -> entries.add(new Entry(minuteOf(k, MINUTES), k, read(k, v))));
            revision = minutes.revision();
        }
        // In time order: each minute lands at the end of the windows' history, which is cheap.
        entries.sort(Comparator.comparingLong(Entry::minute));
        for (Entry e : entries) {
            if (e.minute() < 0) {
                failures.incrementAndGet();
                continue;
            }
            for (Map.Entry<String, long[]> r : e.rows().entrySet()) {
                if (fleet.rings().contains(r.getKey())) {
                    fleet.add(r.getKey(), e.minute(), r.getValue());
                }
            }
            merged.incrementAndGet();
        }
        seenRevision = revision;
    }

    private Map<String, long[]> rows(long from, long to) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String ring : local.rings()) {
            out.put(ring, local.counts(ring, from, to));
        }
        return out;
    }

    private static boolean zero(long[] counts) {
        for (long c : counts) {
            if (c != 0) {
                return false;
            }
        }
        return true;
    }

    private static long minuteOf(String key, String kind) {
        String rest = key.substring(kind.length());
        int slash = rest.indexOf('/');
        try {
            return Long.parseLong(slash < 0 ? rest : rest.substring(0, slash));
        } catch (NumberFormatException e) {
            log.error("the key {} under the SLO counts is not <minute>/<replica>; left out of the fleet view", key);
            return -1;
        }
    }

    /** The counts of one document; a document that is not valid is left out (logged, counted), the rest still merge. */
    private Map<String, long[]> read(String key, byte[] value) {
        try {
            Map<String, long[]> rows = json.readValue(value, new TypeReference<Map<String, long[]>>() {});
            for (Map.Entry<String, long[]> r : rows.entrySet()) {
                if (fleet.rings().contains(r.getKey())) {
                    long[] probe = fleet.counts(r.getKey(), 0, -1);
                    if (r.getValue() == null
                            || r.getValue().length != probe.length
                            || !java.util.Arrays.stream(r.getValue()).allMatch(c -> c >= 0)) {
                        throw new IOException(r.getKey() + " needs " + probe.length + " counts, none negative");
                    }
                }
            }
            return rows;
        } catch (IOException e) {
            failures.incrementAndGet();
            log.error(
                    "the SLO counts at {} in etcd are not valid ({}); left out of the fleet view", key, e.getMessage());
            return Map.of();
        }
    }

    private byte[] write(Map<String, long[]> rows) {
        try {
            return json.writeValueAsBytes(rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pad(long minute) {
        return String.format(Locale.ROOT, "%012d", Math.max(0, minute));
    }
}
