package dev.cync.canary.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class CyncFrameDecoderProperties {

    /** Feeds {@code stream} in chunks cut at {@code cuts}, collecting frames; returns only its own error. */
    private static Outcome feed(byte[] stream, List<Integer> cuts, int maxGarbage) {
        CyncFrameDecoder decoder = new CyncFrameDecoder(DecodeListener.NONE, maxGarbage);
        ByteBuf cumulation = Unpooled.buffer();
        List<byte[]> frames = new ArrayList<>();
        int maxHeld = 0;
        int from = 0;
        List<Integer> points = new ArrayList<>(cuts.stream()
                .map(c -> Math.floorMod(c, stream.length + 1))
                .sorted()
                .toList());
        points.add(stream.length);
        try {
            for (int to : points) {
                if (to < from) {
                    continue;
                }
                cumulation.writeBytes(stream, from, to - from);
                from = to;
                ByteBuf f;
                while ((f = decoder.decodeOne(cumulation)) != null) {
                    byte[] b = new byte[f.readableBytes()];
                    f.readBytes(b);
                    f.release();
                    frames.add(b);
                }
                maxHeld = Math.max(maxHeld, cumulation.readableBytes());
                cumulation.discardReadBytes();
            }
        } catch (PacketDecodeException e) {
            return new Outcome(frames, maxHeld, e);
        }
        return new Outcome(frames, maxHeld, null);
    }

    record Outcome(List<byte[]> frames, int maxHeld, PacketDecodeException error) {}

    @Property(tries = 500)
    void arbitraryBytesCutAnywhereOnlyEverRaiseTheDecodersOwnError(
            @ForAll @Size(max = 3000) byte[] stream, @ForAll @Size(max = 20) List<Integer> cuts) {
        // Any other exception type escapes feed() and fails the property.
        Outcome o = feed(stream, cuts, CyncFrameDecoder.DEFAULT_MAX_GARBAGE_BYTES);
        for (byte[] f : o.frames()) {
            assertThat(f.length).isBetween(PacketFramer.HEADER_LENGTH, PacketFramer.MAX_PACKET);
            assertThat(PacketFramer.frame(Unpooled.wrappedBuffer(f), 0, f.length))
                    .isEqualTo(f.length);
        }
    }

    @Property(tries = 500)
    void neverHoldsMoreThanOneIncompletePacket(
            @ForAll @Size(max = 3000) byte[] stream, @ForAll @Size(max = 20) List<Integer> cuts) {
        Outcome o = feed(stream, cuts, Integer.MAX_VALUE);
        // What stays buffered after a read is at most one incomplete packet, never the claimed length.
        assertThat(o.maxHeld()).isLessThan(PacketFramer.MAX_PACKET);
    }

    @Property(tries = 300)
    void validPacketsAfterGarbageAreFoundAfterResynchronising(
            @ForAll("garbage") byte[] garbage,
            @ForAll("packetStreams") List<byte[]> packets,
            @ForAll @Size(max = 10) List<@IntRange(min = 0, max = 10_000) Integer> cuts) {
        ByteBuf all = Unpooled.buffer();
        all.writeBytes(garbage);
        packets.forEach(all::writeBytes);
        byte[] stream = new byte[all.readableBytes()];
        all.readBytes(stream);

        Outcome o = feed(stream, cuts, CyncFrameDecoder.DEFAULT_MAX_GARBAGE_BYTES);

        assertThat(o.error()).isNull();
        assertThat(o.frames()).hasSize(packets.size());
        for (int i = 0; i < packets.size(); i++) {
            assertThat(o.frames().get(i)).isEqualTo(packets.get(i));
        }
    }

    /** Garbage made of bytes that are not packet types, so the first plausible header is the real one. */
    @Provide
    Arbitrary<byte[]> garbage() {
        return Arbitraries.bytes()
                .filter(b -> !PacketType.isKnown(b))
                .array(byte[].class)
                .ofMinSize(1)
                .ofMaxSize(2000);
    }

    @Provide
    Arbitrary<List<byte[]>> packetStreams() {
        Arbitrary<byte[]> packet = Arbitraries.oneOf(
                Arbitraries.of(Vectors.all().values().stream().toList()),
                Combinators.combine(
                                Arbitraries.integers(),
                                Arbitraries.integers().between(0, 255),
                                Arbitraries.of(true, false))
                        .as((id, seq, on) -> PacketCodec.encode(
                                new MeshCommand(new DeviceId(id), seq << 8, seq, 0x50, new Setting.Power(on))
                                        .toPacket())));
        return packet.list().ofMinSize(1).ofMaxSize(20);
    }
}
