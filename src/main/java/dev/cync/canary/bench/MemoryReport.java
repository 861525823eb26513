package dev.cync.canary.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What {@code bench --memory} weighed: the controller's heap after a full collection, before the
 * fleet, with it connected, and after one command per device through each transport. Property
 * names are the JSON names of {@code bench --memory}.
 *
 * @param devicesRequested simulated devices asked for
 * @param devicesConnected devices connected when the heap was weighed
 * @param allConnected every device connected within three minutes
 * @param heapBeforeBytes heap before the fleet started
 * @param heapConnectedIdleBytes heap with the fleet connected and idle
 * @param heapAfterOneCommandEachBytes heap after one command per device through each transport
 * @param commandsSucceeded of those commands, the ones that succeeded
 * @param java the JVM's version
 */
@JsonPropertyOrder({
    "devices_requested",
    "devices_connected",
    "all_connected",
    "heap_before_bytes",
    "heap_connected_idle_bytes",
    "heap_after_one_command_each_bytes",
    "commands_succeeded",
    "bytes_per_device_idle",
    "bytes_per_device_after_commands",
    "java"
})
public record MemoryReport(
        @JsonProperty("devices_requested") int devicesRequested,
        @JsonProperty("devices_connected") int devicesConnected,
        @JsonProperty("all_connected") boolean allConnected,
        @JsonProperty("heap_before_bytes") long heapBeforeBytes,
        @JsonProperty("heap_connected_idle_bytes") long heapConnectedIdleBytes,
        @JsonProperty("heap_after_one_command_each_bytes") long heapAfterOneCommandEachBytes,
        @JsonProperty("commands_succeeded") long commandsSucceeded,
        @JsonProperty("java") String java) {

    /** Heap per connected device, idle, over the heap before the fleet; null when none connected. */
    @JsonProperty("bytes_per_device_idle")
    public Long bytesPerDeviceIdle() {
        return devicesConnected == 0 ? null : (heapConnectedIdleBytes - heapBeforeBytes) / devicesConnected;
    }

    /** Heap per connected device after the commands, over the heap before the fleet; null when none connected. */
    @JsonProperty("bytes_per_device_after_commands")
    public Long bytesPerDeviceAfterCommands() {
        return devicesConnected == 0 ? null : (heapAfterOneCommandEachBytes - heapBeforeBytes) / devicesConnected;
    }
}
