package dev.cync.canary.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command that runs a controller takes. */
final class ControllerOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "Controller config (default: the built-in config/cync-canary.yaml).")
    Path config;

    @Option(names = "--http-port", paramLabel = "PORT", description = "Port of /metrics and the admin API (default 9400; 0 picks a free one and logs it).")
    Integer httpPort;

    @Option(names = "--device-port", paramLabel = "PORT", description = "Plaintext device port (default 23778; 0 picks a free one).")
    Integer devicePort;

    @Option(names = "--tls-port", paramLabel = "PORT", description = "TLS device port (default 23779; 0 picks a free one; -1 turns TLS off).")
    Integer tlsPort;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the controller keeps its state (default ./cync-canary-state).")
    Path stateDir;

    ControllerConfig load() throws IOException {
        ControllerConfig c = ControllerConfig.load(config).withPorts(httpPort, devicePort, tlsPort);
        return stateDir == null ? c : c.withStateDir(stateDir);
    }
}
