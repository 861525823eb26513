package dev.cync.canary.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.protocol.Packet;
import dev.cync.canary.protocol.Packets;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceSessionTest {

    static final DeviceId ID = DeviceId.parse("3d54861c");
    final TestDevices devices = new TestDevices(DeviceServerConfig.defaults()
            .withLimits(Duration.ofSeconds(60), Duration.ofSeconds(10), 100));

    @Test
    void answersTheHandshakeAsRealServersDo() {
        EmbeddedChannel ch = devices.open();
        TestDevices.send(ch, new Packet.Hello(ID, "1e07d8ce0a617a37"), new Packet.Connect(), Packets.deviceInfo(ID),
                new Packet.Heartbeat());
        List<Packet> answers = TestDevices.received(ch);
        assertThat(answers).hasSize(4);
        assertThat(answers.get(0)).isEqualTo(new Packet.HelloAck());
        assertThat(answers.get(1)).isInstanceOfSatisfying(Packet.ServerTime.class,
                t -> assertThat(t.localTime()).isEqualTo(LocalDateTime.of(2026, 1, 1, 0, 0, 0)));
        assertThat(answers.get(2)).isEqualTo(new Packet.DeviceInfoAck());
        assertThat(answers.get(3)).isEqualTo(new Packet.HeartbeatAck());
        assertThat(devices.registry().find(ID)).isNotNull();
    }

    @Test
    void statusIsAcknowledgedEveryTimeButAppliedOnce() {
        EmbeddedChannel ch = devices.connect(ID);
        DeviceSession s = devices.registry().find(ID);
        Packet.Status on = Packets.powerStatus(ID, 5, true);
        TestDevices.send(ch, on);
        assertThat(s.power()).contains(true);
        s.confirmPower(false); // a later confirmed command changed it
        TestDevices.send(ch, on); // the same broadcast again: acknowledged, not applied
        assertThat(TestDevices.received(ch)).containsExactly(new Packet.StatusAck(0x000500), new Packet.StatusAck(0x000500));
        assertThat(s.power()).contains(false);
    }

    @Test
    void statusWithBadChecksumIsAcknowledgedCountedAndNotApplied() {
        EmbeddedChannel ch = devices.connect(ID);
        byte[] bytes = dev.cync.canary.protocol.PacketCodec.encode(Packets.powerStatus(ID, 5, true));
        bytes[40] ^= 1;
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        assertThat(TestDevices.received(ch)).hasSize(1);
        assertThat(devices.registry().find(ID).power()).isEmpty();
        assertThat(devices.metrics.counterValue(Metrics.DECODE_ERROR, "bad_checksum")).isEqualTo(1);
    }

    @Test
    void aConnectionThatNeverSaysHelloIsClosed() {
        EmbeddedChannel ch = devices.open();
        devices.clock.advance(Duration.ofSeconds(11));
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(devices.metrics.counterValue(Metrics.CONNECTION_FAILURES, "hello_timeout")).isEqualTo(1);
    }

    @Test
    void dataBeforeHelloClosesTheConnection() {
        EmbeddedChannel ch = devices.open();
        TestDevices.send(ch, Packets.deviceInfo(ID));
        assertThat(ch.isOpen()).isFalse();
        assertThat(devices.metrics.counterValue(Metrics.CONNECTION_FAILURES, "no_hello")).isEqualTo(1);
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
        assertThat(devices.metrics.counterValue(Metrics.CONNECTION_FAILURES, "heartbeat_timeout")).isEqualTo(1);
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
        assertThat(devices.metrics.counterValue(Metrics.CONNECTION_FAILURES, "heartbeat_timeout")).isEqualTo(1);
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
        assertThat(devices.metrics.counterValue(Metrics.DECODE_ERROR, "tls_on_plaintext")).isEqualTo(1);
        assertThat(devices.metrics.counterValue(Metrics.CONNECTION_FAILURES, "tls_on_plaintext")).isEqualTo(1);
    }

    @Test
    void connectionsBeyondTheLimitAreRefused() {
        TestDevices small = new TestDevices(DeviceServerConfig.defaults().withLimits(Duration.ofSeconds(60), Duration.ofSeconds(10), 2));
        EmbeddedChannel a = small.open();
        EmbeddedChannel b = small.open();
        EmbeddedChannel c = small.open();
        assertThat(a.isOpen()).isTrue();
        assertThat(b.isOpen()).isTrue();
        assertThat(c.isOpen()).isFalse();
        assertThat(small.metrics.counterValue(Metrics.CONNECTION_FAILURES, "too_many_connections")).isEqualTo(1);
        a.close();
        assertThat(small.open().isOpen()).isTrue();
    }
}
