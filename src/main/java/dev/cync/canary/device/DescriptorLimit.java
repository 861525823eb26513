package dev.cync.canary.device;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * The process's open-file limit against {@code server.maxConnections}: each connection is a file
 * descriptor, and past the limit accepts fail ("Too many open files") no matter what the setting
 * says. Checked once at start; the advice names both numbers and what to do.
 */
final class DescriptorLimit {

    /** Descriptors the rest of the process needs besides device connections (jars, logs, HTTP, state files). */
    static final int HEADROOM = 256;

    private DescriptorLimit() {}

    /** The soft limit on open files, if the platform tells. */
    static Optional<Long> current() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            return Optional.of(unix.getMaxFileDescriptorCount());
        }
        return Optional.empty();
    }

    /** A warning when {@code maxConnections} plus headroom exceeds {@code limit}, else empty. */
    static Optional<String> advice(int maxConnections, long limit) {
        long needed = (long) maxConnections + HEADROOM;
        if (needed <= limit) {
            return Optional.empty();
        }
        return Optional.of("server.maxConnections is " + maxConnections + " but this process may open only " + limit
                + " files, so accepts will fail (counted as accept_error) near " + Math.max(0, limit - HEADROOM)
                + " devices: raise the limit to at least " + needed + " (ulimit -n " + needed + ", or LimitNOFILE="
                + needed
                + " in the systemd unit), or lower server.maxConnections to " + Math.max(1, limit - HEADROOM));
    }
}
