package dev.cync.canary.device;

import dev.cync.canary.support.Validate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The device port's defences; settings of the {@code server:} section of {@code cync-canary.yaml},
 * where each is explained.
 *
 * @param maxPendingHellos connections that have not said hello, at most, at once (a smaller budget than
 *        {@code maxConnections}, so silent connections cannot keep real devices out)
 * @param maxConnectionsPerAddress connections from one source address at most; 0 for no limit. Loopback is exempt
 *        (the simulator and local tools)
 * @param slowReaderTimeout how long a peer may leave its answers unread (outbound buffer over the high-water mark)
 *        before it is closed as {@code slow_reader}
 * @param allowListFile endpoints and their auth codes; when set, nothing else may connect
 */
public record DeviceGuardConfig(
        int maxPendingHellos, int maxConnectionsPerAddress, Duration slowReaderTimeout, Optional<Path> allowListFile) {

    public DeviceGuardConfig {
        Validate.range("server.maxPendingHellos", maxPendingHellos, 1, 1_000_000);
        Validate.range("server.maxConnectionsPerAddress", maxConnectionsPerAddress, 0, 1_000_000);
        Validate.positive("server.slowReaderTimeout", slowReaderTimeout);
    }

    public static DeviceGuardConfig defaults() {
        return new DeviceGuardConfig(4096, 256, Duration.ofSeconds(30), Optional.empty());
    }
}
