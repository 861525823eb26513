package dev.cync.canary.device;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.PacketDecodeException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job, at the end of the pipeline: an error anywhere in it closes the connection with a counted
 * reason (the decoder's own reason for undecodable bytes, TLS and I/O failures by kind), and only an
 * unexpected one is logged with its trace. Confined to the channel's event loop.
 */
final class SessionErrors extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SessionErrors.class);

    private final DeviceSession session;
    private final Metrics metrics;

    SessionErrors(DeviceSession session, Metrics metrics) {
        this.session = session;
        this.metrics = metrics;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof PacketDecodeException e) {
            SessionClose.fail(ctx, metrics, e.reason().label(), e.getMessage());
        } else if (c instanceof NotSslRecordException) {
            SessionClose.fail(ctx, metrics, "not_tls_on_tls_port", "plaintext bytes on the TLS port");
        } else if (c instanceof SSLException) {
            SessionClose.fail(ctx, metrics, "tls_handshake_failed", c.getMessage());
        } else if (c instanceof IOException) {
            SessionClose.fail(ctx, metrics, "io_error", c.getMessage());
        } else {
            log.warn("unexpected error on {} ({}); closing it", session.remoteAddress(), session.deviceId(), c);
            SessionClose.fail(ctx, metrics, "internal_error", String.valueOf(c));
        }
    }
}
