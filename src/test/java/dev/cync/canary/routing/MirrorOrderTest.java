package dev.cync.canary.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.DeviceCommand;
import dev.cync.canary.transport.Outcome;
import dev.cync.canary.transport.Transport;
import dev.cync.canary.transport.TransportKind;
import dev.cync.canary.transport.TransportStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The mirror runs for the whole fleet in canary stages, so it must never set a device back: a copy
 * of an older command whose device was sent a newer one before the primary resolved is skipped.
 */
class MirrorOrderTest {

    /** A transport whose commands resolve when the test says so, recording what it was asked to send. */
    static final class HeldTransport implements Transport {
        final TransportKind kind;
        final List<DeviceCommand> sent = new ArrayList<>();
        final List<CompletableFuture<CommandOutcome>> pending = new ArrayList<>();

        HeldTransport(TransportKind kind) {
            this.kind = kind;
        }

        @Override
        public TransportKind kind() {
            return kind;
        }

        @Override
        public CompletableFuture<CommandOutcome> send(DeviceCommand command) {
            sent.add(command);
            CompletableFuture<CommandOutcome> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }

        void resolve(int i) {
            pending.get(i).complete(new CommandOutcome(sent.get(i), kind, Outcome.SUCCESS, 1, Duration.ofMillis(50)));
        }

        @Override
        public CompletableFuture<CommandOutcome> failInjected(
                DeviceCommand command, Outcome outcome, Duration latency) {
            throw new UnsupportedOperationException("not used here");
        }

        @Override
        public void addOutcomeListener(Consumer<CommandOutcome> listener) {}

        @Override
        public TransportStats stats() {
            return new TransportStats(sent.size(), 0, Map.of(), 0, 0);
        }

        @Override
        public void close() {}
    }

    @Test
    void aMirrorOvertakenByANewerCommandForItsDeviceIsSkipped() {
        Metrics metrics = new Metrics();
        // Nobody on the canary, everybody in the mirror sample (a canary stage's mirror at 100%).
        CanaryRouter router =
                new CanaryRouter(new RoutingConfig(0, "s", Set.of(), Set.of(), true, true, 10_000, 1), metrics);
        HeldTransport legacy = new HeldTransport(TransportKind.LEGACY);
        HeldTransport newTransport = new HeldTransport(TransportKind.NEW);
        CanarySender sender = new CanarySender(router, legacy, newTransport, metrics, 16);
        DeviceId lamp = new DeviceId(0x5000_0001);
        sender.send(DeviceCommand.power(lamp, true));
        sender.send(DeviceCommand.power(lamp, false));
        // "on" resolves after "off" was sent: its copy would switch the lamp back on; it is skipped.
        legacy.resolve(0);
        assertThat(newTransport.sent).isEmpty();
        assertThat(metrics.counterValue(Metrics.DARK_LAUNCH, "superseded")).isEqualTo(1);
        // "off" is the latest: its copy goes to the new transport.
        legacy.resolve(1);
        assertThat(newTransport.sent).containsExactly(DeviceCommand.power(lamp, false));
    }
}
