package dev.cync.canary.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.DeviceCommand;
import dev.cync.canary.transport.Outcome;
import dev.cync.canary.transport.TransportKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RoutedCommandsTest {

    private static CommandOutcome outcome(TransportKind t, Outcome o) {
        return new CommandOutcome(DeviceCommand.power(7, true), t, o, 1, Duration.ofMillis(3));
    }

    @Test
    void anExecutedCommandSaysExecutedAndTheTransportTheRouterChose() {
        assertThat(RoutedCommands.result(outcome(TransportKind.NEW, Outcome.SUCCESS)))
                .isEqualTo(new DeviceCommands.CommandResult(true, "executed", "new"));
    }

    @Test
    void aFailedCommandCarriesTheTransportsReason() {
        assertThat(RoutedCommands.result(outcome(TransportKind.LEGACY, Outcome.NOT_EXECUTED)))
                .isEqualTo(new DeviceCommands.CommandResult(false, "not_executed", "legacy"));
        assertThat(RoutedCommands.result(outcome(TransportKind.NEW, Outcome.TIMEOUT))
                        .reason())
                .isEqualTo("timeout");
        assertThat(RoutedCommands.result(outcome(TransportKind.LEGACY, Outcome.UNKNOWN_TARGET))
                        .reason())
                .isEqualTo("unknown_target");
    }
}
