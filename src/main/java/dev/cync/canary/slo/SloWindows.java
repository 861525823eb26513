package dev.cync.canary.slo;

import dev.cync.canary.support.DurableFiles;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Event counts per minute for the last 30 days, per transport, plus the fleet-wide packet and
 * decode-error counts: enough history for every objective's window and every burn-rate window, in
 * fixed memory (a ring of 43,201 minutes with running totals; about 9 MB for both transports and
 * the fleet, see {@link #footprintBytes}). Minutes come from the injected clock, so virtual time works the same.
 *
 * <p>Thread-safe: every ring is guarded by its own lock (outcomes arrive from device event loops;
 * reads come once a minute).
 *
 * <p>Why one class: the minute rings are its only state, and everything here works on
 * their layout and their locks: recording outcomes, reading a window, exporting and merging
 * counts for the fleet-wide SLO, and saving and loading the window file, so the file format cannot
 * drift from the memory layout it mirrors. The window arithmetic lives in {@link Ratio} and the
 * per-minute slots in the private {@code Ring}.
 */
public final class SloWindows {

    public static final Duration HISTORY = Duration.ofDays(30);
    static final int MINUTES = (int) HISTORY.toMinutes() + 1;
    /** Per-transport fields. */
    static final int COMMANDS = 0;

    static final int SUCCEEDED = 1;
    static final int FAST = 2;
    static final int RETRANSMITS = 3;
    static final int QUEUE_FULL = 4;
    static final int TRANSPORT_FIELDS = 5;
    /** Fleet fields. */
    static final int PACKETS = 0;

    static final int DECODE_ERRORS = 1;
    static final String FLEET = "fleet";
    private static final int MAGIC = 0x534C4F31; // "SLO1"

    private final Map<String, Ring> rings = new TreeMap<>();
    private final long latencyThresholdNanos;

    /** @param transports the transport labels ({@code legacy}, {@code new}) */
    public SloWindows(Iterable<String> transports, Duration latencyThreshold) {
        for (String t : transports) {
            rings.put(t, new Ring(TRANSPORT_FIELDS));
        }
        rings.put(FLEET, new Ring(2));
        this.latencyThresholdNanos = latencyThreshold.toNanos();
    }

    /** One resolved command of {@code transport}. */
    public void recordCommand(
            String transport, long atMillis, boolean succeeded, long latencyNanos, int attempts, boolean queueFull) {
        Ring r = rings.get(transport);
        if (r == null) {
            throw new IllegalArgumentException("unknown transport " + transport);
        }
        long minute = Math.floorDiv(atMillis, 60_000L);
        synchronized (r) {
            int slot = r.slot(minute);
            r.add(slot, COMMANDS, 1);
            if (succeeded) {
                r.add(slot, SUCCEEDED, 1);
                if (latencyNanos <= latencyThresholdNanos) {
                    r.add(slot, FAST, 1);
                }
            }
            if (attempts > 1) {
                r.add(slot, RETRANSMITS, attempts - 1);
            }
            if (queueFull) {
                r.add(slot, QUEUE_FULL, 1);
            }
        }
    }

    /**
     * Many resolved commands of {@code transport} in the minute of {@code atMillis} at once, as
     * counts (the rehearsal's bulk outcome model): the same totals {@link #recordCommand} would
     * reach one command at a time. {@code fast} counts the succeeded commands within the latency threshold.
     */
    public void recordCommands(
            String transport,
            long atMillis,
            long commands,
            long succeeded,
            long fast,
            long retransmits,
            long queueFull) {
        Ring r = rings.get(transport);
        if (r == null) {
            throw new IllegalArgumentException("unknown transport " + transport);
        }
        if (commands < 0
                || succeeded < 0
                || succeeded > commands
                || fast < 0
                || fast > succeeded
                || retransmits < 0
                || queueFull < 0
                || queueFull > commands) {
            throw new IllegalArgumentException("inconsistent counts: " + commands + " commands, " + succeeded
                    + " succeeded, " + fast + " fast, " + retransmits + " retransmits, " + queueFull + " queue full");
        }
        if (commands == 0) {
            return;
        }
        long minute = Math.floorDiv(atMillis, 60_000L);
        synchronized (r) {
            int slot = r.slot(minute);
            r.add(slot, COMMANDS, commands);
            r.add(slot, SUCCEEDED, succeeded);
            r.add(slot, FAST, fast);
            r.add(slot, RETRANSMITS, retransmits);
            r.add(slot, QUEUE_FULL, queueFull);
        }
    }

    /** Packets received from devices and decode errors among them, fleet-wide, since the last call. */
    public void recordPackets(long atMillis, long packets, long decodeErrors) {
        Ring r = rings.get(FLEET);
        synchronized (r) {
            int slot = r.slot(Math.floorDiv(atMillis, 60_000L));
            r.add(slot, PACKETS, packets);
            r.add(slot, DECODE_ERRORS, decodeErrors);
        }
    }

    /** Good and total events of an objective for a transport over the {@code window} ending at {@code nowMillis}. */
    public Ratio ratio(Objective o, String transport, Duration window, long nowMillis) {
        long to = Math.floorDiv(nowMillis, 60_000L);
        long from = to - Math.max(1, window.toMinutes()) + 1;
        return switch (o.kind()) {
            case SUCCESS -> of(transport, from, to, SUCCEEDED, -1);
            case LATENCY -> of(transport, from, to, FAST, -1);
            case RETRANSMITS -> of(transport, from, to, -1, RETRANSMITS);
            case QUEUE_FULL -> of(transport, from, to, -1, QUEUE_FULL);
            case DECODE_ERRORS -> fleet(from, to);
        };
    }

    /**
     * Good and total events of an objective minute by minute over the {@code window} ending at
     * {@code nowMillis}, oldest first, as {@code [good, total, good, total, ...]} (a minute without
     * events is 0, 0): what a sequential test walks through.
     */
    public long[] perMinute(Objective o, String transport, Duration window, long nowMillis) {
        long to = Math.floorDiv(nowMillis, 60_000L);
        int n = (int) Math.max(1, Math.min(window.toMinutes(), MINUTES - 1));
        long from = to - n + 1;
        boolean fleet = o.kind() == Objective.Kind.DECODE_ERRORS;
        Ring r = rings.get(fleet ? FLEET : transport);
        int total = fleet ? PACKETS : COMMANDS;
        int goodField = switch (o.kind()) {
            case SUCCESS -> SUCCEEDED;
            case LATENCY -> FAST;
            default -> -1;
        };
        int badField = switch (o.kind()) {
            case RETRANSMITS -> RETRANSMITS;
            case QUEUE_FULL -> QUEUE_FULL;
            case DECODE_ERRORS -> DECODE_ERRORS;
            default -> -1;
        };
        long[] out = new long[2 * n];
        synchronized (r) {
            for (int i = 0; i < n; i++) {
                long minute = from + i;
                int slot = Ring.index(minute);
                if (r.minutes[slot] != minute) {
                    continue;
                }
                long t = r.counts[slot * r.fields + total];
                long good = goodField >= 0
                        ? r.counts[slot * r.fields + goodField]
                        : Math.max(0, t - r.counts[slot * r.fields + badField]);
                out[2 * i] = good;
                out[2 * i + 1] = t;
            }
        }
        return out;
    }

    private Ratio of(String transport, long from, long to, int goodField, int badField) {
        Ring r = rings.get(transport);
        synchronized (r) {
            long total = r.sum(from, to, COMMANDS);
            long good = goodField >= 0 ? r.sum(from, to, goodField) : Math.max(0, total - r.sum(from, to, badField));
            return new Ratio(good, total);
        }
    }

    private Ratio fleet(long from, long to) {
        Ring r = rings.get(FLEET);
        synchronized (r) {
            long total = r.sum(from, to, PACKETS);
            return new Ratio(Math.max(0, total - r.sum(from, to, DECODE_ERRORS)), total);
        }
    }

    /** The names of the rings: every transport label, and {@code fleet} (packets and decode errors). */
    public java.util.Set<String> rings() {
        return java.util.Collections.unmodifiableSet(rings.keySet());
    }

    /**
     * The counts of every field of {@code ring} summed over the minutes {@code fromMinute} to
     * {@code toMinute} (minutes since the epoch, both included): one minute's row when they are equal,
     * an hour's when they span one. What one replica publishes for the fleet-wide view.
     */
    public long[] counts(String ring, long fromMinute, long toMinute) {
        Ring r = ring(ring);
        synchronized (r) {
            long[] out = new long[r.fields];
            for (int f = 0; f < r.fields; f++) {
                out[f] = r.sum(fromMinute, toMinute, f);
            }
            return out;
        }
    }

    /**
     * Adds {@code counts} (one per field of {@code ring}) to {@code minute}: another replica's
     * published minute, merged into a fleet-wide view. Merging in time order keeps it cheap; an
     * older minute also moves the running totals after it.
     */
    public void add(String ring, long minute, long[] counts) {
        Ring r = ring(ring);
        if (counts.length != r.fields) {
            throw new IllegalArgumentException(
                    ring + ": " + r.fields + " counts per minute expected, got " + counts.length);
        }
        for (long c : counts) {
            if (c < 0) {
                throw new IllegalArgumentException(ring + ": a negative count");
            }
        }
        synchronized (r) {
            int slot = r.slot(minute);
            for (int f = 0; f < r.fields; f++) {
                r.add(slot, f, counts[f]);
            }
        }
    }

    private Ring ring(String name) {
        Ring r = rings.get(name);
        if (r == null) {
            throw new IllegalArgumentException("unknown ring " + name);
        }
        return r;
    }

    /** Bytes held by the rings (the memory bound, measured). */
    public long footprintBytes() {
        long b = 0;
        for (Ring r : rings.values()) {
            b += 16L + r.counts.length * 8L + 16L + r.cumulative.length * 8L + 16L + r.minutes.length * 8L;
        }
        return b;
    }

    /** Writes every non-empty minute durably and atomically, through {@link DurableFiles#DISK}. */
    public void save(Path file) throws IOException {
        save(file, DurableFiles.DISK);
    }

    /** Writes every non-empty minute through {@code writer} (temporary file, fsync, rename, fsync of the directory). */
    public void save(Path file, DurableFiles.Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeLong(latencyThresholdNanos);
            out.writeInt(rings.size());
            for (Map.Entry<String, Ring> e : rings.entrySet()) {
                Ring r = e.getValue();
                synchronized (r) {
                    out.writeUTF(e.getKey());
                    out.writeInt(r.fields);
                    int used = 0;
                    for (int s = 0; s < MINUTES; s++) {
                        used += r.nonEmpty(s) ? 1 : 0;
                    }
                    out.writeInt(used);
                    for (int s = 0; s < MINUTES; s++) {
                        if (r.nonEmpty(s)) {
                            out.writeLong(r.minutes[s]);
                            for (int f = 0; f < r.fields; f++) {
                                out.writeLong(r.counts[s * r.fields + f]);
                            }
                        }
                    }
                }
            }
        }
        writer.replace(file, bytes.toByteArray());
    }

    /**
     * What {@link #load} found.
     *
     * @param problem why the file was not used (one line), or null when it was (or was absent)
     * @param futureMinutesDropped minutes later than now that were discarded (a clock that jumped back, a copied file)
     */
    public record LoadResult(String problem, int futureMinutesDropped) {
        public boolean discarded() {
            return problem != null;
        }
    }

    /**
     * Reads what {@link #save} wrote into these (empty) windows. A missing file leaves them empty. A
     * file that is truncated, empty or corrupt is not used at all (the windows start fresh: losing
     * measurements is acceptable, refusing to start is not) and the result says why. Minutes after
     * {@code nowMillis} are discarded: kept, they would make every new event look too old to count.
     */
    public LoadResult load(Path file, long nowMillis) {
        if (!Files.exists(file)) {
            return new LoadResult(null, 0);
        }
        long nowMinute = Math.floorDiv(nowMillis, 60_000L);
        Map<String, TreeMap<Long, long[]>> read = new TreeMap<>();
        int future = 0;
        try (InputStream is = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(is))) {
            if (in.readInt() != MAGIC) {
                return new LoadResult(file + " is not an SLO window file (wrong magic number)", 0);
            }
            in.readLong();
            int n = in.readInt();
            if (n < 0 || n > 16) {
                return new LoadResult(file + " is corrupt (" + n + " rings)", 0);
            }
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                int fields = in.readInt();
                int used = in.readInt();
                if (fields < 1 || fields > 16 || used < 0 || used > MINUTES) {
                    return new LoadResult(
                            file + " is corrupt (ring " + name + ": " + fields + " fields, " + used + " minutes)", 0);
                }
                TreeMap<Long, long[]> byMinute = new TreeMap<>();
                for (int u = 0; u < used; u++) {
                    long minute = in.readLong();
                    long[] v = new long[fields];
                    for (int f = 0; f < fields; f++) {
                        v[f] = in.readLong();
                        if (v[f] < 0) {
                            return new LoadResult(file + " is corrupt (a negative count in ring " + name + ")", 0);
                        }
                    }
                    if (minute > nowMinute) {
                        future++;
                    } else {
                        byMinute.put(minute, v);
                    }
                }
                Ring r = rings.get(name);
                if (r != null && r.fields == fields) {
                    read.put(name, byMinute);
                }
            }
            if (in.read() != -1) {
                return new LoadResult(file + " is corrupt (bytes after the last ring)", 0);
            }
        } catch (EOFException e) {
            return new LoadResult(file + " is truncated or empty", 0);
        } catch (IOException | RuntimeException e) {
            return new LoadResult(file + " cannot be read: " + e.getMessage(), 0);
        }
        for (Map.Entry<String, TreeMap<Long, long[]>> e : read.entrySet()) {
            Ring r = rings.get(e.getKey());
            synchronized (r) {
                for (Map.Entry<Long, long[]> m : e.getValue().entrySet()) {
                    int slot = r.slot(m.getKey());
                    for (int f = 0; f < r.fields; f++) {
                        r.add(slot, f, m.getValue()[f]);
                    }
                }
            }
        }
        return new LoadResult(null, future);
    }

    /**
     * Counts per minute in a ring of {@link #MINUTES} slots, with running totals, so the sum over any
     * window is two lookups however long the window. Every minute up to the latest one is present
     * (minutes without events hold zeros), which keeps the running totals defined everywhere.
     */
    private static final class Ring {
        final int fields;
        final long[] counts;
        final long[] cumulative;
        final long[] minutes = new long[MINUTES];
        long latest = Long.MIN_VALUE;

        Ring(int fields) {
            this.fields = fields;
            this.counts = new long[MINUTES * fields];
            this.cumulative = new long[MINUTES * fields];
            Arrays.fill(minutes, Long.MIN_VALUE);
        }

        boolean nonEmpty(int s) {
            if (minutes[s] == Long.MIN_VALUE) {
                return false;
            }
            for (int f = 0; f < fields; f++) {
                if (counts[s * fields + f] != 0) {
                    return true;
                }
            }
            return false;
        }

        private static int index(long minute) {
            return (int) Math.floorMod(minute, (long) MINUTES);
        }

        /** Makes every minute up to {@code minute} present, carrying the running totals forward. */
        private void advanceTo(long minute) {
            if (latest == Long.MIN_VALUE) {
                latest = minute - 1;
                int s = index(minute);
                minutes[s] = minute;
                Arrays.fill(counts, s * fields, s * fields + fields, 0L);
                Arrays.fill(cumulative, s * fields, s * fields + fields, 0L);
                latest = minute;
                return;
            }
            long start = Math.max(latest + 1, minute - MINUTES + 1);
            int prev = index(latest);
            for (long m = start; m <= minute; m++) {
                int s = index(m);
                for (int f = 0; f < fields; f++) {
                    counts[s * fields + f] = 0;
                    cumulative[s * fields + f] = cumulative[prev * fields + f];
                }
                minutes[s] = m;
                prev = s;
            }
            latest = Math.max(latest, minute);
        }

        /** The slot of {@code minute}, made present; -1 if it is older than the history kept. */
        int slot(long minute) {
            if (latest == Long.MIN_VALUE || minute > latest) {
                advanceTo(minute);
            }
            if (minute <= latest - MINUTES) {
                return -1;
            }
            return index(minute);
        }

        void add(int slot, int field, long n) {
            if (slot < 0 || n == 0) {
                return;
            }
            counts[slot * fields + field] += n;
            // Events normally land in the latest minute; one for an older minute moves the totals after it too.
            long m = minutes[slot];
            for (long k = m; k <= latest; k++) {
                cumulative[index(k) * fields + field] += n;
            }
        }

        /** The running total up to and including {@code minute}. */
        private long totalUpTo(long minute, int field) {
            if (latest == Long.MIN_VALUE) {
                return 0;
            }
            long oldest = latest - MINUTES + 1;
            if (minute < oldest) {
                int s = index(oldest);
                return cumulative[s * fields + field] - counts[s * fields + field];
            }
            return cumulative[index(Math.min(minute, latest)) * fields + field];
        }

        long sum(long from, long to, int field) {
            if (latest == Long.MIN_VALUE || to < from) {
                return 0;
            }
            return totalUpTo(to, field) - totalUpTo(from - 1, field);
        }
    }
}
