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
            throw new IllegalArgumentException(where("") + ": must be a section of settings, got " + node.getNodeType().name().toLowerCase());
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
