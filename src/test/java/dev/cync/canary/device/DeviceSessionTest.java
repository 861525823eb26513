package dev.cync.canary.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.AckKey;
import dev.cync.canary.protocol.Bytes;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.protocol.MeshQuery;
import dev.cync.canary.protocol.Packet;
import dev.cync.canary.protocol.PacketCodec;
import dev.cync.canary.protocol.Packets;
import dev.cync.canary.protocol.StateEntry;
import dev.cync.canary.protocol.StatusReport;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceSessionTest {

    static final DeviceId ID = DeviceId.parse("3d54861c");
    final TestDevices devices = new TestDevices(
            DeviceServerConfig.defaults().withLimits(Duration.ofSeconds(60), Duration.ofSeconds(10), 100));

    @Test
    void answersTheHandshakeAsRealServersDo() {
        EmbeddedChannel ch = devices.open();
        TestDevices.send(
                ch,
                new Packet.Hello(ID, "1e07d8ce0a617a37"),
                new Packet.Connect(),
                Packets.deviceInfo(ID),
                new Packet.Heartbeat());
        List<Packet> answers = TestDevices.received(ch);
        assertThat(answers).hasSize(5);
        assertThat(answers.get(0)).isEqualTo(new Packet.HelloAck());
        // The vendor announces control once after the hello.
        assertThat(answers.get(1))
                .isInstanceOfSatisfying(
                        Packet.Control.class, c -> assertThat(c.endpoint()).isEqualTo(ID));
        assertThat(answers.get(2))
                .isInstanceOfSatisfying(
                        Packet.ServerTime.class,
                        t -> assertThat(t.localTime()).isEqualTo(LocalDateTime.of(2026, 1, 1, 0, 0, 0)));
        assertThat(answers.get(3)).isEqualTo(new Packet.DeviceInfoAck());
        assertThat(PacketCodec.encode(answers.get(3)))
                .isEqualTo(Bytes.fromHex("48 00 00 00 03 01 01 00").toArray());
        assertThat(answers.get(4)).isEqualTo(new Packet.HeartbeatAck());
        assertThat(devices.registry().find(ID)).isNotNull();
    }

    @Test
    void anOwnStateReportIsAnsweredWithAnEchoAndAReceiptAndFeedsTheStateModel() {
        EmbeddedChannel ch = devices.connect(ID);
        Packet.Status on = StatusReport.ownState(ID, 0x000500, 0x21, 5, true, true, 100, 20, 0, 0, 0);
        TestDevices.send(ch, on);
        // 0x88 echoes bytes 9..11; on a controlled session the vendor also sends a 0x7B (trace).
        assertThat(TestDevices.received(ch))
                .containsExactly(new Packet.StatusAck(0x000500), new Packet.CommandAck(AckKey.of(ID, 0x000500)));
        MeshDeviceState s = devices.registry().states().get(5).orElseThrow();
        assertThat(s.on()).isTrue();
        assertThat(s.brightness()).isEqualTo(100);
        assertThat(s.colorTemp()).isEqualTo(20);
        assertThat(s.endpoint()).isEqualTo(ID);
        assertThat(s.relayed()).isFalse();
        // Off keeps the brightness byte: on/off comes from the state byte only.
        TestDevices.send(ch, StatusReport.ownState(ID, 0x000600, 0x22, 5, true, false, 100, 20, 0, 0, 0));
        assertThat(devices.registry().states().get(5).orElseThrow().on()).isFalse();
        assertThat(devices.registry().states().get(5).orElseThrow().brightness())
                .isEqualTo(100);
    }

    @Test
    void aRepeatedStatusReportIsAnsweredAgainButAppliedOnce() {
        EmbeddedChannel ch = devices.connect(ID);
        Packet.Status on = StatusReport.ownState(ID, 0x000500, 0x21, 5, true, true, 100, 20, 0, 0, 0);
        Packet.Status off = StatusReport.ownState(ID, 0x000600, 0x22, 5, true, false, 100, 20, 0, 0, 0);
        TestDevices.send(ch, on, off);
        TestDevices.received(ch);
        // A late copy of the first report (a bridge relaying it, or the device repeating it).
        TestDevices.send(ch, on);
        assertThat(TestDevices.received(ch))
                .containsExactly(new Packet.StatusAck(0x000500), new Packet.CommandAck(AckKey.of(ID, 0x000500)));
        assertThat(devices.registry().states().get(5).orElseThrow().on())
                .as("the late copy is not applied")
                .isFalse();
        // Once the memory has passed (statusDedupTtl, 30 s), the same bytes are a new report.
        devices.clock.advance(Duration.ofSeconds(31));
        TestDevices.send(ch, new Packet.Heartbeat(), on);
        assertThat(devices.registry().states().get(5).orElseThrow().on()).isTrue();
    }

    @Test
    void relayedEntriesMakeTheConnectionReachOtherMeshIds() {
        EmbeddedChannel ch = devices.connect(ID, 5);
        TestDevices.send(
                ch, StateEntry.deviceInfo(ID, List.of(new StateEntry(6, 3, true, 50, 101, 1, 2, 3, true, 0xff, 5))));
        assertThat(TestDevices.received(ch)).containsExactly(new Packet.DeviceInfoAck());
        DeviceSession session = devices.registry().find(ID);
        assertThat(session.ownMeshId()).isEqualTo(5);
        assertThat(session.relays(3)).isTrue();
        assertThat(devices.registry().endpointFor(3)).isEqualTo(ID);
        assertThat(devices.registry().endpointFor(4)).isNull();
        MeshDeviceState relayed = devices.registry().states().get(3).orElseThrow();
        assertThat(relayed.relayed()).isTrue();
        assertThat(relayed.rgbMode()).isTrue();
        assertThat(relayed.red()).isEqualTo(1);
    }

    @Test
    void aDeviceReceiptIsNotAnsweredAndOneMatchingNothingIsCounted() {
        EmbeddedChannel ch = devices.connect(ID);
        TestDevices.send(ch, new Packet.CommandAck(AckKey.of(ID, 0x004200)));
        assertThat(TestDevices.received(ch)).isEmpty();
        assertThat(devices.server.unmatchedAcks()).isEqualTo(1);
        assertThat(devices.metrics.scrape())
                .anyMatch(m -> m.getMetadata().getPrometheusName().equals("tcp_comm_unmatched_acks"));
    }

    @Test
    void controlAnswerLeadsToOneMeshQueryWhoseAnswerFeedsTheModel() {
        EmbeddedChannel ch = devices.connect(ID);
        TestDevices.send(ch, Packets.controlAnswer(ID, 0x152b00));
        List<Packet.Command> query = TestDevices.commands(ch);
        assertThat(query).singleElement().satisfies(q -> {
            assertThat(q.frame().orElseThrow().opcode()).isEqualTo(0x52);
            assertThat(q.bytes().length()).isEqualTo(29);
        });
        TestDevices.send(ch, Packets.controlAnswer(ID, 0x152b00));
        assertThat(TestDevices.commands(ch)).isEmpty(); // once per connection
        Packet.Command answer = MeshQuery.answer(
                ID, 0, 0, List.of(new MeshQuery.Entry(5, false, 0, 0), new MeshQuery.Entry(7, true, 100, 100)));
        TestDevices.send(ch, answer, new Packet.CommandAck(query.get(0).key()));
        // The answer is a device 0x73: it gets a 0x7B receipt; the receipt of our query gets nothing.
        assertThat(TestDevices.received(ch)).containsExactly(new Packet.CommandAck(answer.key()));
        assertThat(devices.registry().endpointFor(7)).isEqualTo(ID);
        assertThat(devices.server.unmatchedAcks()).isZero();
    }

    @Test
    void statusWithBadChecksumIsAcknowledgedCountedAndNotApplied() {
        EmbeddedChannel ch = devices.connect(ID);
        byte[] bytes = PacketCodec.encode(StatusReport.ownState(ID, 0x000500, 1, 9, true, true, 10, 0, 0, 0, 0));
        bytes[40] ^= 1;
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        assertThat(TestDevices.received(ch)).hasSize(2);
        assertThat(devices.registry().states().get(9)).isEmpty();
        assertThat(devices.metrics.counterValue(Metrics.DECODE_ERROR, "bad_checksum"))
                .isEqualTo(1);
    }

    @Test
    void aConnectionThatNeverSaysHelloIsClosed() {
        EmbeddedChannel ch = devices.open();
        devices.clock.advance(Duration.ofSeconds(11));
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(devices.metrics.counterValue(Metrics.CONNECTION_FAILURES, "hello_timeout"))
                .isEqualTo(1);
    }

    @Test
    void dataBeforeHelloClosesTheConnection() {
        EmbeddedChannel ch = devices.open();
        TestDevices.send(ch, Packets.deviceInfo(ID));
        assertThat(ch.isOpen()).isFalse();
        assertThat(devices.metrics.counterValue(Metrics.CONNECTION_FAILURES, "no_hello"))
                .isEqualTo(1);
    }

    @Test
    void aSilentDeviceIsClosedAfterTheHeartbeatTimeoutAndAHeartbeatKeepsItOpen() {
        EmbeddedChannel ch = devices.connect(ID);
        devices.clock.advance(Duration.ofSeconds(45));
        TestDevices.send(ch, new Packet.Heartbeat());
        devices.clock.advance(Duration.ofSeconds(45));
        assertThat(ch.isOpen()).isTrue();
        devices.clock.advance(Duration.ofSeconds(20));
        assertThat(ch.isOpen()).isFalse();
        assertThat(devices.registry().find(ID)).isNull();
        assertThat(devices.metrics.counterValue(Metrics.CONNECTION_FAILURES, "heartbeat_timeout"))
                .isEqualTo(1);
    }

    @Test
    void aDeviceTricklingBytesWithoutFinishingAPacketCountsAsSilent() {
        EmbeddedChannel ch = devices.connect(ID);
        // Four bytes of a heartbeat header, over and over, one a second: bytes arrive, no packet ever does.
        byte[] partial = {(byte) 0xD3, 0, 0, 0};
        int seconds = 0;
        while (ch.isOpen() && seconds < 200) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {partial[seconds % 4]}));
            devices.clock.advance(Duration.ofSeconds(1));
            seconds++;
        }
        // Heartbeat timeout 60 s, checked every 15 s.
        assertThat(seconds).isBetween(60, 76);
        assertThat(devices.metrics.counterValue(Metrics.CONNECTION_FAILURES, "heartbeat_timeout"))
                .isEqualTo(1);
    }

    @Test
    void aReconnectReplacesTheOldSessionCleanly() {
        EmbeddedChannel first = devices.connect(ID);
        DeviceSession old = devices.registry().find(ID);
        EmbeddedChannel second = devices.connect(ID);
        first.runPendingTasks();
        assertThat(first.isOpen()).isFalse();
        assertThat(devices.registry().find(ID)).isNotSameAs(old);
        assertThat(devices.registry().size()).isEqualTo(1);
        assertThat(second.isOpen()).isTrue();
    }

    @Test
    void tlsBytesOnThePlaintextPortAreCountedAndClosed() {
        EmbeddedChannel ch = devices.open();
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01}));
        } catch (RuntimeException expectedFromEmbedded) {
            // EmbeddedChannel rethrows what the pipeline handled; the handler has closed the channel.
        }
        assertThat(ch.isOpen()).isFalse();
        assertThat(devices.metrics.counterValue(Metrics.DECODE_ERROR, "tls_on_plaintext"))
                .isEqualTo(1);
        assertThat(devices.metrics.counterValue(Metrics.CONNECTION_FAILURES, "tls_on_plaintext"))
                .isEqualTo(1);
    }

    @Test
    void connectionsBeyondTheLimitAreRefused() {
        TestDevices small = new TestDevices(
                DeviceServerConfig.defaults().withLimits(Duration.ofSeconds(60), Duration.ofSeconds(10), 2));
        EmbeddedChannel a = small.open();
        EmbeddedChannel b = small.open();
        EmbeddedChannel c = small.open();
        assertThat(a.isOpen()).isTrue();
        assertThat(b.isOpen()).isTrue();
        assertThat(c.isOpen()).isFalse();
        assertThat(small.metrics.counterValue(Metrics.CONNECTION_FAILURES, "too_many_connections"))
                .isEqualTo(1);
        a.close();
        assertThat(small.open().isOpen()).isTrue();
    }
}
