package dev.cync.canary.support;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state directory's memory of itself ({@code state-marker.json}): when the controller first
 * started here, and the last generation written of each state file. With it, a state file that is
 * missing, unreadable or older than the last one written is told apart from a first start, so it
 * can never silently loosen the canary (docs/design.md rule 8): the owner of the file refuses to start
 * with one line naming the file and the way out ({@code --reset-state FILE}, which the owner
 * audits) instead of starting from defaults. The owners ({@code FileFlagStore},
 * {@code RolloutController}) read their files and compare what they find with {@link #generation}.
 *
 * <p>A file enters the marker at its first write. A crash between writing a file and writing the
 * marker leaves the file newer than the marker, which is accepted; the marker is never written
 * ahead of its file.
 *
 * <p>Thread-safety: one instance per state directory, shared by every file's owner; its methods
 * are serialised on the instance (a leaf lock: nothing else is taken while it is held).
 */
public final class StateMarker {

    private static final Logger log = LoggerFactory.getLogger(StateMarker.class);
    public static final String FILE = "state-marker.json";

    /** The marker file's content. */
    record Content(
            @JsonProperty("first_start") String firstStart,
            @JsonProperty("files") Map<String, Long> files) {}

    private final Path dir;
    private final DurableFiles.Writer writer;
    private final Set<String> reset;
    private final ObjectMapper json = Json.mapper();
    private final String firstStartAt;
    private final Map<String, Long> generations = new TreeMap<>();
    private boolean dirty;
    private long failures;

    private StateMarker(
            Path dir,
            DurableFiles.Writer writer,
            Set<String> reset,
            String firstStartAt,
            Map<String, Long> generations) {
        this.dir = dir;
        this.writer = writer;
        this.reset = Set.copyOf(reset);
        this.firstStartAt = firstStartAt;
        this.generations.putAll(generations);
    }

    /**
     * Opens the marker of {@code dir}, creating the directory and the marker on a first start.
     *
     * @param now the time of this start, as text (this package has no clock)
     * @param stateFiles the names of the state files kept in {@code dir}: when the marker is absent
     *     but one of them exists, the directory predates the marker and is adopted as it is
     * @param reset the files the operator asked to start afresh ({@code --reset-state})
     */
    public static StateMarker open(
            Path dir, String now, Collection<String> stateFiles, Set<String> reset, DurableFiles.Writer writer)
            throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        if (Files.exists(file) && !reset.contains(FILE)) {
            Content c;
            try {
                c = Json.mapper().readValue(file.toFile(), Content.class);
            } catch (JacksonException e) {
                c = null;
            }
            if (c == null || c.firstStart() == null || c.files() == null) {
                throw new StateFileException(
                        "state file " + file + " is unreadable; the controller will not guess what this state "
                                + "directory held. If it is the right directory, start once with --reset-state " + FILE
                                + " to rebuild the marker from the files present");
            }
            return new StateMarker(dir, writer, reset, c.firstStart(), c.files());
        }
        boolean existing = stateFiles.stream().anyMatch(f -> Files.exists(dir.resolve(f)));
        StateMarker m = new StateMarker(dir, writer, reset, now, Map.of());
        if (existing) {
            log.warn("state directory {} has state files but no {}: adopting them as they are from now on", dir, FILE);
        }
        m.dirty = true;
        m.flush();
        return m;
    }

    /** True when the operator asked for {@code name} to start afresh. */
    public boolean resetRequested(String name) {
        return reset.contains(name);
    }

    /** The last generation written of {@code name}, or -1 if it was never written here. */
    public synchronized long generation(String name) {
        return generations.getOrDefault(name, -1L);
    }

    /** The refusal for a state file that cannot be trusted: one line, the file, the way out. */
    public StateFileException problem(String name, String what) {
        return new StateFileException(
                "state file " + dir.resolve(name) + " " + what + "; the controller refuses to start rather "
                        + "than loosen the canary. Restore the file, or start once with --reset-state " + name
                        + " to begin it afresh at 0% (audited)");
    }

    /** Records that generation {@code generation} of {@code name} is on disk; the marker follows it. */
    public synchronized void written(String name, long generation) {
        Long old = generations.put(name, generation);
        if (old == null || old != generation) {
            dirty = true;
        }
        flush();
    }

    /** Marker writes that failed (each is retried with the next write). */
    public synchronized long failures() {
        return failures;
    }

    private synchronized void flush() {
        if (!dirty) {
            return;
        }
        try {
            writer.replace(
                    dir.resolve(FILE),
                    json.writerWithDefaultPrettyPrinter()
                            .writeValueAsBytes(new Content(firstStartAt, new TreeMap<>(generations))));
            dirty = false;
        } catch (IOException e) {
            failures++;
            log.error("could not write {} in {}: {}; retried with the next state write", FILE, dir, e.toString());
        }
    }
}
