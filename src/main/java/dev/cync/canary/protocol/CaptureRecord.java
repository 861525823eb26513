package dev.cync.canary.protocol;

import java.time.LocalDateTime;
import java.util.List;

/**
 * One read or write recorded by the capture proxy.
 *
 * @param line the 1-based line number of the record's header line
 * @param direction {@code "DEV→CLOUD"} or {@code "CLOUD→DEV"}, exactly as in the file
 * @param tags bracketed tags such as {@code INJECTED}, without brackets
 */
public record CaptureRecord(int line, LocalDateTime timestamp, String direction, List<String> tags, Bytes bytes) {

    public static final String DEVICE_TO_CLOUD = "DEV→CLOUD";
    public static final String CLOUD_TO_DEVICE = "CLOUD→DEV";

    public CaptureRecord {
        tags = List.copyOf(tags);
    }

    public boolean fromDevice() {
        return DEVICE_TO_CLOUD.equals(direction);
    }
}
