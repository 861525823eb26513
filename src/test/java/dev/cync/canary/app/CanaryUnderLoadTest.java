package dev.cync.canary.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.routing.CanarySender;
import dev.cync.canary.sim.Fleet;
import dev.cync.canary.sim.LoadGenerator;
import dev.cync.canary.time.ExecutorScheduler;
import dev.cync.canary.time.SystemClock;
import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.DeviceCommand;
import dev.cync.canary.transport.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routing changes and dark launch under real load, over real TCP. */
@Tag("slow")
class CanaryUnderLoadTest {

    @TempDir
    Path state;

    CompositionRoot controller;
    Fleet fleet;
    final ScheduledExecutorService issuer = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void start() throws Exception {
        ControllerConfig c = ControllerConfig.load(null).withPorts(0, 0, -1).withStateDir(state);
        controller = new CompositionRoot(c, SystemClock.utc(), Map.of()).start(false);
        fleet = new Fleet(
                        Fleet.Config.defaults("127.0.0.1", controller.devices().plainPort(), 200), controller.clock())
                .start();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> controller.devices().registry().size() == 200);
    }

    @AfterEach
    void stop() {
        issuer.shutdownNow();
        fleet.close();
        controller.close();
    }

    double newDecisions() {
        double n = 0;
        for (String reason : List.of("kill_switch", "excluded", "cohort", "percentage")) {
            n += controller.metrics().counterValue(Metrics.ROUTING_DECISION, "new", reason);
        }
        return n;
    }

    @Test
    void afterARollbackTheVeryNextCommandOfEveryDeviceGoesLegacyAndInFlightOnesFinishOnNew() throws Exception {
        controller.flags().setPercentage("test", 2500, "step");
        LoadGenerator gen = new LoadGenerator(
                controller.clock(),
                new ExecutorScheduler(issuer),
                controller.devices().registry()::connectedIds,
                3);
        LoadGenerator.Run run = gen.openLoop(
                controller.sender()::send,
                500,
                0); // each command is 4-7 packets since the execution-ack oracle: keep the machine out of it
        issuer.schedule(() -> {}, 1500, TimeUnit.MILLISECONDS).get();
        assertThat(newDecisions()).isPositive();
        // The rollback runs on the issuing thread, between two commands: everything issued after it is routed by it.
        double[] atRollback = new double[2];
        issuer.submit(() -> {
                    controller.flags().rollback("api:test", "under load", false);
                    atRollback[0] = newDecisions();
                    atRollback[1] = controller.reliable().stats().sent();
                })
                .get();
        issuer.schedule(() -> {}, 1500, TimeUnit.MILLISECONDS).get();
        run.stop();
        await().atMost(Duration.ofSeconds(5)).until(() -> run.done().isDone());
        assertThat(newDecisions()).isEqualTo(atRollback[0]);
        assertThat(controller.reliable().stats().sent()).isEqualTo((long) atRollback[1]);
        assertThat(controller.reliable().stats().inFlight()).isZero();
        assertThat(controller.reliable().stats().succeeded())
                .as("outcomes %s", run.outcomes())
                .isEqualTo((long) atRollback[1]);
        // No command went through both transports: each issued command was sent exactly once.
        assertThat(controller.legacy().stats().sent()
                        + controller.reliable().stats().sent())
                .isEqualTo(run.issued());
        assertThat(run.outcomes().get(Outcome.SUCCESS)).isEqualTo(run.issued());
    }

    @Test
    void darkLaunchMirrorsIdempotentCommandsAfterThePrimaryAndCountsEverything() throws Exception {
        controller.flags().darkLaunch("test", true, 10_000, "mirror everything");
        List<DeviceId> ids = fleet.ids();
        for (int i = 0; i < 300; i++) {
            var o = controller
                    .sender()
                    .send(DeviceCommand.power(ids.get(i % ids.size()), i % 2 == 0))
                    .get(5, TimeUnit.SECONDS);
            assertThat(o.transport().label()).isEqualTo("legacy");
            assertThat(o.succeeded()).isTrue();
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> controller.metrics().counterValue(Metrics.DARK_LAUNCH, "success") == 300);
        assertThat(controller.reliable().stats().sent()).isEqualTo(300);
        // A toggle is not idempotent: never mirrored.
        controller.sender().send(DeviceCommand.toggle(ids.get(0), true)).get(5, TimeUnit.SECONDS);
        assertThat(controller.metrics().counterValue(Metrics.DARK_LAUNCH, "skipped_not_idempotent"))
                .isEqualTo(1);
        assertThat(controller.reliable().stats().sent()).isEqualTo(300);
        // With room for one mirror at a time, a burst drops mirrors (counted), and every primary still succeeds.
        CanarySender narrow = new CanarySender(
                controller.router(), controller.legacy(), controller.reliable(), controller.metrics(), 1);
        var fs = new ArrayList<CompletableFuture<CommandOutcome>>();
        for (int i = 0; i < 200; i++) {
            fs.add(narrow.send(DeviceCommand.power(ids.get(i % ids.size()), true)));
        }
        for (var f : fs) {
            assertThat(f.get(5, TimeUnit.SECONDS).succeeded()).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> narrow.mirrorsInFlight() == 0);
        assertThat(controller.metrics().counterValue(Metrics.DARK_LAUNCH, "dropped"))
                .isPositive();
    }
}
