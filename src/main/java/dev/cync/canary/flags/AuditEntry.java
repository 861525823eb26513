package dev.cync.canary.flags;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** One line of the append-only audit log: who changed what, from what, to what, and why. */
public record AuditEntry(
        @JsonProperty("version") long version,
        @JsonProperty("at") Instant at,
        @JsonProperty("actor") String actor,
        @JsonProperty("action") String action,
        @JsonProperty("old") String oldValue,
        @JsonProperty("new") String newValue,
        @JsonProperty("reason") String reason) {}
