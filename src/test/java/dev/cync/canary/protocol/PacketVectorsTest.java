package dev.cync.canary.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PacketVectorsTest {

    static Stream<String> wellFormed() {
        return Vectors.all().keySet().stream()
                .filter(n -> !n.contains("no_end_marker")
                        && !n.contains("no_start_marker")
                        && !n.equals("heartbeat_with_body")
                        && !n.equals("hello_bad_auth_length"));
    }

    @ParameterizedTest
    @MethodSource("wellFormed")
    void everyWellFormedVectorReencodesToTheSameBytes(String name) {
        byte[] bytes = Vectors.get(name);
        assertThat(PacketCodec.encode(PacketCodec.decode(bytes))).as(name).isEqualTo(bytes);
    }

    @Test
    void hello() {
        Packet.Hello h = (Packet.Hello) PacketCodec.decode(Vectors.get("hello"));
        assertThat(h.deviceId()).isEqualTo(DeviceId.parse("3d54861c"));
        assertThat(h.authCode()).isEqualTo("1e07d8ce0a617a37");
        assertThat(PacketCodec.encode(new Packet.Hello(DeviceId.parse("3d54861c"), "1e07d8ce0a617a37")))
                .isEqualTo(Vectors.get("hello"));
    }

    @Test
    void fixedServerAnswersEncodeExactly() {
        assertThat(PacketCodec.encode(new Packet.HelloAck())).isEqualTo(Vectors.get("hello_ack"));
        assertThat(PacketCodec.encode(new Packet.DeviceInfoAck())).isEqualTo(Vectors.get("device_info_ack"));
        assertThat(PacketCodec.encode(new Packet.HeartbeatAck())).isEqualTo(Vectors.get("heartbeat_ack"));
        assertThat(PacketCodec.encode(new Packet.Heartbeat())).isEqualTo(Vectors.get("heartbeat"));
        assertThat(PacketCodec.encode(new Packet.Connect())).isEqualTo(Vectors.get("connect"));
        assertThat(PacketCodec.encode(new Packet.StatusAck(0x000200))).isEqualTo(Vectors.get("status_ack"));
    }

    @Test
    void serverTimeCarriesLocalTimeWeekdayAndOffset() {
        Packet.ServerTime t = (Packet.ServerTime) PacketCodec.decode(Vectors.get("server_time"));
        assertThat(t.localTime()).isEqualTo(LocalDateTime.of(2025, 11, 6, 2, 20, 40));
        assertThat(t.utcOffsetMinutes()).isEqualTo(-360);
        // 2025-11-06 is a Thursday: weekday byte 5 with Sunday = 1, as the capture shows
        assertThat(PacketCodec.encode(t)).isEqualTo(Vectors.get("server_time"));
    }

    @Test
    void deviceInfo() {
        Packet.DeviceInfo i = (Packet.DeviceInfo) PacketCodec.decode(Vectors.get("device_info_50"));
        assertThat(i.deviceId()).hasToString("325d5317");
        assertThat(i.payload().length()).isEqualTo(41);
        assertThat(PacketCodec.encode(Packets.deviceInfo(DeviceId.parse("325d5317"))))
                .isEqualTo(Vectors.get("device_info_12"));
    }

    @Test
    void statusBroadcastWithPowerState() {
        Packet.Status s = (Packet.Status) PacketCodec.decode(Vectors.get("status_42"));
        assertThat(s.deviceId()).hasToString("38e8cf46");
        assertThat(s.sequenceField()).isEqualTo(0x000900);
        assertThat(s.checksumValid()).isTrue();
        StatusReport r = s.report();
        assertThat(r.kind()).isEqualTo(StatusReport.Kind.OWN_STATE);
        assertThat(r.meshId()).isEqualTo(0xEE);
        assertThat(r.online()).isTrue();
        assertThat(r.on()).isTrue();
        assertThat(r.brightness()).isEqualTo(10);
    }

    @Test
    void statusChecksumUsesMarkerPositionNotTheFirst7eInTheDeviceId() {
        Packet.Status s = (Packet.Status) PacketCodec.decode(Vectors.get("status_42_7e_in_device_id"));
        assertThat(s.deviceId()).hasToString("7e7e7e7e");
        assertThat(s.checksumValid()).isTrue();
    }

    @Test
    void fiftyFiveByteStatusWithoutStartMarkerChecksAsIfTheMarkerWereAtByte12() {
        Packet.Status s = (Packet.Status) PacketCodec.decode(Vectors.get("status_55_no_start_marker"));
        assertThat(s.checksumValid()).isTrue();
        assertThat(s.report().kind()).isEqualTo(StatusReport.Kind.FIRMWARE);
        assertThat(s.report().firmware()).isEqualTo("11158");
    }

    @Test
    void theProxysSwitchModeFrameDecodesWithItsMarkerAtByte13() {
        Packet.Command c = (Packet.Command) PacketCodec.decode(Vectors.get("command_power_on"));
        assertThat(c.checksumValid()).isTrue();
        assertThat(c.key()).isEqualTo(AckKey.of(DeviceId.parse("45880f3a"), 0x001000));
        InnerFrame f = c.frame().orElseThrow();
        assertThat(f.markerOffset()).isEqualTo(13);
        assertThat(f.frameClass()).isEqualTo(0xF8);
        assertThat(f.opcode()).isEqualTo(0x8E);
        assertThat(MeshCommand.target(f)).isEqualTo(0x50);
        // Not a power command: f8 8e sets a wired switch's mode (docs/protocol.md revision 2).
        assertThat(c.command()).isEmpty();
    }

    @Test
    void commandChecksumUsesMarkerPositionNotTheFirst7eInTheDeviceId() {
        Packet.Command c = (Packet.Command) PacketCodec.decode(Vectors.get("command_7e_in_device_id"));
        assertThat(c.checksumValid()).isTrue();
        assertThat(c.deviceId()).hasToString("7e007e7e");
        Packet.Command vendor =
                new MeshCommand(DeviceId.parse("7e007e7e"), 0x7e7e00, 0x7e, 5, new Setting.Power(true)).toPacket();
        Packet.Command back = (Packet.Command) PacketCodec.decode(PacketCodec.encode(vendor));
        assertThat(back.checksumValid()).isTrue();
        assertThat(back.command())
                .contains(new MeshCommand(DeviceId.parse("7e007e7e"), 0x7e7e00, 0x7e, 5, new Setting.Power(true)));
    }

    @Test
    void badChecksumIsReportedNotThrown() {
        Packet.Command c = (Packet.Command) PacketCodec.decode(Vectors.get("command_bad_checksum"));
        assertThat(c.checksumValid()).isFalse();
    }

    @Test
    void framedPacketsWithoutMarkersAreMalformed() {
        for (String name : new String[] {"command_no_end_marker", "command_no_start_marker", "status_no_end_marker"}) {
            assertThatThrownBy(() -> PacketCodec.decode(Vectors.get(name)))
                    .as(name)
                    .isInstanceOfSatisfying(
                            PacketDecodeException.class,
                            e -> assertThat(e.reason()).isEqualTo(DecodeError.MALFORMED))
                    .hasMessageContaining("marker");
        }
    }

    @Test
    void wrongSizesAndFieldsAreMalformed() {
        assertThatThrownBy(() -> PacketCodec.decode(Vectors.get("heartbeat_with_body")))
                .hasMessage("malformed: 0xd3 expected 5 bytes, got 6");
        assertThatThrownBy(() -> PacketCodec.decode(Vectors.get("hello_bad_auth_length")))
                .hasMessageContaining("auth code length byte is 15");
    }

    @Test
    void commandAckAndReply() {
        Packet.CommandAck ack = (Packet.CommandAck) PacketCodec.decode(Vectors.get("command_ack"));
        assertThat(ack.key()).isEqualTo(AckKey.of(DeviceId.parse("45880f3a"), 0x001000));
        assertThat(PacketCodec.encode(Packet.CommandAckReply.answering(ack)))
                .isEqualTo(Vectors.get("command_ack_reply"));
    }

    @Test
    void simulatorStatusIsValidAndRoundTrips() {
        Packet.Status s =
                StatusReport.ownState(DeviceId.parse("0a0b0c0d"), 0x000700, 7, 300, true, false, 64, 30, 0, 0, 0);
        Packet.Status back = (Packet.Status) PacketCodec.decode(PacketCodec.encode(s));
        assertThat(back.checksumValid()).isTrue();
        assertThat(back.report().meshId()).isEqualTo(300);
        assertThat(back.report().on()).isFalse();
        assertThat(back.report().brightness()).isEqualTo(64);
    }

    @Test
    void badHeadersAreRefusedWithTheirReason() {
        assertThatThrownBy(() -> PacketCodec.decode(
                        Bytes.fromHex("16 03 01 00 05 01 02 03 04 05").toArray()))
                .isInstanceOfSatisfying(
                        PacketDecodeException.class, e -> assertThat(e.reason()).isEqualTo(DecodeError.UNKNOWN_TYPE));
        assertThatThrownBy(
                        () -> PacketCodec.decode(Bytes.fromHex("d3 00 01 00 00").toArray()))
                .isInstanceOfSatisfying(
                        PacketDecodeException.class, e -> assertThat(e.reason()).isEqualTo(DecodeError.NONZERO_HEADER));
        assertThatThrownBy(
                        () -> PacketCodec.decode(Bytes.fromHex("43 00 00 ff ff").toArray()))
                .isInstanceOfSatisfying(
                        PacketDecodeException.class, e -> assertThat(e.reason()).isEqualTo(DecodeError.OVERSIZED));
    }

    @Test
    void deviceIdTextForm() {
        assertThat(DeviceId.parse("FFFFFFFF").value()).isEqualTo(-1);
        assertThat(new DeviceId(-1)).hasToString("ffffffff");
        assertThatThrownBy(() -> DeviceId.parse("xyz")).hasMessageContaining("8 hex digits");
    }
}
