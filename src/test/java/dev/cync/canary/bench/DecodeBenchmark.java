package dev.cync.canary.bench;

import dev.cync.canary.protocol.CaptureReader;
import dev.cync.canary.protocol.CyncFrameDecoder;
import dev.cync.canary.protocol.DecodeListener;
import dev.cync.canary.protocol.PacketCodec;
import dev.cync.canary.protocol.PacketFramer;
import dev.cync.canary.protocol.PacketType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decoding the packet mix of the real captures (both files, every whole packet, in file order)
 * from one pooled direct buffer, the kind Netty hands a channel. Scores are per packet.
 *
 * <ul>
 *   <li>{@code nettyLengthFieldFraming}: Netty's LengthFieldBasedFrameDecoder, framing alone (the baseline);
 *   <li>{@code cyncFraming}: our frame decoder (framing plus header validation), same slices out;
 *   <li>{@code cyncDecode}: framing, validation, inner-frame checksum and ack key, allocation-free;
 *   <li>{@code cyncDecodeToPackets}: full decode to {@code Packet} records, as the session sees them.
 * </ul>
 *
 * Run: {@code scripts/jmh.sh DecodeBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DecodeBenchmark {

    /** Packets in the buffer; JMH divides by it through {@code opsPerInvocation}. */
    static final int PACKETS = 3013;

    ByteBuf input;
    BaselineDecoder baseline;
    CyncFrameDecoder cync;

    /** Exposes the protected single-frame decode, as our decoder's {@code decodeOne} is exposed. */
    static final class BaselineDecoder extends LengthFieldBasedFrameDecoder {
        BaselineDecoder() {
            super(PacketFramer.MAX_PACKET, 3, 2, 0, 0);
        }

        ByteBuf next(ByteBuf in) throws Exception {
            return (ByteBuf) decode(null, in);
        }
    }

    @Setup(Level.Trial)
    public void load() {
        byte[] stream = captureStream();
        input = PooledByteBufAllocator.DEFAULT.directBuffer(stream.length);
        input.writeBytes(stream);
        baseline = new BaselineDecoder();
        cync = new CyncFrameDecoder(DecodeListener.NONE);
    }

    @TearDown(Level.Trial)
    public void release() {
        input.release();
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void nettyLengthFieldFraming(Blackhole bh) throws Exception {
        ByteBuf in = input.readerIndex(0);
        ByteBuf frame;
        while ((frame = baseline.next(in)) != null) {
            bh.consume(frame.getByte(frame.readerIndex()));
            frame.release();
        }
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void cyncFraming(Blackhole bh) {
        ByteBuf in = input.readerIndex(0);
        ByteBuf frame;
        while ((frame = cync.decodeOne(in)) != null) {
            bh.consume(frame.getByte(frame.readerIndex()));
            frame.release();
        }
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void cyncDecode(Blackhole bh) {
        ByteBuf in = input;
        int index = 0;
        int end = in.writerIndex();
        while (index < end) {
            int length = PacketFramer.frame(in, index, end - index);
            if (length <= 0) {
                throw new IllegalStateException("capture stream out of sync at " + index);
            }
            int type = in.getUnsignedByte(index);
            if (type == 0x73 || type == 0x83) {
                bh.consume(PacketCodec.checksumValid(in, index, length));
            }
            if (type == 0x7B || type == 0x73) {
                bh.consume(PacketCodec.ackKeyBits(in, index));
            }
            index += length;
        }
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public void cyncDecodeToPackets(Blackhole bh) {
        ByteBuf in = input;
        int index = 0;
        int end = in.writerIndex();
        while (index < end) {
            int length = PacketFramer.frame(in, index, end - index);
            bh.consume(PacketCodec.decode(in, index, length));
            index += length;
        }
    }

    /** Every whole packet of both captures, concatenated; trailing bytes are left out. */
    static byte[] captureStream() {
        Path dir = Path.of(System.getProperty("cync.captures", "src/test/resources/captures"));
        ByteBuf all = Unpooled.buffer();
        int[] packets = {0};
        for (String name : new String[] {"cync-2025-11-06-a.txt", "cync-2025-11-06-b.txt"}) {
            try (BufferedReader r = Files.newBufferedReader(dir.resolve(name), StandardCharsets.UTF_8)) {
                CaptureReader.read(
                        r,
                        rec -> {
                            ByteBuf b = Unpooled.wrappedBuffer(rec.bytes().toArray());
                            int i = 0;
                            int len;
                            while (i < b.writerIndex()
                                    && (len = PacketFramer.frame(b, i, b.writerIndex() - i)) > 0
                                    && PacketType.isKnown(b.getByte(i))) {
                                all.writeBytes(b, i, len);
                                packets[0]++;
                                i += len;
                            }
                        },
                        p -> {});
            } catch (IOException e) {
                throw new UncheckedIOException("the benchmark needs the real captures in " + dir.toAbsolutePath(), e);
            }
        }
        if (packets[0] != PACKETS) {
            throw new IllegalStateException("expected " + PACKETS + " packets in the captures, found " + packets[0]);
        }
        byte[] out = new byte[all.readableBytes()];
        all.readBytes(out);
        return out;
    }
}
