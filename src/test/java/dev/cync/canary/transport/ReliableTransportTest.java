package dev.cync.canary.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.device.TestDevices;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.protocol.Packet;
import dev.cync.canary.protocol.Setting;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The reliable transport in virtual time, over the server's real pipeline on in-memory channels. */
class ReliableTransportTest {

    static final DeviceId ID = DeviceId.parse("45880f3a");

    final TestDevices devices = new TestDevices();
    final List<CommandOutcome> seen = new ArrayList<>();

    ReliableTransport transport(ReliableConfig config) {
        ReliableTransport t = new ReliableTransport(config, devices.registry(), devices.clock, devices.metrics);
        t.addOutcomeListener(seen::add);
        return t;
    }

    static ReliableConfig noJitter() {
        return ReliableConfig.defaults().withJitter(0);
    }

    static void ack(EmbeddedChannel ch, Packet.Command c) {
        TestDevices.executed(ch, c);
    }

    @Test
    void anAcknowledgedCommandSucceedsWithItsLatency() {
        ReliableTransport t = transport(noJitter());
        EmbeddedChannel ch = devices.connect(ID);
        CompletableFuture<CommandOutcome> f = t.send(DeviceCommand.power(ID, true));
        Packet.Command c = TestDevices.commands(ch).get(0);
        assertThat(c.command().orElseThrow().setting()).isEqualTo(new Setting.Power(true));
        devices.clock.advance(Duration.ofMillis(120));
        ack(ch, c);
        CommandOutcome o = f.join();
        assertThat(o.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(o.attempts()).isEqualTo(1);
        assertThat(o.latency()).isEqualTo(Duration.ofMillis(120));
        // The server answers the device's execution ack (a 0x73) with a 0x7B receipt and its 0x7B with nothing.
        assertThat(TestDevices.received(ch)).singleElement().isInstanceOf(Packet.CommandAck.class);
    }

    @Test
    void aLostCommandIsSentAgainWithTheSameKeyAndTheRetrySucceeds() {
        ReliableTransport t = transport(noJitter());
        EmbeddedChannel ch = devices.connect(ID);
        CompletableFuture<CommandOutcome> f = t.send(DeviceCommand.power(ID, false));
        Packet.Command first = TestDevices.commands(ch).get(0);
        devices.clock.advance(Duration.ofMillis(499));
        assertThat(TestDevices.commands(ch)).isEmpty();
        // Initial RTO 1 s, deadline 1.5 s: the retry is pulled forward to 500 ms so that it still has
        // a whole RTO before the deadline (the deadline-aware schedule).
        devices.clock.advance(Duration.ofMillis(1));
        Packet.Command second = TestDevices.commands(ch).get(0);
        assertThat(second.key()).isEqualTo(first.key());
        ack(ch, second);
        assertThat(f.join().outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(f.join().attempts()).isEqualTo(2);
        assertThat(devices.metrics.counterValue(Metrics.RETRANSMIT, "new")).isEqualTo(1);
    }

    @Test
    void noAckBeforeTheDeadlineIsATimeoutAndALaterAckIsAnIdempotentDrop() {
        ReliableTransport t = transport(noJitter());
        EmbeddedChannel ch = devices.connect(ID);
        CompletableFuture<CommandOutcome> f = t.send(DeviceCommand.power(ID, true));
        Packet.Command c = TestDevices.commands(ch).get(0);
        devices.clock.advance(Duration.ofMillis(1499));
        assertThat(f).isNotDone();
        devices.clock.advance(Duration.ofMillis(1));
        assertThat(f.join().outcome()).isEqualTo(Outcome.TIMEOUT);
        ack(ch, c);
        ack(ch, c);
        assertThat(seen).hasSize(1);
        assertThat(devices.metrics.counterValue(Metrics.IDEMPOTENT_DROP, "new")).isEqualTo(2);
        assertThat(devices.metrics.counterValue(Metrics.ACK_TIMEOUT, "new")).isEqualTo(1);
        assertThat(t.stats().balanced()).isTrue();
    }

    @Test
    void aReceiptIsNotSuccessTheSameBytesAreResentAndItEndsNotExecuted() {
        ReliableTransport t = transport(noJitter());
        EmbeddedChannel ch = devices.connect(ID);
        CompletableFuture<CommandOutcome> f = t.send(DeviceCommand.power(ID, true));
        List<Packet.Command> copies = new ArrayList<>(TestDevices.commands(ch));
        devices.clock.advance(Duration.ofMillis(60));
        TestDevices.receiptOnly(ch, copies.get(0));
        for (int i = 0; i < 30; i++) {
            devices.clock.advance(Duration.ofMillis(50));
            for (Packet.Command c : TestDevices.commands(ch)) {
                copies.add(c);
                TestDevices.receiptOnly(ch, c);
            }
        }
        assertThat(f.join().outcome()).isEqualTo(Outcome.NOT_EXECUTED);
        assertThat(copies.size()).isGreaterThan(2);
        assertThat(copies)
                .allSatisfy(c -> assertThat(c.bytes()).isEqualTo(copies.get(0).bytes()));
        assertThat(t.stats().succeeded()).isZero();
    }

    @Test
    void anExecutionAckAfterResendsSucceeds() {
        ReliableTransport t = transport(noJitter());
        EmbeddedChannel ch = devices.connect(ID);
        CompletableFuture<CommandOutcome> f = t.send(DeviceCommand.colorTemp(TestDevices.MESH_ID, 30));
        devices.clock.advance(Duration.ofMillis(500));
        List<Packet.Command> wire = TestDevices.commands(ch);
        assertThat(wire).hasSize(2);
        TestDevices.executed(ch, wire.get(1));
        assertThat(f.join().outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(f.join().attempts()).isEqualTo(2);
    }

    @Test
    void unknownTargetFailsAtOnce() {
        ReliableTransport t = transport(noJitter());
        EmbeddedChannel ch = devices.connect(ID);
        assertThat(t.send(DeviceCommand.rgb(200, 1, 2, 3)).join().outcome()).isEqualTo(Outcome.UNKNOWN_TARGET);
        assertThat(TestDevices.commands(ch)).isEmpty();
    }

    @Test
    void duplicateAcksResolveACommandOnce() {
        ReliableTransport t = transport(noJitter());
        EmbeddedChannel ch = devices.connect(ID);
        CompletableFuture<CommandOutcome> f = t.send(DeviceCommand.power(ID, true));
        Packet.Command c = TestDevices.commands(ch).get(0);
        ack(ch, c);
        ack(ch, c);
        assertThat(f.join().succeeded()).isTrue();
        assertThat(seen).hasSize(1);
        assertThat(devices.metrics.counterValue(Metrics.IDEMPOTENT_DROP, "new")).isEqualTo(1);
    }

    @Test
    void attemptTimeoutsAdaptToTheMeasuredRoundTrip() {
        ReliableTransport t = transport(noJitter());
        EmbeddedChannel ch = devices.connect(ID);
        for (int i = 0; i < 20; i++) {
            CompletableFuture<CommandOutcome> f = t.send(DeviceCommand.power(ID, i % 2 == 0));
            Packet.Command c = TestDevices.commands(ch).get(0);
            devices.clock.advance(Duration.ofMillis(200));
            ack(ch, c);
            assertThat(f.join().attempts()).isEqualTo(1);
            TestDevices.received(ch);
        }
        // srtt ~200 ms and the variance has decayed: the next lost command is retried after ~230 ms, not 1 s.
        t.send(DeviceCommand.power(ID, true));
        TestDevices.commands(ch);
        devices.clock.advance(Duration.ofMillis(260));
        assertThat(TestDevices.commands(ch)).hasSize(1);
    }

    @Test
    void aSlowButSteadyLinkCausesNoSpuriousRetransmissions() {
        // jitter on; a deadline long enough that the schedule need not pull the first retry forward
        ReliableTransport t = transport(ReliableConfig.defaults().withDeadline(Duration.ofSeconds(3)));
        EmbeddedChannel ch = devices.connect(ID);
        int retransmits = 0;
        for (int i = 0; i < 50; i++) {
            t.send(DeviceCommand.power(ID, true));
            List<Packet.Command> sent = TestDevices.commands(ch);
            devices.clock.advance(Duration.ofMillis(1000));
            sent = new ArrayList<>(sent);
            sent.addAll(TestDevices.commands(ch));
            retransmits += sent.size() - 1;
            ack(ch, sent.get(0));
            TestDevices.received(ch);
            devices.clock.advance(Duration.ofMillis(600));
        }
        // Only the very first command, sent before any round trip was known (initial RTO 1 s), may retransmit.
        assertThat(retransmits).isLessThanOrEqualTo(1);
    }

    @Test
    void noMoreThanMaxInFlightAreOnTheWire() {
        ReliableTransport t = transport(noJitter().withMaxInFlight(2));
        EmbeddedChannel ch = devices.connect(ID);
        List<CompletableFuture<CommandOutcome>> fs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fs.add(t.send(DeviceCommand.power(ID, true)));
        }
        List<Packet.Command> wire = TestDevices.commands(ch);
        assertThat(wire).hasSize(2);
        assertThat(devices.metrics.scrape().stream()
                        .anyMatch(m -> m.getMetadata().getName().equals("tcp_comm_send_queue_size")))
                .isTrue();
        ack(ch, wire.get(0));
        assertThat(TestDevices.commands(ch)).hasSize(1);
        assertThat(fs.get(0).join().succeeded()).isTrue();
    }

    @Test
    void rejectPolicyFailsTheNewCommandWhenTheQueueIsFull() {
        ReliableTransport t =
                transport(noJitter().withMaxInFlight(1).withQueue(2, ReliableConfig.OverflowPolicy.REJECT));
        devices.connect(ID);
        List<CompletableFuture<CommandOutcome>> fs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fs.add(t.send(DeviceCommand.power(ID, true)));
        }
        assertThat(fs.get(3).join().outcome()).isEqualTo(Outcome.QUEUE_FULL);
        assertThat(fs.subList(0, 3)).noneMatch(CompletableFuture::isDone);
        assertThat(devices.metrics.counterValue(Metrics.QUEUE_FULL, "new")).isEqualTo(1);
    }

    @Test
    void dropOldestPolicyFailsTheOldestWaitingCommand() {
        ReliableTransport t =
                transport(noJitter().withMaxInFlight(1).withQueue(2, ReliableConfig.OverflowPolicy.DROP_OLDEST));
        devices.connect(ID);
        List<CompletableFuture<CommandOutcome>> fs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fs.add(t.send(DeviceCommand.power(ID, true)));
        }
        assertThat(fs.get(1).join().outcome()).isEqualTo(Outcome.QUEUE_FULL);
        assertThat(fs.get(0)).isNotDone();
        assertThat(fs.get(2)).isNotDone();
        assertThat(fs.get(3)).isNotDone();
    }

    @Test
    void blockPolicyHoldsTheCommandUntilThereIsRoomOrTheBlockTimeoutPasses() {
        ReliableTransport t =
                transport(noJitter().withMaxInFlight(1).withQueue(2, ReliableConfig.OverflowPolicy.BLOCK));
        EmbeddedChannel ch = devices.connect(ID);
        CompletableFuture<CommandOutcome> inFlight = t.send(DeviceCommand.power(ID, true));
        t.send(DeviceCommand.power(ID, true)); // queued
        t.send(DeviceCommand.power(ID, true)); // queued: the queue is full now
        CompletableFuture<CommandOutcome> heldThenAdmitted = t.send(DeviceCommand.power(ID, false));
        CompletableFuture<CommandOutcome> heldTooLong = t.send(DeviceCommand.power(ID, false));
        CompletableFuture<CommandOutcome> refused = t.send(DeviceCommand.power(ID, false));
        // The list of held commands is as bounded as the queue: the sixth is refused at once.
        assertThat(refused.join().outcome()).isEqualTo(Outcome.QUEUE_FULL);
        assertThat(heldThenAdmitted).isNotDone();
        assertThat(heldTooLong).isNotDone();
        Packet.Command c = TestDevices.commands(ch).get(0);
        devices.clock.advance(Duration.ofMillis(100));
        ack(ch, c); // room: a queued one goes on the wire, the first held one moves into the queue
        assertThat(inFlight.join().succeeded()).isTrue();
        devices.clock.advance(Duration.ofMillis(200)); // past the 250 ms block timeout of the one still held
        assertThat(heldTooLong.join().outcome()).isEqualTo(Outcome.QUEUE_FULL);
        assertThat(heldThenAdmitted).isNotDone();
        assertThat(t.stats().balanced()).isTrue();
    }

    @Test
    void aDisconnectFailsEveryCommandOfThatDeviceAsDisconnected() {
        ReliableTransport t = transport(noJitter().withMaxInFlight(1));
        EmbeddedChannel ch = devices.connect(ID);
        CompletableFuture<CommandOutcome> a = t.send(DeviceCommand.power(ID, true));
        CompletableFuture<CommandOutcome> b = t.send(DeviceCommand.power(ID, true));
        ch.close();
        assertThat(a.join().outcome()).isEqualTo(Outcome.DISCONNECTED);
        assertThat(b.join().outcome()).isEqualTo(Outcome.DISCONNECTED);
        assertThat(t.send(DeviceCommand.power(ID, true)).join().outcome()).isEqualTo(Outcome.DISCONNECTED);
        assertThat(t.stats().balanced()).isTrue();
        assertThat(t.stats().inFlight()).isZero();
    }

    @Test
    void afterCloseNewCommandsFailAsShutdown() {
        ReliableTransport t = transport(noJitter());
        devices.connect(ID);
        t.close();
        assertThat(t.send(DeviceCommand.power(ID, true)).join().outcome()).isEqualTo(Outcome.SHUTDOWN);
    }

    @Test
    void aCommandWaitingInTheQueuePastItsDeadlineTimesOut() {
        ReliableTransport t = transport(noJitter().withMaxInFlight(1));
        EmbeddedChannel ch = devices.connect(ID);
        t.send(DeviceCommand.power(ID, true));
        CompletableFuture<CommandOutcome> waiting = t.send(DeviceCommand.power(ID, true));
        devices.clock.advance(Duration.ofMillis(1500));
        assertThat(waiting.join().outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(waiting.join().attempts()).isZero();
        // The first command and its one retry (at 500 ms: the last copy that leaves an RTO before the
        // 1.5 s deadline); never the one that waited.
        assertThat(TestDevices.commands(ch)).hasSize(2);
    }
}
