package dev.cync.canary.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CyncFrameDecoderTest {

    private final List<DecodeError> errors = new ArrayList<>();
    private final List<Integer> discarded = new ArrayList<>();
    private final DecodeListener listener = (reason, bytes) -> {
        errors.add(reason);
        discarded.add(bytes);
    };

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new CyncFrameDecoder(listener), new PacketDecoder(listener));
    }

    private static ByteBuf buf(byte[]... parts) {
        ByteBuf b = Unpooled.buffer();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b;
    }

    private static List<Packet> drain(EmbeddedChannel ch) {
        List<Packet> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            out.add((Packet) o);
        }
        return out;
    }

    @Test
    void packetSplitAcrossReadsIsReassembled() {
        EmbeddedChannel ch = channel();
        byte[] cmd = Vectors.get("command_power_on");
        for (byte b : cmd) {
            ch.writeInbound(buf(new byte[] {b}));
        }
        assertThat(drain(ch)).singleElement().isInstanceOf(Packet.Command.class);
        assertThat(errors).isEmpty();
    }

    @Test
    void severalPacketsInOneReadAreAllDelivered() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(buf(
                Vectors.get("heartbeat"),
                Vectors.get("status_42"),
                Vectors.get("command_ack"),
                Vectors.get("heartbeat")));
        assertThat(drain(ch))
                .extracting(p -> p.getClass().getSimpleName())
                .containsExactly("Heartbeat", "Status", "CommandAck", "Heartbeat");
    }

    @Test
    void oversizedLengthIsRefusedFromTheHeaderWithoutBuffering() {
        CyncFrameDecoder decoder = new CyncFrameDecoder(listener);
        ByteBuf in = buf(Bytes.fromHex("43 00 00 ff ff").toArray(), Vectors.get("heartbeat"));
        ByteBuf frame = decoder.decodeOne(in);
        assertThat(errors).containsExactly(DecodeError.OVERSIZED);
        assertThat(discarded).containsExactly(5);
        assertThat(frame.readableBytes()).isEqualTo(5);
        assertThat((int) frame.getUnsignedByte(0)).isEqualTo(0xD3);
        frame.release();
    }

    @Test
    void nonZeroHeaderBytesAreADesyncAndTheNextPacketIsFound() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(buf(Bytes.fromHex("d3 00 05 00 00").toArray(), Vectors.get("heartbeat")));
        assertThat(drain(ch)).singleElement().isInstanceOf(Packet.Heartbeat.class);
        assertThat(errors).containsExactly(DecodeError.NONZERO_HEADER);
    }

    @Test
    void garbageAcrossSeveralReadsCountsAsOneDesync() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(buf(Vectors.get("heartbeat")));
        ch.writeInbound(buf(new byte[] {0x01, 0x02, 0x03}));
        ch.writeInbound(buf(new byte[] {0x04, 0x05}));
        ch.writeInbound(buf(Vectors.get("heartbeat")));
        assertThat(drain(ch)).hasSize(2);
        assertThat(errors).containsExactly(DecodeError.UNKNOWN_TYPE);
    }

    @Test
    void tlsOnThePlaintextPortClosesWithAClearReason() {
        EmbeddedChannel ch = channel();
        assertThatThrownBy(() -> ch.writeInbound(
                        buf(Bytes.fromHex("16 03 01 02 00 01 00 01 fc 03 03").toArray())))
                .isInstanceOf(DecoderException.class)
                .hasRootCauseInstanceOf(PacketDecodeException.class)
                .hasMessageContaining("tls_on_plaintext");
        assertThat(errors).containsExactly(DecodeError.TLS_ON_PLAINTEXT);
    }

    @Test
    void tlsIsOnlyRecognisedAtTheStartOfAConnection() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(buf(Vectors.get("heartbeat"), Bytes.fromHex("16 03 01").toArray(), Vectors.get("heartbeat")));
        assertThat(drain(ch)).hasSize(2);
        assertThat(errors).containsExactly(DecodeError.UNKNOWN_TYPE);
    }

    @Test
    void endlessGarbageHitsTheLimitAndCloses() {
        CyncFrameDecoder decoder = new CyncFrameDecoder(listener, 100);
        ByteBuf in = buf(new byte[] {0x01});
        decoder.decodeOne(in);
        ByteBuf more = buf(new byte[200]);
        assertThatThrownBy(() -> decoder.decodeOne(more))
                .isInstanceOfSatisfying(
                        PacketDecodeException.class, e -> assertThat(e.reason()).isEqualTo(DecodeError.GARBAGE_LIMIT));
    }

    @Test
    void malformedPacketIsCountedAndTheConnectionCarriesOn() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(buf(Vectors.get("command_no_end_marker"), Vectors.get("command_ack")));
        assertThat(drain(ch)).singleElement().isInstanceOf(Packet.CommandAck.class);
        assertThat(errors).containsExactly(DecodeError.MALFORMED);
        assertThat(ch.isActive()).isTrue();
    }

    @Test
    void encoderWritesWhatTheDecoderReads() {
        EmbeddedChannel out = new EmbeddedChannel(new PacketEncoder());
        out.writeOutbound(
                new Packet.HelloAck(),
                new MeshCommand(DeviceId.parse("01020304"), 0x900, 9, 0x50, new Setting.Power(true)).toPacket());
        EmbeddedChannel in = channel();
        ByteBuf b;
        while ((b = out.readOutbound()) != null) {
            in.writeInbound(b);
        }
        assertThat(drain(in)).hasSize(2);
    }
}
