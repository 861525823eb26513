package dev.cync.canary.bench;

import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.support.Waits;
import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.DeviceCommand;
import dev.cync.canary.transport.Transport;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code bench --memory}: the controller's heap per connected device. The fleet runs in a child
 * process (the same jar's {@code simulate}), so this heap holds the controller alone; one command
 * per device through each transport first, so per-device transport state exists when it is weighed.
 */
public final class MemoryBench {

    private final ChildJvm jvm;
    private final int devices;

    public MemoryBench(ChildJvm jvm, int devices) {
        this.jvm = jvm;
        this.devices = devices;
    }

    /** Weighs {@code target}'s heap before the fleet, with it connected, and after a command per device. */
    public MemoryReport run(BenchTarget target) throws Exception {
        long before = heapAfterGc();
        Process child = jvm.simulate(
                List.of("-Xmx2g"),
                List.of(
                        "--server",
                        "127.0.0.1:" + target.devicePort(),
                        "--devices",
                        String.valueOf(devices),
                        "--heartbeat",
                        "20s"));
        try {
            boolean all = Waits.until(
                    () -> target.devices().size() >= devices, Duration.ofMinutes(3), Duration.ofMillis(200));
            int connected = target.devices().size();
            long idle = heapAfterGc();
            long ok = 0;
            for (Transport transport : List.of(target.legacy(), target.reliable())) {
                List<CompletableFuture<CommandOutcome>> fs = new ArrayList<>();
                for (DeviceId id : target.devices().connectedIds()) {
                    fs.add(transport.send(DeviceCommand.power(id, true)));
                }
                CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).get();
                ok += fs.stream().filter(f -> f.join().succeeded()).count();
            }
            long active = heapAfterGc();
            return new MemoryReport(
                    devices, connected, all, before, idle, active, ok, System.getProperty("java.version"));
        } finally {
            child.destroy();
            child.waitFor();
        }
    }

    /** Heap used after a full collection, in bytes. */
    static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
