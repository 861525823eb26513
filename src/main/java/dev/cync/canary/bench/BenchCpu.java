package dev.cync.canary.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/**
 * The bench's CPU figure: this JVM's CPU time (all threads, user and system) per command of an arm.
 * On a machine shared with other work, latency moves with the neighbours' load and this does not,
 * so it is the figure to compare across runs. With {@code --fleet-process} it is the controller's
 * alone; otherwise it includes the simulated fleet.
 */
final class BenchCpu {

    private BenchCpu() {}

    /** This process's CPU time so far, in nanoseconds, or -1 where the JVM does not say. */
    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : -1;
    }
}
