package dev.cync.canary.transport;

/**
 * How a command resolved: success, or failure with exactly one reason (docs/design.md rule 3, "every command
 * resolves exactly once"). The label is the value of the {@code outcome} label of
 * {@code tcp_comm_packet_sent_total}, and the word used for the reason in the API and the docs.
 */
public enum Outcome {
    SUCCESS("success"),
    TIMEOUT("timeout"),
    WRITE_ERROR("write_error"),
    DISCONNECTED("disconnected"),
    QUEUE_FULL("queue_full"),
    REJECTED("rejected"),
    SHUTDOWN("shutdown"),
    /** The device sent its receipt but no execution ack before the deadline: it did not do it. */
    NOT_EXECUTED("not_executed"),
    /** No connection reported the target mesh id: nothing was sent. */
    UNKNOWN_TARGET("unknown_target");

    private final String label;

    Outcome(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
