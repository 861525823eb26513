package dev.cync.canary.bench;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** One arm of the bench: a way to send commands, measured the same way as the others. */
public enum Arm {
    /** Write the command and wait for its execution ack, no transport logic: the practical limit. */
    RAW,
    /** The legacy transport. */
    LEGACY,
    /** {@code ReliableTransport}, without the router. */
    RELIABLE,
    /** Legacy through the canary router at 0%, with dark launch mirroring every device to the new transport. */
    MIRROR;

    /** The arm's name on the command line and in the report. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The arm named {@code label}, if there is one. */
    public static Optional<Arm> parse(String label) {
        return Arrays.stream(values()).filter(a -> a.label().equals(label)).findFirst();
    }
}
