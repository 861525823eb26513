package dev.cync.canary.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.NotSslRecordException;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job: turns a whole request into an {@link HttpCall}, has the {@link HttpRouter} answer it,
 * and writes the reply. Open routes ({@code /healthz}, {@code /metrics}) are answered on the I/O
 * thread, so nothing an API call does can delay them; API routes run on the bounded API pool (a
 * full pool answers 503 at once). A peer that hangs up early is a debug line, never a stack trace.
 * Stateless: one instance serves every connection of a server.
 */
@ChannelHandler.Sharable
final class HttpDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(HttpDispatcher.class);

    private final HttpRouter router;
    private final ExecutorService apiPool;

    HttpDispatcher(HttpRouter router, ExecutorService apiPool) {
        this.router = router;
        this.apiPool = apiPool;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            Throwable c = request.decoderResult().cause();
            reply(ctx, router.error(400, "malformed HTTP request: " + (c == null ? "?" : c.getMessage())), false);
            return;
        }
        HttpCall call;
        try {
            call = call(ctx, request);
        } catch (IllegalArgumentException e) {
            reply(ctx, router.error(400, e.getMessage()), false);
            return;
        }
        if (router.runsInline(call)) {
            reply(ctx, router.dispatch(call), keepAlive);
            return;
        }
        try {
            apiPool.execute(() -> reply(ctx, router.dispatch(call), keepAlive));
        } catch (RejectedExecutionException e) {
            reply(
                    ctx,
                    router.refuse(new ApiError(503, "busy", "the admin API is busy with other calls; try again")),
                    false);
        }
    }

    private static HttpCall call(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        Map<String, String> query = new HashMap<>();
        for (Map.Entry<String, List<String>> e : uri.parameters().entrySet()) {
            if (e.getValue().size() != 1) {
                throw new IllegalArgumentException("query parameter '" + LogText.escape(e.getKey()) + "' is given "
                        + e.getValue().size() + " times; give it once");
            }
            query.put(e.getKey(), e.getValue().get(0));
        }
        Map<String, String> headers = new HashMap<>();
        for (Map.Entry<String, String> h : request.headers()) {
            headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
        }
        String path;
        try {
            path = uri.path();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the path is not valid percent-encoding");
        }
        return new HttpCall(
                request.method().name(),
                path,
                query,
                headers,
                ByteBufUtil.getBytes(request.content()),
                List.of(),
                String.valueOf(ctx.channel().remoteAddress()));
    }

    private static void reply(ChannelHandlerContext ctx, HttpReply reply, boolean keepAlive) {
        FullHttpResponse r = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
        r.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        reply.headers().forEach((k, v) -> r.headers().set(k, v));
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ChannelFuture f = ctx.writeAndFlush(r);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof IOException
                || c instanceof SSLException
                || c instanceof NotSslRecordException
                || c instanceof PrematureChannelClosureException) {
            // The peer hung up, reset, or spoke something else (plaintext on the TLS port): nothing to answer.
            log.debug("HTTP connection from {} ended: {}", ctx.channel().remoteAddress(), c.toString());
        } else {
            log.warn("HTTP connection from {} failed: {}", ctx.channel().remoteAddress(), c.toString());
        }
        ctx.close();
    }
}
