package dev.cync.canary.rollout;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the rollout's timeline entries to its listeners in the order they were recorded, holding no
 * lock: the controller queues each entry under its monitor and calls {@link #deliver} after
 * releasing it, so a listener may call the controller back (or wait for a thread that does).
 *
 * <p>Concurrency, as the flag store's delivery: one thread delivers at a time; a thread that finds
 * another delivering leaves its entries to that thread, and the outer loop closes the gap between
 * the deliverer's last empty poll and its release of the flag.
 */
final class EventDelivery {

    private static final Logger log = LoggerFactory.getLogger(EventDelivery.class);

    private final List<Consumer<RolloutState.Event>> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<RolloutState.Event> undelivered = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean delivering = new AtomicBoolean();

    void addListener(Consumer<RolloutState.Event> listener) {
        listeners.add(listener);
    }

    /** Queues an entry for the listeners; call it under the controller's monitor, in timeline order. */
    void enqueue(RolloutState.Event e) {
        undelivered.add(e);
    }

    /** Delivers every queued entry, unless another thread is already doing so. */
    void deliver() {
        while (!undelivered.isEmpty() && delivering.compareAndSet(false, true)) {
            try {
                RolloutState.Event e;
                while ((e = undelivered.poll()) != null) {
                    for (Consumer<RolloutState.Event> l : listeners) {
                        try {
                            l.accept(e);
                        } catch (RuntimeException ex) {
                            log.error("a rollout listener failed on event {}; the transition stands", e.event(), ex);
                        }
                    }
                }
            } finally {
                delivering.set(false);
            }
        }
    }
}
