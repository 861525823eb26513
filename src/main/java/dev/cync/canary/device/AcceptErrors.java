package dev.cync.canary.device;

import dev.cync.canary.metrics.Metrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job, on the listening socket: an accept that fails (most often "Too many open files") is
 * counted as {@code accept_error} and logged as one line (the first, then every 1000th), instead of
 * Netty's stack trace per attempt. Accepting pauses for a second after such a failure (as Netty's
 * own acceptor would), so a full descriptor table does not spin an I/O thread.
 */
@ChannelHandler.Sharable
final class AcceptErrors extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(AcceptErrors.class);

    private final Metrics metrics;
    private final AtomicLong count = new AtomicLong();

    AcceptErrors(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        metrics.connectionFailure("accept_error");
        long n = count.incrementAndGet();
        if (n == 1 || n % 1000 == 0) {
            log.warn(
                    "accepting a device connection failed ({} so far): {}; if it says 'Too many open files', raise the"
                            + " process's open-file limit (ulimit -n) or lower server.maxConnections",
                    n,
                    cause.toString());
        }
        // Not passed on (the pipeline's tail would log the trace); the acceptor's pause, done here instead.
        var config = ctx.channel().config();
        if (config.isAutoRead()) {
            config.setAutoRead(false);
            ctx.channel().eventLoop().schedule(() -> config.setAutoRead(true), 1, TimeUnit.SECONDS);
        }
    }
}
