package dev.cync.canary.protocol;

/** The codec's one error: bytes that are not an acceptable Cync packet, with the reason. */
public final class PacketDecodeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final DecodeError reason;

    public PacketDecodeException(DecodeError reason, String message) {
        super(reason.label() + ": " + message, null, false, false);
        this.reason = reason;
    }

    public DecodeError reason() {
        return reason;
    }
}
