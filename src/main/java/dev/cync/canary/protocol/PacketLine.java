package dev.cync.canary.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.LocalDateTime;
import java.util.Map;

/**
 * One packet of a capture as {@code cync-canary capture --packets} prints it. Fields a packet does
 * not have are null (and left out of the JSON).
 *
 * @param receiptKey bytes 5..11 as 14 hex digits (data packets)
 * @param inner the inner frame as {@code "f8 d0 seq 21"} (framed packets)
 * @param target the target mesh id of a server request
 * @param state what the packet says of device state: {@code setting} of a command, or the fields
 *     of a 0x83 own state / 0x43 entries
 * @param checksum {@code ok}, {@code bad}, or null for packets without a frame; {@code malformed}
 *     when the packet did not decode
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
    "line",
    "time",
    "direction",
    "type",
    "size",
    "endpoint",
    "receipt_key",
    "inner",
    "target",
    "state",
    "checksum",
    "note"
})
public record PacketLine(
        @JsonProperty("line") int line,
        @JsonProperty("time") LocalDateTime time,
        @JsonProperty("direction") String direction,
        @JsonProperty("type") String type,
        @JsonProperty("size") int size,
        @JsonProperty("endpoint") String endpoint,
        @JsonProperty("receipt_key") String receiptKey,
        @JsonProperty("inner") String inner,
        @JsonProperty("target") Integer target,
        @JsonProperty("state") Map<String, Object> state,
        @JsonProperty("checksum") String checksum,
        @JsonProperty("note") String note) {

    /** The table form: one line, fields separated by two spaces, absent ones left out. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(time)
                .append("  ")
                .append(direction)
                .append("  ")
                .append(type)
                .append(" (")
                .append(size)
                .append(" bytes)");
        if (endpoint != null) {
            sb.append("  endpoint ").append(endpoint);
        }
        if (receiptKey != null) {
            sb.append("  key ").append(receiptKey);
        }
        if (inner != null) {
            sb.append("  inner ").append(inner);
        }
        if (target != null) {
            sb.append("  target ").append(target);
        }
        if (state != null && !state.isEmpty()) {
            sb.append("  ").append(state);
        }
        if (checksum != null) {
            sb.append("  checksum ").append(checksum);
        }
        if (note != null) {
            sb.append("  ").append(note);
        }
        return sb.toString();
    }
}
