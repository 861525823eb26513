package dev.cync.canary.http;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.time.ExecutorScheduler;
import dev.cync.canary.time.Scheduler;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One job: a connection gets {@code headerTimeout} to deliver a request's headers (from its start,
 * or from the end of the previous response: an idle keep-alive connection is bounded the same way)
 * and then {@code bodyTimeout} to deliver the body. A peer that sends half a request and waits
 * (slowloris) is closed when its time is up, with 408 if it had started a body; counted in
 * {@code canary_api_rejected_total{reason="timeout"}}. While a route runs there is no deadline.
 * Sits between the HTTP codec and the aggregator; confined to the channel's event loop.
 */
final class HttpDeadlines extends ChannelDuplexHandler {

    private final Duration headerTimeout;
    private final Duration bodyTimeout;
    private final Metrics metrics;
    private Scheduler.Cancellable timer;
    private boolean inBody;

    HttpDeadlines(Duration headerTimeout, Duration bodyTimeout, Metrics metrics) {
        this.headerTimeout = headerTimeout;
        this.bodyTimeout = bodyTimeout;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        arm(ctx, headerTimeout);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            inBody = true;
            arm(ctx, bodyTimeout);
        }
        if (msg instanceof LastHttpContent) {
            inBody = false;
            disarm();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent && !promise.isVoid()) {
            promise.addListener(f -> {
                if (f.isSuccess() && ctx.channel().isActive()) {
                    arm(ctx, headerTimeout);
                }
            });
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
    }

    private void arm(ChannelHandlerContext ctx, Duration timeout) {
        disarm();
        timer = new ExecutorScheduler(ctx.executor()).schedule(() -> expire(ctx), timeout);
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        metrics.apiRejected("timeout");
        if (inBody) {
            byte[] body = ("{\"error\":\"the request body did not arrive within " + bodyTimeout.toMillis() + " ms\"}\n")
                    .getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT, Unpooled.wrappedBuffer(body));
            r.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpReply.JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }
}
