package dev.cync.canary.support;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one place where Jackson is set up, so every JSON the controller writes or reads (API
 * bodies, state files, reports, generated dashboards) follows the same conventions: times are
 * ISO-8601 text ({@code 2026-01-01T00:00:00Z}), never epoch numbers. Each call returns a new
 * mapper: a caller may add a feature of its own without changing anyone else's.
 */
public final class Json {

    private Json() {}

    /** Compact JSON, java.time values as ISO text; unknown properties are refused when binding. */
    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    /** {@link #mapper}, indented: reports and generated files that people read and diff. */
    public static ObjectMapper pretty() {
        return mapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    /**
     * {@link #mapper} for state files and shared state: a property this version does not know
     * (written by a newer one) is skipped, so a rollback to an older version can still read it.
     */
    public static ObjectMapper state() {
        return mapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** A YAML reader that refuses a key given twice (a mistake either way, and last-wins hides it). */
    public static ObjectMapper yaml() {
        return new ObjectMapper(new YAMLFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));
    }
}
