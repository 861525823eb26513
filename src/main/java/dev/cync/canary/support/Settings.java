package dev.cync.canary.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads one section of a YAML config file with precise errors: each value is checked for its type
 * as it is read, and {@link #finish} refuses keys nobody read (a misspelt setting is an error, not
 * a silently ignored line).
 */
public final class Settings {

    private final String path;
    private final JsonNode node;
    private final Set<String> read = new LinkedHashSet<>();

    public Settings(String path, JsonNode node) {
        this.path = path;
        this.node = node == null || node.isNull() || node.isMissingNode() ? MissingNode.getInstance() : node;
        if (!this.node.isMissingNode() && !this.node.isObject()) {
            throw new IllegalArgumentException(where("") + ": must be a section of settings, got "
                    + node.getNodeType().name().toLowerCase());
        }
    }

    public Settings section(String key) {
        read.add(key);
        return new Settings(where(key), node.get(key));
    }

    private String where(String key) {
        return path.isEmpty() ? key : key.isEmpty() ? path : path + "." + key;
    }

    private JsonNode value(String key) {
        read.add(key);
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    public String string(String key, String dflt) {
        JsonNode v = value(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isValueNode()) {
            throw new IllegalArgumentException(where(key) + ": must be a single value");
        }
        return v.asText();
    }

    public int integer(String key, int dflt) {
        JsonNode v = value(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(where(key) + ": must be a whole number, got '" + v.asText() + "'");
        }
        return v.intValue();
    }

    public double number(String key, double dflt) {
        JsonNode v = value(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(where(key) + ": must be a number, got '" + v.asText() + "'");
        }
        return v.doubleValue();
    }

    public boolean bool(String key, boolean dflt) {
        JsonNode v = value(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(where(key) + ": must be true or false, got '" + v.asText() + "'");
        }
        return v.booleanValue();
    }

    public Duration duration(String key, Duration dflt) {
        JsonNode v = value(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Durations.parse(v.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where(key) + ": " + e.getMessage(), e);
        }
    }

    /** Where this section is in the file: {@code transports.new}, {@code faults[2]}. */
    public String path() {
        return path;
    }

    /** True when this section is in the file (a missing section reads every value as its default). */
    public boolean present() {
        return !node.isMissingNode();
    }

    /** A number that has no default: null when the key is absent. */
    public Double optionalNumber(String key) {
        return value(key) == null ? null : number(key, 0);
    }

    /** A value whose shape the caller checks itself (a string or a section); null when absent. */
    public JsonNode raw(String key) {
        return value(key);
    }

    /** A list of sections ({@code key[0]}, {@code key[1]}, ...); empty when the key is absent. */
    public List<Settings> list(String key) {
        JsonNode v = value(key);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException(where(key) + ": must be a list, got "
                    + v.getNodeType().name().toLowerCase());
        }
        List<Settings> items = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            items.add(new Settings(where(key) + "[" + i + "]", v.get(i)));
        }
        return items;
    }

    /** Fails on keys that were never read. */
    public void finish() {
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!read.contains(k)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown setting" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown.stream().map(this::where).toList())
                    + (read.isEmpty() ? "" : "; the settings here are: " + String.join(", ", read)));
        }
    }
}
