package dev.cync.canary.cli;

import dev.cync.canary.app.CompositionRoot;
import dev.cync.canary.app.ControllerConfig;
import dev.cync.canary.support.DurableFiles;
import dev.cync.canary.time.SystemClock;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cync-canary serve}: the controller alone, for real devices. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description =
                "Run the controller: the device server, both transports, /metrics and the admin API. Stops cleanly on"
                        + " Ctrl-C or SIGTERM.")
final class ServeCommand implements Callable<Integer> {

    @Mixin
    ControllerOptions options;

    @picocli.CommandLine.Option(
            names = "--rollout",
            description = "Drive the rollout plan (as rollout.enabled: true in the config).")
    boolean rollout;

    @Override
    public Integer call() throws Exception {
        ControllerConfig config = options.load();
        if (rollout) {
            config = ControllerOptions.rollout(config, true);
        }
        try (ShutdownGate gate = new ShutdownGate();
                CompositionRoot controller = new CompositionRoot(
                                config,
                                SystemClock.utc(),
                                System.getenv(),
                                null,
                                null,
                                UnaryOperator.identity(),
                                options.resetState,
                                DurableFiles.DISK)
                        .start(true)) {
            gate.await(null);
        }
        return 0;
    }
}
