package dev.cync.canary.transport;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outcome listeners of one transport ({@link Transport#addOutcomeListener}) and the one way
 * they are told of an outcome, for every transport: the real ones and the modelled ones of a
 * rehearsal alike.
 *
 * <p>A listener that throws is logged and counted ({@link #failures}), and the next listener is
 * still told: the outcome stands whatever a listener does, so one bad listener (a metrics hook, the
 * SLO recorder, the status history) cannot starve the others or fail the command it observes.
 *
 * <p>Concurrency: thread-safe; listeners may be added while outcomes are being dispatched (a
 * listener added during a dispatch may miss that one outcome). Callers must hold no lock while
 * calling {@link #dispatch} (docs/design.md rule 11): a listener may take its own locks.
 */
public final class OutcomeListeners {

    private static final Logger log = LoggerFactory.getLogger(OutcomeListeners.class);

    private final List<Consumer<CommandOutcome>> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder failures = new LongAdder();

    public void add(Consumer<CommandOutcome> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Tells every listener of {@code outcome}, in the order they were added. Call it with no lock held. */
    public void dispatch(CommandOutcome outcome) {
        for (Consumer<CommandOutcome> l : listeners) {
            try {
                l.accept(outcome);
            } catch (RuntimeException e) {
                failures.increment();
                log.warn(
                        "an outcome listener failed on a {} {} outcome ({} listener failures so far); the outcome"
                                + " still stands",
                        outcome.transport().label(),
                        outcome.outcome().label(),
                        failures.sum(),
                        e);
            }
        }
    }

    /** How many times a listener has thrown since this transport started. */
    public long failures() {
        return failures.sum();
    }
}
