package dev.cync.canary.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a device's TCP stream into packets, emitted as retained {@link ByteBuf} slices of exactly
 * one packet each (header included).
 *
 * <p>Garbage policy. A header that cannot start a packet (unknown type, non-zero bytes 1-2, a length
 * over {@link PacketFramer#MAX_PACKET}) means the stream is out of sync. The decoder reports it to
 * the {@link DecodeListener} once per desync episode (however many reads the garbage spans), then <em>resynchronises</em>: it drops bytes up to the next position
 * that could start a packet and carries on, because a device that glitched once usually recovers
 * and dropping its connection would cost a reconnect. It gives up and throws
 * {@link PacketDecodeException} ({@link DecodeError#GARBAGE_LIMIT}) after more than
 * {@code maxGarbageBytes} bytes dropped without a good packet in between, and at once
 * ({@link DecodeError#TLS_ON_PLAINTEXT}) when the connection opens with a TLS handshake record: such
 * a peer will never speak plaintext Cync, so there is nothing to resynchronise to. The caller
 * closes the connection on either.
 *
 * <p>Memory: it never buffers more than one incomplete packet (at most {@code MAX_PACKET} bytes)
 * beyond what the last read delivered, and it refuses an oversized length from the header alone.
 */
public final class CyncFrameDecoder extends ByteToMessageDecoder {

    public static final int DEFAULT_MAX_GARBAGE_BYTES = 4096;

    private final DecodeListener listener;
    private final int maxGarbageBytes;
    /** Bytes dropped since the last good packet; bounded by maxGarbageBytes. */
    private int garbageRun;
    /** True from a desync until the next good packet: one desync episode is reported once. */
    private boolean resyncing;

    private boolean started;

    public CyncFrameDecoder(DecodeListener listener) {
        this(listener, DEFAULT_MAX_GARBAGE_BYTES);
    }

    public CyncFrameDecoder(DecodeListener listener, int maxGarbageBytes) {
        if (maxGarbageBytes < 1) {
            throw new IllegalArgumentException("maxGarbageBytes must be >= 1, got " + maxGarbageBytes);
        }
        this.listener = listener;
        this.maxGarbageBytes = maxGarbageBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        ByteBuf frame;
        while ((frame = decodeOne(in)) != null) {
            out.add(frame);
        }
    }

    /**
     * Takes the next whole packet off {@code in}, or returns null when none is complete yet.
     * Public for benchmarks and tests that drive the decoder without a channel.
     */
    public ByteBuf decodeOne(ByteBuf in) {
        for (; ; ) {
            int index = in.readerIndex();
            int readable = in.readableBytes();
            if (readable == 0) {
                return null;
            }
            if (!started) {
                if (readable < 2 && in.getUnsignedByte(index) == 0x16) {
                    return null; // could be TLS; wait for the version byte before judging
                }
                if (isTlsRecord(in, index, readable)) {
                    listener.onDecodeError(DecodeError.TLS_ON_PLAINTEXT, readable);
                    in.skipBytes(readable);
                    throw new PacketDecodeException(
                            DecodeError.TLS_ON_PLAINTEXT,
                            "the peer opened with a TLS handshake; devices using TLS belong on the TLS port");
                }
            }
            int result = PacketFramer.frame(in, index, readable);
            if (result > 0) {
                started = true;
                garbageRun = 0;
                resyncing = false;
                ByteBuf frame = in.retainedSlice(index, result);
                in.readerIndex(index + result);
                return frame;
            }
            if (result == PacketFramer.NEED_MORE) {
                return null;
            }
            started = true;
            int dropped = skipToNextCandidate(in);
            if (!resyncing) {
                listener.onDecodeError(PacketFramer.error(result), dropped);
                resyncing = true;
            }
            garbageRun += dropped;
            if (garbageRun > maxGarbageBytes) {
                throw new PacketDecodeException(
                        DecodeError.GARBAGE_LIMIT,
                        garbageRun + " bytes without a valid packet (limit " + maxGarbageBytes + ")");
            }
        }
    }

    /** Bytes held waiting for the rest of a packet; safe to read from any thread, for a gauge. */
    public int bufferedBytes() {
        // Read off the event loop: the decoder drops its buffer (null) when the channel closes.
        ByteBuf held = internalBuffer();
        return held == null ? 0 : held.readableBytes();
    }

    /** Drops at least one byte, then up to the next position that could start a packet. */
    private static int skipToNextCandidate(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        int i = start + 1;
        while (i < end && !PacketFramer.plausibleStart(in, i, end - i)) {
            i++;
        }
        in.readerIndex(i);
        return i - start;
    }

    /** A TLS record header: content type 0x16 (handshake), version 0x03 0x00..0x04. */
    private static boolean isTlsRecord(ByteBuf in, int index, int readable) {
        return readable >= 2 && in.getUnsignedByte(index) == 0x16 && in.getUnsignedByte(index + 1) == 0x03;
    }
}
