package dev.cync.canary.cli;

import dev.cync.canary.app.ControllerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Option;

/** The options every command that runs a controller takes. */
final class ControllerOptions {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Controller config (default: the built-in config/cync-canary.yaml).")
    Path config;

    @Option(
            names = "--http-port",
            paramLabel = "PORT",
            description = "Port of /metrics and the admin API (default 9400; 0 picks a free one and logs it).")
    Integer httpPort;

    @Option(
            names = "--device-port",
            paramLabel = "PORT",
            description = "Plaintext device port (default 23778; 0 picks a free one).")
    Integer devicePort;

    @Option(
            names = "--tls-port",
            paramLabel = "PORT",
            description = "TLS device port (default 23779; 0 picks a free one; -1 turns TLS off).")
    Integer tlsPort;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description = "Where the controller keeps its state (default: cync-canary-state in the working directory).")
    Path stateDir;

    @Option(
            names = "--plan",
            paramLabel = "FILE",
            description = "Rollout plan (default: the config's, or the built-in phase2).")
    Path plan;

    @Option(
            names = "--slo",
            paramLabel = "FILE",
            description = "SLO file (default: the config's, or the built-in one).")
    Path slo;

    @Option(
            names = "--reset-state",
            paramLabel = "FILE",
            description = "One of flags.json, rollout.json, slo-windows.bin or"
                    + " state-marker.json: start it afresh when it is missing, unreadable or stale (audited). The flags start at 0%% with the kill"
                    + " switch on and a hold; the rollout starts the plan paused at its first stage. A readable, current"
                    + " file is left alone.")
    Set<String> resetState = new TreeSet<>();

    ControllerConfig load() throws IOException {
        ControllerConfig c = ControllerConfig.load(config).withPorts(httpPort, devicePort, tlsPort);
        if (plan != null || slo != null) {
            var r = c.rollout();
            c = c.withRollout(new ControllerConfig.Rollout(
                    r.enabled(),
                    plan != null ? plan : r.planFile(),
                    slo != null ? slo : r.sloFile(),
                    r.alertmanagerUrl(),
                    r.webhookUrl()));
        }
        return stateDir == null ? c : c.withStateDir(stateDir);
    }

    /** The same with the rollout turned on or off. */
    static ControllerConfig rollout(ControllerConfig c, boolean on) {
        var r = c.rollout();
        return c.withRollout(
                new ControllerConfig.Rollout(on, r.planFile(), r.sloFile(), r.alertmanagerUrl(), r.webhookUrl()));
    }
}
