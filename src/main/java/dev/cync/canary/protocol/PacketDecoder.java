package dev.cync.canary.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Turns each one-packet frame from {@link CyncFrameDecoder} into a {@link Packet}. A malformed
 * packet is reported and dropped; the connection and the packets after it are unaffected.
 */
@ChannelHandler.Sharable
public final class PacketDecoder extends MessageToMessageDecoder<ByteBuf> {

    private final DecodeListener listener;

    public PacketDecoder(DecodeListener listener) {
        super(ByteBuf.class);
        this.listener = listener;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        try {
            out.add(PacketCodec.decode(frame, frame.readerIndex(), frame.readableBytes()));
        } catch (PacketDecodeException e) {
            listener.onDecodeError(e.reason(), frame.readableBytes());
        }
    }
}
