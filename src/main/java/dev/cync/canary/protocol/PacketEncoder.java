package dev.cync.canary.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes {@link Packet}s to the wire. Stateless, so one instance serves every channel. */
@ChannelHandler.Sharable
public final class PacketEncoder extends MessageToByteEncoder<Packet> {

    public PacketEncoder() {
        super(Packet.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Packet packet, ByteBuf out) {
        PacketCodec.encode(packet, out);
    }
}
