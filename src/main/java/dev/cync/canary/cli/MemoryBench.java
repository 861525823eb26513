package dev.cync.canary.cli;

import dev.cync.canary.app.CompositionRoot;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.support.Json;
import dev.cync.canary.time.SystemClock;
import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.DeviceCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code bench --memory}: the controller's heap per connected device. The fleet runs in a child
 * process (the same jar's {@code simulate}), so this heap holds the controller alone; one command
 * per device through each transport first, so per-device transport state exists when it is weighed.
 */
final class MemoryBench {

    private final BenchCommand bench;

    MemoryBench(BenchCommand bench) {
        this.bench = bench;
    }

    int run() throws Exception {
        SystemClock clock = SystemClock.utc();
        try (CompositionRoot controller = new CompositionRoot(bench.controllerConfig(), clock, Map.of()).start(false)) {
            long before = BenchCommand.heapAfterGc();
            String java = ProcessHandle.current()
                    .info()
                    .command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                            .toString());
            List<String> cmd = List.of(
                    java,
                    "-Xmx2g",
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName(),
                    "simulate",
                    "--server",
                    "127.0.0.1:" + controller.devices().plainPort(),
                    "--devices",
                    String.valueOf(bench.devices),
                    "--heartbeat",
                    "20s");
            Process child = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try {
                boolean all = Waits.until(
                        () -> controller.devices().registry().size() >= bench.devices,
                        Duration.ofMinutes(3),
                        Duration.ofMillis(200));
                int connected = controller.devices().registry().size();
                long idle = BenchCommand.heapAfterGc();
                long ok = 0;
                for (var transport : List.of(controller.legacy(), controller.reliable())) {
                    List<CompletableFuture<CommandOutcome>> fs = new ArrayList<>();
                    for (DeviceId id : controller.devices().registry().connectedIds()) {
                        fs.add(transport.send(DeviceCommand.power(id, true)));
                    }
                    CompletableFuture.allOf(fs.toArray(new CompletableFuture[0]))
                            .get();
                    ok += fs.stream().filter(f -> f.join().succeeded()).count();
                }
                long active = BenchCommand.heapAfterGc();
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("devices_requested", bench.devices);
                r.put("devices_connected", connected);
                r.put("all_connected", all);
                r.put("heap_before_bytes", before);
                r.put("heap_connected_idle_bytes", idle);
                r.put("heap_after_one_command_each_bytes", active);
                r.put("commands_succeeded", ok);
                r.put("bytes_per_device_idle", connected == 0 ? null : (idle - before) / connected);
                r.put("bytes_per_device_after_commands", connected == 0 ? null : (active - before) / connected);
                r.put("java", System.getProperty("java.version"));
                bench.out().println(Json.pretty().writeValueAsString(r));
                bench.out().flush();
                return all ? 0 : 1;
            } finally {
                child.destroy();
                child.waitFor();
            }
        }
    }
}
