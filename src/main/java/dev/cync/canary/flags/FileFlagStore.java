package dev.cync.canary.flags;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.support.DurableFiles;
import dev.cync.canary.support.Json;
import dev.cync.canary.support.StateMarker;
import dev.cync.canary.time.Clock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flags in the state directory: {@code flags.json} (the current state) and {@code audit.jsonl}
 * (one JSON object per change, append-only).
 *
 * <p>Memory first, disk second (docs/design.md rule 8). {@link #update} commits a change in memory and
 * tells the listeners (so the router follows at once), then persists it. When the disk refuses
 * (full, read-only, gone), the change still stands, the failure is counted and logged, and
 * {@link #persistence} says so until a retry ({@link #persistPending}, also run by every later
 * change) succeeds: a rollback is never lost to, nor blocked by, the disk.
 *
 * <p>Crash safety. The state is written through {@link DurableFiles#replace} (temporary file,
 * fsync, rename, fsync of the directory): a crash at any instant leaves the old state or the new
 * one. The audit line is appended after; the state also carries its own audit entry, so if the
 * process dies between the two, the next start appends the missing line. A torn last audit line (a
 * crash mid-append) is cut off at start, and said so in the log.
 *
 * <p>State that cannot be trusted never loosens the canary: a {@code flags.json} that is missing
 * where it existed before (the {@link StateMarker} or the audit log says so), unreadable, or older
 * than the last version written refuses the start with one line naming the file and the way out;
 * started with {@code --reset-state flags.json}, the store begins at 0% with the kill switch on and
 * a hold, audited as {@code reset_state}.
 *
 * <p>Threading and lock order: {@code lock} guards the in-memory state, the audit entries not yet
 * on disk and the order of notifications; it is a leaf (nothing else is called while it is held,
 * the change function aside, which is pure). {@code persistLock} serialises disk writes and may
 * take {@code lock} briefly inside it, never the reverse. Listeners are called holding neither, in
 * version order, by whichever changing thread finds no other delivering (so a listener may run on
 * another thread than the change's). {@link #current} is a volatile read.
 *
 * <p>Why one class: memory first, then disk, for one state file and its audit log.
 * Loading and repairing at start, committing, persisting and retrying share the two locks and their
 * order described above, which is the store's safety argument; splitting the disk half out would
 * split that lock order across classes. Listener delivery is {@code ListenerDelivery}, the durable
 * write {@link DurableFiles}.
 */
public final class FileFlagStore implements FlagStore {

    private static final Logger log = LoggerFactory.getLogger(FileFlagStore.class);
    public static final String STATE = "flags.json";
    public static final String AUDIT = "audit.jsonl";
    /** The audit action of a state reset by an operator ({@code --reset-state flags.json}). */
    public static final String RESET_STATE = "reset_state";

    static final String RESET_ACTOR = "operator:--reset-state";

    private final Path dir;
    private final Clock clock;
    private final StateMarker marker;
    private final DurableFiles.Writer writer;
    private final ObjectMapper json = Json.state();
    private final AuditTail tail = new AuditTail(json);
    private final ListenerDelivery delivery = new ListenerDelivery();
    private final Object lock = new Object();
    private final Object persistLock = new Object();
    private volatile FlagState current;
    /** Audit entries committed in memory, not yet appended to the log (guarded by {@code lock}). */
    private final ArrayDeque<AuditEntry> unaudited = new ArrayDeque<>();
    /** Guarded by {@code persistLock}. */
    private long persistedVersion = -1;

    private volatile PersistStatus status = PersistStatus.PERSISTED;

    private FileFlagStore(Path dir, Clock clock, StateMarker marker, DurableFiles.Writer writer) {
        this.dir = dir;
        this.clock = clock;
        this.marker = marker;
        this.writer = writer;
    }

    /** Opens the store in {@code dir} on the real disk, with its own state marker. */
    public static FileFlagStore open(Path dir, Clock clock) throws IOException {
        return open(
                dir,
                clock,
                StateMarker.open(dir, clock.instant().toString(), List.of(STATE, AUDIT), Set.of(), DurableFiles.DISK),
                DurableFiles.DISK);
    }

    /**
     * Opens the store in {@code dir}, recovering from a crash if one happened.
     *
     * @param marker the state directory's marker, shared with the other state files' owners
     * @param writer how state reaches the disk ({@link DurableFiles#DISK}; tests inject failures)
     * @throws dev.cync.canary.support.StateFileException when {@code flags.json} cannot be trusted
     */
    public static FileFlagStore open(Path dir, Clock clock, StateMarker marker, DurableFiles.Writer writer)
            throws IOException {
        FileFlagStore s = new FileFlagStore(dir, clock, marker, writer);
        Files.createDirectories(dir);
        s.load();
        return s;
    }

    private void load() throws IOException {
        Path state = dir.resolve(STATE);
        long lastAudited = repairAudit();
        long lastWritten = marker.generation(STATE);
        FlagState loaded = null;
        String problem = null;
        if (Files.exists(state)) {
            try {
                loaded = json.readValue(state.toFile(), FlagState.class);
                if (loaded == null) {
                    problem = "is empty";
                }
            } catch (JacksonException e) {
                problem = "is unreadable (" + oneLine(e.getOriginalMessage()) + ")";
            } catch (IllegalArgumentException e) {
                problem = "holds an invalid value (" + e.getMessage() + ")";
            }
            if (loaded != null && loaded.version() < Math.max(lastWritten, lastAudited)) {
                problem = "holds version " + loaded.version() + ", older than the last one written here ("
                        + Math.max(lastWritten, lastAudited) + "): it is a stale copy";
            }
        } else if (lastWritten >= 0 || lastAudited > 0) {
            problem = "is missing, but this state directory held flags up to version "
                    + Math.max(lastWritten, lastAudited) + " (" + StateMarker.FILE + ", " + AUDIT + ")";
        }
        if (problem != null) {
            if (!marker.resetRequested(STATE)) {
                throw marker.problem(STATE, problem);
            }
            reset(problem, Math.max(Math.max(lastWritten, lastAudited), loaded == null ? 0 : loaded.version()));
            return;
        }
        if (marker.resetRequested(STATE)) {
            log.warn("--reset-state {}: the file is readable and current, so nothing was reset", STATE);
        }
        current = loaded != null ? loaded : FlagState.initial(clock.instant());
        persistedVersion = loaded != null ? loaded.version() : -1;
        AuditEntry pending = current.lastChange();
        if (pending != null && pending.version() > lastAudited) {
            synchronized (lock) {
                unaudited.add(pending);
            }
            log.warn(
                    "recovering audit entry {} ({}), committed before an unclean stop",
                    pending.version(),
                    pending.action());
            persistPending();
        }
    }

    /** The operator's way out: 0%, kill switch on, held until an operator resumes; versions go on from the last one. */
    private void reset(String problem, long lastVersion) {
        Instant at = clock.instant();
        FlagState base = FlagState.initial(at);
        AuditEntry entry = new AuditEntry(
                lastVersion + 1,
                at,
                RESET_ACTOR,
                RESET_STATE,
                STATE + " " + problem,
                "0% (kill switch on, held until an operator resumes)",
                "started with --reset-state " + STATE);
        current = base.edit().killSwitch(true).rollbackSticky(true).build().committed(entry);
        synchronized (lock) {
            unaudited.add(entry);
        }
        log.warn(
                "--reset-state {}: the file {}; starting afresh at 0% with the kill switch on, held until an operator "
                        + "resumes (audited as version {})",
                STATE, problem, entry.version());
        persistPending();
    }

    /** Cuts a torn last line off the audit log; returns the last audited version. */
    private long repairAudit() {
        Path audit = dir.resolve(AUDIT);
        if (!Files.exists(audit)) {
            return 0;
        }
        try (FileChannel ch = FileChannel.open(audit, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long keep = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (keep > 0) {
                one.clear();
                ch.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            if (keep != size) {
                ch.truncate(keep);
                ch.force(true);
                log.warn("audit log ended in a torn line ({} bytes, from an unclean stop); cut it off", size - keep);
            }
        } catch (IOException e) {
            log.error("could not check the end of {}: {}", audit, e.toString());
        }
        try {
            AuditTail.Page last = tail.last(audit, 1);
            return last.entries().isEmpty() ? 0 : last.entries().get(0).version();
        } catch (IOException e) {
            log.error("could not read {}: {}", audit, e.toString());
            return 0;
        }
    }

    @Override
    public FlagState current() {
        return current;
    }

    @Override
    public FlagState update(String actor, String reason, Function<FlagState, FlagChange> change) {
        FlagState next;
        synchronized (lock) {
            FlagState before = current;
            FlagChange c = Objects.requireNonNull(change.apply(before), "a flag change function returned null");
            AuditEntry entry = new AuditEntry(
                    before.version() + 1,
                    clock.instant(),
                    actor,
                    c.action(),
                    c.oldValue(),
                    c.newValue(),
                    reason == null ? "" : reason);
            next = c.next().committed(entry);
            current = next;
            unaudited.addLast(entry);
            delivery.enqueue(next);
        }
        delivery.deliver();
        persistPending();
        return next;
    }

    /**
     * Writes what is committed in memory and not yet on disk: the state, then the audit lines.
     * Returns true when everything is persisted; a failure is counted, logged, and left for the next
     * call (every change calls it; the controller also calls it every few seconds).
     */
    public boolean persistPending() {
        synchronized (persistLock) {
            FlagState s = current;
            List<AuditEntry> entries;
            synchronized (lock) {
                entries = new ArrayList<>(unaudited);
            }
            if (s.version() <= persistedVersion && entries.isEmpty()) {
                return true;
            }
            try {
                if (s.version() > persistedVersion) {
                    writer.replace(
                            dir.resolve(STATE),
                            json.writerWithDefaultPrettyPrinter().writeValueAsBytes(s));
                    persistedVersion = s.version();
                    if (marker.generation(STATE) < 0) {
                        // The marker learns once that flags.json exists; a stale copy is caught by the audit log,
                        // whose last entry is never ahead of the flags: no second fsync'd write per change.
                        marker.written(STATE, s.version());
                    }
                }
                for (AuditEntry e : entries) {
                    writer.append(
                            dir.resolve(AUDIT), (json.writeValueAsString(e) + "\n").getBytes(StandardCharsets.UTF_8));
                    synchronized (lock) {
                        unaudited.removeFirst();
                    }
                }
            } catch (IOException | RuntimeException e) {
                PersistStatus was = status;
                status = new PersistStatus(
                        true,
                        was.failures() + 1,
                        oneLine(e.toString()),
                        was.failingSince() != null ? was.failingSince() : clock.instant());
                if (was.failingSince() == null || status.failures() % 100 == 0) {
                    log.error(
                            "could not persist the flags in {} ({} failure(s) so far): {}; the change stands in memory and "
                                    + "routing already follows it; retrying",
                            dir,
                            status.failures(),
                            status.lastError());
                }
                return false;
            }
            if (status.pending()) {
                log.warn(
                        "flags persisted again in {} after {} failure(s) since {}",
                        dir,
                        status.failures(),
                        status.failingSince());
                status = new PersistStatus(false, status.failures(), status.lastError(), null);
            }
            return true;
        }
    }

    @Override
    public PersistStatus persistence() {
        PersistStatus s = status;
        synchronized (lock) {
            boolean pending = !unaudited.isEmpty() || s.pending();
            return pending == s.pending()
                    ? s
                    : new PersistStatus(pending, s.failures(), s.lastError(), s.failingSince());
        }
    }

    @Override
    public List<AuditEntry> audit(int limit) {
        List<AuditEntry> out = new ArrayList<>();
        try {
            AuditTail.Page page = tail.last(dir.resolve(AUDIT), limit);
            if (page.skipped() > 0) {
                log.warn("{} unreadable line(s) in {} skipped", page.skipped(), dir.resolve(AUDIT));
            }
            out.addAll(page.entries());
        } catch (IOException e) {
            // The trail in memory (the entries the disk has not taken yet) is still worth showing.
            log.error(
                    "cannot read the audit log {}: {}; showing only the entries not yet written to it",
                    dir.resolve(AUDIT),
                    e.toString());
        }
        long lastOnDisk = out.isEmpty() ? 0 : out.get(out.size() - 1).version();
        synchronized (lock) {
            // Entries the disk has refused so far are still part of the trail.
            for (AuditEntry e : unaudited) {
                if (e.version() > lastOnDisk) {
                    out.add(e);
                }
            }
        }
        return out.size() > limit ? new ArrayList<>(out.subList(out.size() - limit, out.size())) : out;
    }

    @Override
    public void addListener(Consumer<FlagState> listener) {
        delivery.addListener(listener);
    }

    public Path directory() {
        return dir;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}
