package dev.cync.canary.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.time.VirtualClock;
import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.DeviceCommand;
import dev.cync.canary.transport.Outcome;
import dev.cync.canary.transport.TransportKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ModelledTransportTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private static ModelledTransport transport() {
        Scenario.Model perfect = new Scenario.Model(1.0, 50, 100);
        Scenario scenario = new Scenario(10, 6, perfect, perfect, List.of());
        return new ModelledTransport(
                TransportKind.NEW, scenario, VirtualClock.startingAt(START), START, 1, Duration.ofSeconds(5));
    }

    @Test
    void aThrowingListenerNeitherFailsTheCommandNorSilencesTheNextListener() {
        ModelledTransport t = transport();
        List<Outcome> heard = new ArrayList<>();
        t.addOutcomeListener(o -> {
            throw new IllegalStateException("a broken listener");
        });
        t.addOutcomeListener(o -> heard.add(o.outcome()));

        CompletableFuture<CommandOutcome> sent = t.send(DeviceCommand.power(1, true));
        CompletableFuture<CommandOutcome> lost =
                t.failInjected(DeviceCommand.power(2, true), Outcome.WRITE_ERROR, Duration.ofMillis(3));

        assertThat(sent.join().outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(lost.join().outcome()).isEqualTo(Outcome.WRITE_ERROR);
        assertThat(heard).containsExactly(Outcome.SUCCESS, Outcome.WRITE_ERROR);
        assertThat(t.stats().sent()).isEqualTo(2);
    }

    @Test
    void listenersRunWithoutTheTransportsLock() {
        ModelledTransport t = transport();
        List<Boolean> locked = new ArrayList<>();
        t.addOutcomeListener(o -> locked.add(Thread.holdsLock(t)));
        t.send(DeviceCommand.power(1, true));
        t.failInjected(DeviceCommand.power(2, true), Outcome.TIMEOUT, Duration.ofSeconds(5));
        assertThat(locked).containsExactly(false, false);
    }
}
