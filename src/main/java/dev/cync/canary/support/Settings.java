package dev.cync.canary.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw new IllegalArgumentException(where(key) + ": must be a number, got '" + v.asText() + "'");
        }
        return v.doubleValue();
    }

    /** {@link #integer(String, int)} within {@code min..max}, both included. */
    public int integer(String key, int dflt, int min, int max) {
        int v = integer(key, dflt);
        if (v < min || v > max) {
            throw invalid(key, "must be a whole number from " + min + " to " + max + ", got " + v);
        }
        return v;
    }

    /**
     * A number exactly as written (99.9 stays 99.9, no binary rounding), for values held in fixed
     * point such as percentages; null when absent.
     */
    public BigDecimal decimal(String key) {
        JsonNode v = value(key);
        if (v == null) {
            return null;
        }
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw invalid(key, "must be a number, got '" + v.asText() + "'");
        }
        return v.decimalValue();
    }

    /** One of {@code allowed}, spelt exactly. */
    public String oneOf(String key, String dflt, String... allowed) {
        String v = string(key, dflt);
        if (v != null && !Arrays.asList(allowed).contains(v)) {
            throw invalid(key, "must be " + or(allowed) + ", got '" + v + "'");
        }
        return v;
    }

    private static String or(String... words) {
        return words.length == 1
                ? words[0]
                : String.join(", ", Arrays.asList(words).subList(0, words.length - 1)) + " or "
                        + words[words.length - 1];
    }

    /** The error for a required key that is absent; {@code example} shows what to write, like "30d". */
    public IllegalArgumentException missing(String key, String example) {
        return invalid(key, "required, like " + example);
    }

    /** An error about {@code key} of this section, naming its whole path: {@code autoRollback.windows[1]: ...}. */
    public IllegalArgumentException invalid(String key, String message) {
        return new IllegalArgumentException(where(key) + ": " + message);
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
        List<Settings> items = new ArrayList<>();
        for (JsonNode item : array(key)) {
            items.add(new Settings(where(key) + "[" + items.size() + "]", item));
        }
        return items;
    }

    /** A list of durations ({@code [10m, 1h, 6h]}); empty when the key is absent. */
    public List<Duration> durations(String key) {
        List<Duration> out = new ArrayList<>();
        for (JsonNode item : array(key)) {
            String at = where(key) + "[" + out.size() + "]";
            if (!item.isValueNode() || item.isNull()) {
                throw new IllegalArgumentException(at + ": must be a duration like 10m, got "
                        + item.getNodeType().name().toLowerCase(Locale.ROOT));
            }
            try {
                out.add(Durations.parse(item.asText()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * A name, and its settings when it has any: one item of a list written as {@code - name} or
     * {@code - name: {settings}}. The settings of a bare name are an absent section.
     */
    public record Named(String name, Settings settings) {}

    /** A list whose items are names with optional settings ({@code gates: [slos_met, {slos_met_for: {duration: 7d}}]}). */
    public List<Named> namedList(String key) {
        List<Named> out = new ArrayList<>();
        for (JsonNode item : array(key)) {
            String at = where(key) + "[" + out.size() + "]";
            if (item.isTextual()) {
                out.add(new Named(item.asText(), new Settings(at + "." + item.asText(), null)));
            } else if (item.isObject() && item.size() == 1) {
                Map.Entry<String, JsonNode> e = item.fields().next();
                out.add(new Named(e.getKey(), new Settings(at + "." + e.getKey(), e.getValue())));
            } else {
                throw new IllegalArgumentException(at + ": must be a name or {name: {settings}}, got " + item);
            }
        }
        return out;
    }

    private List<JsonNode> array(String key) {
        JsonNode v = value(key);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            throw invalid(key, "must be a list, got " + v.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        List<JsonNode> items = new ArrayList<>();
        v.forEach(items::add);
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
