package dev.cync.canary.device;

import dev.cync.canary.metrics.Metrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closing a connection for a reason, shared by the session's handlers: the first reason is the one
 * counted in {@code tcp_comm_connection_failures_total}, whichever handler gives it, so a connection
 * that fails two ways at once (a timeout and the exception its close causes) is counted once.
 */
final class SessionClose {

    private static final Logger log = LoggerFactory.getLogger(SessionClose.class);
    private static final AttributeKey<String> REASON = AttributeKey.valueOf("cync.closeReason");

    private SessionClose() {}

    /** Closes the connection; counts {@code reason} unless an earlier one was counted. Event loop only. */
    static void fail(ChannelHandlerContext ctx, Metrics metrics, String reason, String detail) {
        if (ctx.channel().attr(REASON).setIfAbsent(reason) == null) {
            metrics.connectionFailure(reason);
            log.debug("closing {}: {}: {}", ctx.channel().remoteAddress(), reason, detail);
        }
        ctx.close();
    }
}
