package dev.cync.canary.device;

import dev.cync.canary.support.Validate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The device server's settings; the {@code server:} section of {@code cync-canary.yaml}, where
 * each is explained. Validated on construction: an invalid value fails with the setting's name,
 * the value and the allowed range.
 */
public record DeviceServerConfig(
        String host,
        int plainPort,
        int tlsPort,
        Optional<Path> certFile,
        Optional<Path> keyFile,
        Path stateDir,
        Duration heartbeatTimeout,
        Duration helloTimeout,
        int maxConnections,
        int maxGarbageBytes,
        Duration sequenceReuseDelay,
        int statusDedupSize,
        Duration statusDedupTtl,
        int workerThreads) {

    public DeviceServerConfig {
        Validate.port("server.plainPort", plainPort);
        if (tlsPort != -1) {
            Validate.port("server.tlsPort", tlsPort);
        }
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException("server.certFile and server.keyFile go together: set both or neither"
                    + " (neither generates a self-signed certificate in the state directory)");
        }
        Validate.positive("server.heartbeatTimeout", heartbeatTimeout);
        Validate.positive("server.helloTimeout", helloTimeout);
        Validate.range("server.maxConnections", maxConnections, 1, 1_000_000);
        Validate.range("server.maxGarbageBytes", maxGarbageBytes, 1, 1 << 20);
        Validate.notNegative("server.sequenceReuseDelay", sequenceReuseDelay);
        Validate.range("server.statusDedupSize", statusDedupSize, 1, 10_000_000);
        Validate.positive("server.statusDedupTtl", statusDedupTtl);
        Validate.range("server.workerThreads", workerThreads, 0, 256);
    }

    public static DeviceServerConfig defaults() {
        return new DeviceServerConfig(
                "0.0.0.0",
                23778,
                23779,
                Optional.empty(),
                Optional.empty(),
                Path.of("cync-canary-state"),
                Duration.ofSeconds(90),
                Duration.ofSeconds(10),
                20_000,
                4096,
                Duration.ofSeconds(5),
                100_000,
                Duration.ofSeconds(30),
                0);
    }

    public DeviceServerConfig withPorts(int plain, int tls) {
        return new DeviceServerConfig(
                host,
                plain,
                tls,
                certFile,
                keyFile,
                stateDir,
                heartbeatTimeout,
                helloTimeout,
                maxConnections,
                maxGarbageBytes,
                sequenceReuseDelay,
                statusDedupSize,
                statusDedupTtl,
                workerThreads);
    }

    public DeviceServerConfig withHost(String h) {
        return new DeviceServerConfig(
                h,
                plainPort,
                tlsPort,
                certFile,
                keyFile,
                stateDir,
                heartbeatTimeout,
                helloTimeout,
                maxConnections,
                maxGarbageBytes,
                sequenceReuseDelay,
                statusDedupSize,
                statusDedupTtl,
                workerThreads);
    }

    public DeviceServerConfig withStateDir(Path dir) {
        return new DeviceServerConfig(
                host,
                plainPort,
                tlsPort,
                certFile,
                keyFile,
                dir,
                heartbeatTimeout,
                helloTimeout,
                maxConnections,
                maxGarbageBytes,
                sequenceReuseDelay,
                statusDedupSize,
                statusDedupTtl,
                workerThreads);
    }

    public DeviceServerConfig withLimits(Duration heartbeat, Duration hello, int maxConns) {
        return new DeviceServerConfig(
                host,
                plainPort,
                tlsPort,
                certFile,
                keyFile,
                stateDir,
                heartbeat,
                hello,
                maxConns,
                maxGarbageBytes,
                sequenceReuseDelay,
                statusDedupSize,
                statusDedupTtl,
                workerThreads);
    }
}
