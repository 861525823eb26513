package dev.cync.canary.support;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the project's YAML files (the controller config, the SLO file, rollout plans, scenarios):
 * a given file, or the copy built into the jar, with the same clear errors for all of them. It
 * sits in the base package with {@link Durations} and {@link Validate}, which every layer may use.
 */
public final class YamlFiles {

    /** A parsed file and how to name it in messages ("slo.yaml", "the built-in plan"). */
    public record Source(JsonNode root, String name) {}

    private YamlFiles() {}

    /**
     * @param file the file to read, or null for {@code resource} inside the jar
     * @param what what the file is, for messages: "SLO file", "plan file", ...
     * @param builtIn how to name the built-in copy in messages
     */
    public static Source read(Path file, String resource, String what, String builtIn) throws IOException {
        String name = file == null ? builtIn : file.toString();
        try (InputStream in =
                file == null ? YamlFiles.class.getResourceAsStream(resource) : Files.newInputStream(file)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            // A key given twice is refused (it is a mistake either way, and last-wins hides it).
            return new Source(Json.yaml().readTree(in), name);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such " + what);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(name + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null
                            ? ""
                            : " (line " + e.getLocation().getLineNr() + ")"));
        }
    }
}
