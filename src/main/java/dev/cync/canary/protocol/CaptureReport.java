package dev.cync.canary.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.SortedMap;

/**
 * What {@link CaptureAnalyzer} found in one capture file. Field names are the JSON names of
 * {@code cync-canary capture --json}. Every packet whose header and length are right is counted in
 * {@code packets_total}, {@code by_type} and {@code by_direction} (malformed ones too, which are
 * also counted in {@code malformed}), so {@code packets_total} = sum of {@code by_type} = sum of
 * {@code by_direction}.
 */
@JsonPropertyOrder({
    "file",
    "records",
    "packets_total",
    "by_type",
    "by_direction",
    "checksum_valid",
    "checksum_invalid",
    "malformed",
    "records_with_trailing_bytes",
    "trailing_bytes",
    "not_cync_records",
    "commands_sent",
    "commands_acked",
    "ack_latency_ms",
    "executed",
    "executed_by_opcode",
    "parse_errors",
    "problems"
})
public record CaptureReport(
        @JsonProperty("file") String file,
        @JsonProperty("records") int records,
        @JsonProperty("packets_total") int packetsTotal,
        @JsonProperty("by_type") SortedMap<String, Integer> byType,
        @JsonProperty("by_direction") SortedMap<String, Integer> byDirection,
        @JsonProperty("checksum_valid") SortedMap<String, Integer> checksumValid,
        @JsonProperty("checksum_invalid") SortedMap<String, Integer> checksumInvalid,
        @JsonProperty("malformed") SortedMap<String, Integer> malformed,
        @JsonProperty("records_with_trailing_bytes") int recordsWithTrailingBytes,
        @JsonProperty("trailing_bytes") int trailingBytes,
        @JsonProperty("not_cync_records") int notCyncRecords,
        @JsonProperty("commands_sent") int commandsSent,
        @JsonProperty("commands_acked") int commandsAcked,
        @JsonProperty("ack_latency_ms") LatencySummary ackLatencyMs,
        @JsonProperty("executed") int executed,
        @JsonProperty("executed_by_opcode") SortedMap<String, Integer> executedByOpcode,
        @JsonProperty("parse_errors") int parseErrors,
        @JsonProperty("problems") List<String> problems) {

    /** Nearest-rank percentiles of the 0x73 -> 0x7B time, in milliseconds; all null when no ack matched. */
    @JsonPropertyOrder({"count", "p50", "p95", "p99", "max"})
    public record LatencySummary(
            @JsonProperty("count") int count,
            @JsonProperty("p50") Double p50,
            @JsonProperty("p95") Double p95,
            @JsonProperty("p99") Double p99,
            @JsonProperty("max") Double max) {}
}
