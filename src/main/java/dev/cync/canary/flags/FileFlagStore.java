package dev.cync.canary.flags;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.cync.canary.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flags in the state directory: {@code flags.json} (the current state) and {@code audit.jsonl}
 * (one JSON object per change, append-only).
 *
 * <p>Crash safety. A change is committed by writing the new state to a temporary file, forcing it
 * to disk, renaming it over {@code flags.json} (atomic on POSIX) and forcing the directory: a crash
 * at any instant leaves the old state or the new one, never a mix. The audit line is appended
 * after the commit; the state also carries its own audit entry, so if the process dies between the
 * two, the next start appends the missing line. A torn last audit line (a crash mid-append) is
 * cut off at start, and said so in the log.
 *
 * <p>Thread-safety: changes are serialised on this object; {@link #current} is a volatile read.
 */
public final class FileFlagStore implements FlagStore {

    private static final Logger log = LoggerFactory.getLogger(FileFlagStore.class);
    static final String STATE = "flags.json";
    static final String AUDIT = "audit.jsonl";

    private final Path dir;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final List<Consumer<FlagState>> listeners = new CopyOnWriteArrayList<>();
    private volatile FlagState current;

    private FileFlagStore(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /** Opens the store in {@code dir}, creating it, recovering from a crash if one happened. */
    public static FileFlagStore open(Path dir, Clock clock) throws IOException {
        FileFlagStore s = new FileFlagStore(dir, clock);
        Files.createDirectories(dir);
        s.load();
        return s;
    }

    private void load() throws IOException {
        Path state = dir.resolve(STATE);
        current = Files.exists(state) ? json.readValue(state.toFile(), FlagState.class) : FlagState.initial(clock.instant());
        long lastAudited = repairAudit();
        AuditEntry pending = current.lastChange();
        if (pending != null && pending.version() > lastAudited) {
            appendAudit(pending);
            log.warn("recovered audit entry {} ({}), committed before an unclean stop", pending.version(), pending.action());
        }
    }

    /** Cuts a torn last line off the audit log; returns the last audited version. */
    private long repairAudit() throws IOException {
        Path audit = dir.resolve(AUDIT);
        if (!Files.exists(audit)) {
            return 0;
        }
        byte[] bytes = Files.readAllBytes(audit);
        int end = bytes.length;
        int lastNewline = -1;
        for (int i = end - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                lastNewline = i;
                break;
            }
        }
        if (lastNewline != end - 1) {
            try (FileChannel ch = FileChannel.open(audit, StandardOpenOption.WRITE)) {
                ch.truncate(lastNewline + 1L);
                ch.force(true);
            }
            log.warn("audit log ended in a torn line ({} bytes, from an unclean stop); cut it off", end - lastNewline - 1);
        }
        List<AuditEntry> all = readAudit(Integer.MAX_VALUE);
        return all.isEmpty() ? 0 : all.get(all.size() - 1).version();
    }

    @Override
    public FlagState current() {
        return current;
    }

    @Override
    public FlagState update(String actor, String reason, java.util.function.Function<FlagState, FlagChange> change) {
        FlagState next;
        synchronized (this) {
            FlagChange c = change.apply(current);
            next = change(actor, c.action(), c.oldValue(), c.newValue(), reason, b -> FlagStamp.fields(b, c.next()));
        }
        return next;
    }

    @Override
    public synchronized FlagState change(String actor, String action, String oldValue, String newValue, String reason,
            UnaryOperator<FlagState.Builder> edit) {
        FlagState before = current;
        AuditEntry entry = new AuditEntry(before.version() + 1, clock.instant(), actor, action, oldValue, newValue,
                reason == null ? "" : reason);
        FlagState next = edit.apply(before.edit()).build(entry.at(), actor, entry);
        try {
            writeState(next);
            current = next;
            appendAudit(entry);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist the flags in " + dir + ": " + e.getMessage(), e);
        }
        for (Consumer<FlagState> l : listeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                log.error("a flag listener failed after change {}; the change stands", next.version(), e);
            }
        }
        return next;
    }

    private void writeState(FlagState s) throws IOException {
        AtomicFiles.write(dir.resolve(STATE), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(s));
    }

    private void appendAudit(AuditEntry e) throws IOException {
        byte[] line = (json.writeValueAsString(e) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(dir.resolve(AUDIT), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(line));
            ch.force(true);
        }
    }

    @Override
    public List<AuditEntry> audit(int limit) {
        try {
            return readAudit(limit);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit log in " + dir, e);
        }
    }

    private List<AuditEntry> readAudit(int limit) throws IOException {
        Path audit = dir.resolve(AUDIT);
        if (!Files.exists(audit)) {
            return List.of();
        }
        ArrayDeque<AuditEntry> last = new ArrayDeque<>();
        for (String line : Files.readAllLines(audit, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            last.addLast(json.readValue(line, AuditEntry.class));
            if (last.size() > limit) {
                last.removeFirst();
            }
        }
        return new ArrayList<>(last);
    }

    @Override
    public void addListener(Consumer<FlagState> listener) {
        listeners.add(listener);
    }

    public Path directory() {
        return dir;
    }
}
