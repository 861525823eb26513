package dev.cync.canary.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.device.TestDevices;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.protocol.Packet;
import dev.cync.canary.protocol.Packets;
import dev.cync.canary.protocol.Setting;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class LegacyTransportTest {

    static final DeviceId ID = DeviceId.parse("45880f3a");
    final TestDevices devices = new TestDevices();
    final LegacyTransport t =
            new LegacyTransport(LegacyConfig.defaults(), devices.registry(), devices.clock, devices.metrics);

    @Test
    void succeedsWhenTheDeviceAcknowledgesInTime() {
        EmbeddedChannel ch = devices.connect(ID);
        CompletableFuture<CommandOutcome> f = t.send(DeviceCommand.power(ID, true));
        Packet.Command c = TestDevices.commands(ch).get(0);
        devices.clock.advance(Duration.ofMillis(80));
        TestDevices.executed(ch, c);
        assertThat(f.join().outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(f.join().latency()).isEqualTo(Duration.ofMillis(80));
    }

    @Test
    void neverRetriesAndTimesOutWithoutAnAck() {
        EmbeddedChannel ch = devices.connect(ID);
        CompletableFuture<CommandOutcome> f = t.send(DeviceCommand.power(ID, true));
        assertThat(TestDevices.commands(ch)).hasSize(1);
        devices.clock.advance(Duration.ofSeconds(5));
        assertThat(TestDevices.commands(ch)).isEmpty();
        assertThat(f.join().outcome()).isEqualTo(Outcome.TIMEOUT);
    }

    @Test
    void anAckAfterTheDeadlineDoesNotTurnATimeoutIntoASuccess() {
        EmbeddedChannel ch = devices.connect(ID);
        CompletableFuture<CommandOutcome> f = t.send(DeviceCommand.power(ID, true));
        Packet.Command c = TestDevices.commands(ch).get(0);
        devices.clock.advance(Duration.ofMillis(1600));
        TestDevices.executed(ch, c);
        assertThat(f.join().outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(t.stats().succeeded()).isZero();
        assertThat(t.stats().balanced()).isTrue();
    }

    @Test
    void aReceiptWithoutAnExecutionAckIsNotExecuted() {
        EmbeddedChannel ch = devices.connect(ID);
        CompletableFuture<CommandOutcome> f = t.send(DeviceCommand.power(ID, true));
        TestDevices.receiptOnly(ch, TestDevices.commands(ch).get(0));
        assertThat(f).isNotDone();
        devices.clock.advance(Duration.ofSeconds(5));
        assertThat(f.join().outcome()).isEqualTo(Outcome.NOT_EXECUTED);
        assertThat(t.stats().succeeded()).isZero();
    }

    @Test
    void anExecutionAckWhoseSequenceByteNamesAnotherWaitingCommandIsIgnoredWhenItsReceiptDisagrees() {
        EmbeddedChannel ch = devices.connect(ID);
        CompletableFuture<CommandOutcome> first = t.send(DeviceCommand.power(ID, true));
        CompletableFuture<CommandOutcome> second = t.send(DeviceCommand.power(ID, false));
        java.util.List<Packet.Command> sent = TestDevices.commands(ch);
        int secondSeq = sent.get(1).frame().orElseThrow().sequence();
        int opcode = sent.get(0).frame().orElseThrow().opcode();
        // The device carried out the first command; one flipped bit in its ack's sequence byte (outside
        // the checksum) names the second, which has the same opcode. Its receipt, in the same write,
        // still names the first.
        TestDevices.sendInOneRead(
                ch,
                dev.cync.canary.protocol.Packets.executionAck(ID, 0x100, secondSeq, opcode),
                new Packet.CommandAck(sent.get(0).key()));
        assertThat(second).as("the second command was not carried out").isNotDone();
        assertThat(devices.server.ambiguousAcks()).isEqualTo(1);
        // The second command's own answers still count.
        TestDevices.executed(ch, sent.get(1));
        assertThat(second.join().outcome()).isEqualTo(Outcome.SUCCESS);
        // The first got its receipt but no ack it could trust: legacy reports not_executed, never a success.
        devices.clock.advance(Duration.ofSeconds(5));
        assertThat(first.join().outcome()).isEqualTo(Outcome.NOT_EXECUTED);
        assertThat(devices.server.unmatchedAcks()).isZero();
    }

    @Test
    void anExecutionAckWhoseReceiptWasLostStillCounts() {
        EmbeddedChannel ch = devices.connect(ID);
        CompletableFuture<CommandOutcome> f = t.send(DeviceCommand.power(ID, true));
        Packet.Command c = TestDevices.commands(ch).get(0);
        dev.cync.canary.protocol.InnerFrame frame = c.frame().orElseThrow();
        TestDevices.send(
                ch,
                dev.cync.canary.protocol.Packets.executionAck(ID, 0x100, frame.sequence(), frame.opcode()),
                new Packet.Heartbeat());
        assertThat(f.join().outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(devices.server.ambiguousAcks()).isZero();
    }

    @Test
    void anExecutionAckOfAnotherOpcodeIsNotSuccess() {
        EmbeddedChannel ch = devices.connect(ID);
        CompletableFuture<CommandOutcome> f = t.send(DeviceCommand.power(ID, true));
        Packet.Command c = TestDevices.commands(ch).get(0);
        int seq = c.frame().orElseThrow().sequence();
        TestDevices.send(ch, Packets.executionAck(ID, 0x100, seq, 0xF0));
        assertThat(f).isNotDone();
        assertThat(devices.server.unmatchedAcks()).isEqualTo(1);
    }

    @Test
    void aMeshIdNobodyReportedFailsAtOnceAndNothingIsSent() {
        EmbeddedChannel ch = devices.connect(ID);
        CompletableFuture<CommandOutcome> f = t.send(DeviceCommand.power(77, true));
        assertThat(f.join().outcome()).isEqualTo(Outcome.UNKNOWN_TARGET);
        assertThat(TestDevices.commands(ch)).isEmpty();
    }

    @Test
    void aCommandByMeshIdGoesToTheConnectionThatReportedItWithTheVendorsBytes() {
        EmbeddedChannel ch = devices.connect(ID, 9);
        CompletableFuture<CommandOutcome> f = t.send(DeviceCommand.brightness(9, 40));
        Packet.Command c = TestDevices.commands(ch).get(0);
        assertThat(c.command().orElseThrow().target()).isEqualTo(9);
        assertThat(c.command().orElseThrow().setting()).isEqualTo(new Setting.Brightness(40));
        assertThat(c.bytes().get(12)).isEqualTo(0x7E);
        TestDevices.executed(ch, c);
        assertThat(f.join().outcome()).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void anUnknownDeviceIsDisconnected() {
        assertThat(t.send(DeviceCommand.power(DeviceId.parse("00000001"), true))
                        .join()
                        .outcome())
                .isEqualTo(Outcome.DISCONNECTED);
    }

    @Test
    void bothTransportsShareOneSequenceAllocatorPerConnection() {
        ReliableTransport r =
                new ReliableTransport(ReliableConfig.defaults(), devices.registry(), devices.clock, devices.metrics);
        EmbeddedChannel ch = devices.connect(ID);
        CompletableFuture<CommandOutcome> legacy = t.send(DeviceCommand.power(ID, true));
        CompletableFuture<CommandOutcome> reliable = r.send(DeviceCommand.power(ID, false));
        var wire = TestDevices.commands(ch);
        assertThat(wire).hasSize(2);
        assertThat(wire.get(0).key()).isNotEqualTo(wire.get(1).key());
        // Each ack resolves exactly its own command on its own transport.
        TestDevices.executed(ch, wire.get(1));
        assertThat(reliable.join().succeeded()).isTrue();
        assertThat(legacy).isNotDone();
        TestDevices.executed(ch, wire.get(0));
        assertThat(legacy.join().succeeded()).isTrue();
    }
}
