package dev.cync.canary.http;

import dev.cync.canary.metrics.Metrics;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One job: at most {@code max} connections at once. One more is answered with a bare 503 and
 * closed, and counted in {@code canary_api_rejected_total{reason="too_many_connections"}}. With the
 * header timeout this bounds what slow clients can hold. Shared by every connection of a server
 * (an atomic counter).
 */
@ChannelHandler.Sharable
final class HttpConnectionLimit extends ChannelInboundHandlerAdapter {

    private static final byte[] BUSY = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                    + "Connection: close\r\nContent-Length: 60\r\n\r\n"
                    + "{\"error\":\"too many HTTP connections; try again in a moment\"}")
            .getBytes(StandardCharsets.US_ASCII);

    private final int max;
    private final Metrics metrics;
    private final AtomicInteger open = new AtomicInteger();

    HttpConnectionLimit(int max, Metrics metrics) {
        this.max = max;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (open.incrementAndGet() > max) {
            metrics.apiRejected("too_many_connections");
            ctx.channel().config().setAutoRead(false);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(BUSY)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        open.decrementAndGet();
        ctx.fireChannelInactive();
    }

    int open() {
        return open.get();
    }
}
