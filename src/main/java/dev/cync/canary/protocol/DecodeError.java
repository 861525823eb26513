package dev.cync.canary.protocol;

/**
 * Why bytes from a device were not accepted as a packet. The {@link #label()} is the {@code reason}
 * label of {@code tcp_comm_decode_error_total}.
 */
public enum DecodeError {
    /** The type byte is not one seen in real traffic: the stream is out of sync. */
    UNKNOWN_TYPE("unknown_type"),
    /** Bytes 1-2 of a header are not zero: the stream is out of sync. */
    NONZERO_HEADER("nonzero_header"),
    /** The header announces more than {@link PacketFramer#MAX_PACKET} bytes. */
    OVERSIZED("oversized"),
    /** The length is right but the structure is not (e.g. a framed packet without its end marker). */
    MALFORMED("malformed"),
    /** A framed packet whose inner checksum does not match. */
    BAD_CHECKSUM("bad_checksum"),
    /** The connection opened with a TLS handshake on the plaintext port. */
    TLS_ON_PLAINTEXT("tls_on_plaintext"),
    /** Too many bytes discarded in a row while resynchronising: the peer is not speaking Cync. */
    GARBAGE_LIMIT("garbage_limit");

    private final String label;

    DecodeError(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
