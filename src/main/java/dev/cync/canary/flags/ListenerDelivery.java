package dev.cync.canary.flags;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives flag states to a store's listeners in the order the store queued them, holding no lock.
 * Every store uses it the same way: queue a state while holding the store's own lock (so the queue's
 * order is the order of commits), then call {@link #deliver} after releasing it.
 *
 * <p>Concurrency: one thread delivers at a time. A thread that finds another delivering leaves its
 * states to that thread, so a listener may run on another changing thread and must not block. The
 * outer loop closes the gap between the deliverer's last empty poll and its release of the flag: a
 * state queued in that gap is seen by the deliverer's next check or by the queuing thread's own.
 */
final class ListenerDelivery {

    private static final Logger log = LoggerFactory.getLogger(ListenerDelivery.class);

    private final List<Consumer<FlagState>> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<FlagState> undelivered = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean delivering = new AtomicBoolean();

    void addListener(Consumer<FlagState> listener) {
        listeners.add(listener);
    }

    /** Queues a state for the listeners; call it under the store's lock, in commit order. */
    void enqueue(FlagState state) {
        undelivered.add(state);
    }

    /** Delivers every queued state, unless another thread is already doing so. */
    void deliver() {
        while (!undelivered.isEmpty() && delivering.compareAndSet(false, true)) {
            try {
                FlagState s;
                while ((s = undelivered.poll()) != null) {
                    for (Consumer<FlagState> l : listeners) {
                        try {
                            l.accept(s);
                        } catch (RuntimeException e) {
                            log.error("a flag listener failed after change {}; the change stands", s.version(), e);
                        }
                    }
                }
            } finally {
                delivering.set(false);
            }
        }
    }
}
