package dev.cync.canary.rollout;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cync.canary.support.DurableFiles;
import dev.cync.canary.support.Json;
import dev.cync.canary.support.StateFileException;
import dev.cync.canary.support.StateMarker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollout state of one machine: {@code rollout.json} in the state directory, replaced
 * atomically through {@link DurableFiles}, carrying a generation that the {@link StateMarker}
 * remembers. A file that is missing where it existed, unreadable, stale, of another plan or in a
 * stage the plan lacks refuses the start, unless the operator starts with {@code --reset-state
 * rollout.json}: then {@link #open} says why it was dropped and the controller starts the plan again.
 *
 * <p>The format is the {@link RolloutState} record as JSON plus a {@code generation} field; an
 * unknown event word is refused by name ({@link RolloutEvent#of}). Not thread-safe: the rollout
 * controller calls it under its monitor.
 */
public final class RolloutStateFile implements RolloutStateStore {

    private static final Logger log = LoggerFactory.getLogger(RolloutStateFile.class);
    /** The file's name in the state directory (and in the marker and {@code --reset-state}). */
    public static final String NAME = "rollout.json";
    /**
     * The stage clock is written every this many ticks (transitions at once): a crash costs at most
     * ten minutes of a stage's watched time, not a forced write every minute.
     */
    static final int WRITE_EVERY_TICKS = 10;

    private final Path file;
    private final StateMarker marker;
    private final DurableFiles.Writer writer;
    private final ObjectMapper json = Json.state();
    private long generation;

    /**
     * @param file {@code rollout.json}
     * @param marker the state directory's marker (null: no marker, e.g. a test's own directory)
     * @param writer how the state reaches the disk
     */
    public RolloutStateFile(Path file, StateMarker marker, DurableFiles.Writer writer) {
        this.file = file;
        this.marker = marker;
        this.writer = writer;
    }

    /** The saved state, checked as at a start but against no plan; a file that cannot be trusted throws. */
    @Override
    public Optional<RolloutState> load() throws IOException {
        return Optional.ofNullable(read(null).state());
    }

    @Override
    public Found open(RolloutPlan plan) throws IOException {
        return read(plan);
    }

    private Found read(RolloutPlan plan) throws IOException {
        long lastWritten = marker == null ? -1 : marker.generation(NAME);
        boolean reset = marker != null && marker.resetRequested(NAME);
        String problem = null;
        RolloutState state = null;
        if (Files.exists(file)) {
            try {
                JsonNode tree = json.readTree(file.toFile());
                if (tree == null || !tree.isObject()) {
                    problem = "is empty or not a JSON object";
                } else {
                    RolloutState loaded = json.treeToValue(tree, RolloutState.class);
                    long found = tree.path("generation").asLong(0);
                    problem = plan == null ? null : planMismatch(loaded, plan);
                    if (problem == null && found < lastWritten) {
                        problem = "holds generation " + found + ", older than the last one written here (" + lastWritten
                                + "): it is a stale copy";
                    } else if (problem == null) {
                        state = loaded;
                        generation = found;
                    }
                }
            } catch (JacksonException | IllegalArgumentException e) {
                problem = "is unreadable (" + e.getMessage().replaceAll("\\s+", " ") + ")";
            }
        } else if (lastWritten >= 0) {
            problem = "is missing, but this state directory has held it (" + StateMarker.FILE + ")";
        }
        if (problem == null) {
            if (reset) {
                log.warn("--reset-state {}: the file is readable and current (or new), so nothing was reset", NAME);
            }
            return new Found(state, null);
        }
        if (!reset) {
            if (marker != null) {
                throw marker.problem(NAME, problem);
            }
            throw new StateFileException("state file " + file + " " + problem
                    + "; the controller refuses to start rather than loosen the canary");
        }
        // The next write must outrank every generation the marker has seen, or the next start takes it for stale.
        generation = Math.max(generation, lastWritten);
        return new Found(null, problem);
    }

    /**
     * Why {@code loaded} cannot continue {@code plan} (no plan or status, another plan, a stage the
     * plan lacks), or null when it can. The file and the shared store refuse the same states.
     */
    static String planMismatch(RolloutState loaded, RolloutPlan plan) {
        if (loaded.plan() == null || loaded.status() == null) {
            return "lacks its plan or status";
        }
        if (!loaded.plan().equals(plan.name())) {
            return "belongs to plan '" + loaded.plan() + "', not '" + plan.name() + "'";
        }
        if (loaded.stage() < 0 || loaded.stage() >= plan.stages().size()) {
            return "is in stage " + loaded.stage() + ", which plan " + plan.name() + " does not have";
        }
        return null;
    }

    /** Replaces the file with {@code s} under the next generation; the generation moves only once it is on disk. */
    @Override
    public void save(RolloutState s) throws IOException {
        ObjectNode tree = json.valueToTree(s);
        tree.put("generation", generation + 1);
        writer.replace(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree));
        generation++;
        if (marker != null) {
            marker.written(NAME, generation);
        }
    }

    @Override
    public int writeEveryTicks() {
        return WRITE_EVERY_TICKS;
    }

    @Override
    public String describe() {
        return "the rollout state to " + file;
    }
}
