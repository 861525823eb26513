package dev.cync.canary.flags;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.support.Json;
import dev.cync.canary.time.Clock;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flags of several replicas, in etcd under {@code prefix}: {@code flags} (the current state, JSON)
 * and {@code audit/<version>} (one audit entry per change). Other shared documents (the rollout
 * state, the leader key, SLO counts) live under the same prefix.
 *
 * <p>Updates. A change is one transaction: "if {@code flags} still has the revision I read, put the
 * next state and its audit entry"; when another replica got there first, the transaction returns
 * the newer state and the change is computed again from it (the change is pure, C1), so concurrent
 * changes on different replicas never lose one. A leader's write also compares the leader key
 * (which holds its lease id): once the lease is gone, the write fails (fencing).
 *
 * <p>Seeing other replicas' changes. A watch on {@code flags} applies each new state as it is
 * committed; a read every {@link #RESYNC} is the backstop for a watch that stalls.
 *
 * <p>etcd unavailable. The last known state stays in force (never loosened). A rollback still
 * takes effect here at once and is written when etcd answers again; while it waits, states seen
 * from etcd that are not themselves rollbacks are not applied. Other changes fail with a message
 * saying etcd is unavailable. Every failed operation is counted ({@link #unavailableCount}).
 *
 * <p>Thread-safety: {@code current} is swapped under this object's lock, only forward in revision;
 * each state that comes into force is queued under that lock and given to the listeners after it
 * is released, in the order it came into force (contract C1, as the file store), on the changing
 * thread or the store's own thread.
 *
 * <p>Why one class: it is this replica's one view of etcd. The flags transaction, the
 * watch and its resync, the rollback held back while etcd is away and the shared documents (rollout
 * state, SLO counts) all go through the same client, the same fence and the same availability
 * accounting, and the flag paths change the same {@code current} under the one lock whose rule
 * (forward only in revision, a rollback never lost) is the store's safety argument; split, that
 * rule would have to hold across classes.
 */
public final class EtcdFlagStore implements FlagStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EtcdFlagStore.class);
    /** How often the state is read again, in case the watch stalls; also retries a pending rollback. */
    static final Duration RESYNC = Duration.ofSeconds(1);
    /** Concurrent changes retry this often at most before giving up with a message. */
    static final int MAX_ATTEMPTS = 64;
    /** Reads at start before the replica gives up (each bounded by the timeout). */
    static final int OPEN_ATTEMPTS = 5;

    private final EtcdSettings settings;
    private final Clock clock;
    private final Client client;
    private final KV kv;
    private final ByteSequence flagsKey;
    private final String auditPrefix;
    private final ObjectMapper json = Json.state();
    private final ListenerDelivery delivery = new ListenerDelivery();
    private final List<Consumer<Boolean>> availabilityListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService background;
    private final AtomicLong unavailable = new AtomicLong();
    private final AtomicLong writeFailures = new AtomicLong();
    private String pendingError;
    private Instant pendingSince;
    private Watch.Watcher watcher;

    /** The state in force here and the etcd revision it was read at (0: not in etcd yet). */
    private record Snapshot(FlagState state, long revision) {}

    private Snapshot current;
    /** A rollback applied here while etcd was unavailable, still to be written; null when none. */
    private PendingRollback pending;

    private boolean available = true;

    private record PendingRollback(String actor, String reason, Function<FlagState, FlagChange> change) {}

    private EtcdFlagStore(EtcdSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.client = Client.builder()
                .endpoints(settings.endpoints().toArray(String[]::new))
                .connectTimeout(settings.timeout())
                .build();
        this.kv = client.getKVClient();
        this.flagsKey = bytes(settings.prefix() + "flags");
        this.auditPrefix = settings.prefix() + "audit/";
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "etcd-flags-" + settings.replica());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects, reads the flags (the initial state when etcd has none yet) and starts watching.
     *
     * @throws IOException when etcd does not answer within the timeout: a replica that cannot read
     *         the shared flags does not start (missing state never loosens anything)
     */
    public static EtcdFlagStore open(EtcdSettings settings, Clock clock) throws IOException {
        EtcdFlagStore s = new EtcdFlagStore(settings, clock);
        s.current = new Snapshot(FlagState.initial(clock.instant()), -1);
        try {
            s.current = s.readAtStart();
        } catch (StoreUnavailableException e) {
            s.close();
            throw new StoreUnreachableException(
                    "etcd at " + String.join(",", settings.endpoints()) + " did not answer within "
                            + settings.timeout().toMillis()
                            + " ms; the replica does not start without the shared flags: start etcd, or"
                            + " check flags.etcd.endpoints in the config file",
                    e);
        }
        s.watch(s.current.revision());
        s.background.scheduleWithFixedDelay(s::resync, RESYNC.toMillis(), RESYNC.toMillis(), TimeUnit.MILLISECONDS);
        log.info(
                "flags in etcd at {} under {}: version {}",
                String.join(",", settings.endpoints()),
                settings.prefix(),
                s.current.state().version());
        return s;
    }

    public EtcdSettings settings() {
        return settings;
    }

    /** The client, shared with the leader election and the other documents under the prefix. */
    Client client() {
        return client;
    }

    @Override
    public synchronized FlagState current() {
        return current.state();
    }

    /** Operations that failed because etcd did not answer, since start. */
    public long unavailableCount() {
        return unavailable.get();
    }

    /** Whether the last operation on etcd succeeded. */
    public synchronized boolean available() {
        return available;
    }

    /** Whether a rollback applied here still waits to be written to etcd. */
    public synchronized boolean rollbackPending() {
        return pending != null;
    }

    /** Called with false when etcd stops answering and true when it answers again, outside locks. */
    public void addAvailabilityListener(Consumer<Boolean> l) {
        availabilityListeners.add(l);
    }

    @Override
    public void addListener(Consumer<FlagState> listener) {
        delivery.addListener(listener);
    }

    @Override
    public FlagState update(String actor, String reason, Function<FlagState, FlagChange> change) {
        return update(actor, reason, change, List::of);
    }

    /**
     * The fenced form: {@code fence} gives the comparisons (the leader key still holding this
     * replica's lease) that must hold for the write; empty for an unfenced write. A rollback is never
     * fenced: any replica may send everybody to legacy at any time.
     *
     * @throws FencedException when the fence no longer holds: this replica does not lead any more
     */
    FlagState update(String actor, String reason, Function<FlagState, FlagChange> change, Supplier<List<Cmp>> fence) {
        return update(actor, reason, change, fence, false);
    }

    /**
     * @param writePending true for the resync writing a pending rollback: it must reach etcd, so it
     *        does not take the local path below
     */
    private FlagState update(
            String actor,
            String reason,
            Function<FlagState, FlagChange> change,
            Supplier<List<Cmp>> fence,
            boolean writePending) {
        Snapshot base;
        synchronized (this) {
            base = current;
        }
        int unanswered = 0;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            FlagChange c = change.apply(base.state());
            AuditEntry entry = new AuditEntry(
                    base.state().version() + 1,
                    clock.instant(),
                    actor,
                    c.action(),
                    c.oldValue(),
                    c.newValue(),
                    reason == null ? "" : reason);
            FlagState next = c.next().committed(entry);
            if (!writePending && isRollback(next) && !available()) {
                // etcd is known not to answer: the rollback applies here now rather than after a timeout; the resync
                // writes it.
                writeFailures.incrementAndGet();
                return rollbackLocally(
                        actor,
                        reason,
                        change,
                        next,
                        new StoreUnavailableException(
                                "etcd did not answer the last operation (within "
                                        + settings.timeout().toMillis() + " ms)",
                                null));
            }
            List<Cmp> guard = isRollback(next) ? List.of() : fence.get();
            List<Cmp> cmps = new ArrayList<>(guard);
            cmps.add(new Cmp(flagsKey, Cmp.Op.EQUAL, CmpTarget.modRevision(base.revision())));
            TxnResponse r;
            try {
                r = call(kv.txn()
                        .If(cmps.toArray(Cmp[]::new))
                        .Then(
                                Op.put(flagsKey, bytes(write(next)), PutOption.DEFAULT),
                                Op.put(bytes(auditKey(entry.version())), bytes(write(entry)), PutOption.DEFAULT))
                        .Else(Op.get(flagsKey, GetOption.DEFAULT))
                        .commit());
            } catch (StoreUnavailableException e) {
                writeFailures.incrementAndGet();
                if (isRollback(next)) {
                    return rollbackLocally(actor, reason, change, next, e);
                }
                // Once more: the client moves to another member after one stops answering.
                if (++unanswered < 2) {
                    continue;
                }
                throw e;
            }
            if (r.isSucceeded()) {
                return applied(new Snapshot(next, r.getHeader().getRevision()), true);
            }
            Snapshot seen = snapshotOf(
                    r.getGetResponses().isEmpty() ? null : r.getGetResponses().get(0));
            if (seen.revision() == base.revision() && !guard.isEmpty()) {
                throw new FencedException("this replica (" + settings.replica() + ") no longer holds the leader lease; "
                        + "the change '" + c.action() + "' was not written");
            }
            base = seen;
            applied(seen, false);
        }
        throw new IllegalStateException(
                "the flags changed " + MAX_ATTEMPTS + " times while '" + actor + "' tried to change them; try again");
    }

    /**
     * True when {@code s} sends nobody to the new transport (kill switch on, or 0% and no cohort): a
     * rollback, which any replica may write at any time and which applies here even without etcd.
     */
    static boolean isRollback(FlagState s) {
        return s.killSwitch() || s.percentageBasisPoints() == 0 && s.cohort().isEmpty();
    }

    /**
     * Whether every change in force here is in etcd: pending while a rollback applied during an
     * outage waits to be written (the 1 s resync retries it). Failures count the writes etcd did
     * not answer.
     */
    @Override
    public synchronized PersistStatus persistence() {
        long failures = writeFailures.get();
        return pending == null
                ? new PersistStatus(false, failures, null, null)
                : new PersistStatus(true, failures, pendingError, pendingSince);
    }

    /** Thrown by a fenced write once this replica has lost the leader lease. */
    public static final class FencedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        FencedException(String message) {
            super(message);
        }
    }

    /** etcd did not answer in time; nothing was written. */
    public static final class StoreUnavailableException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        StoreUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private FlagState rollbackLocally(
            String actor,
            String reason,
            Function<FlagState, FlagChange> change,
            FlagState next,
            StoreUnavailableException e) {
        FlagState local;
        synchronized (this) {
            // A version above anything this replica has seen, so a state from etcd never displaces it by version.
            local = next;
            current = new Snapshot(local, current.revision());
            if (pending == null) {
                pendingSince = clock.instant();
            }
            pending = new PendingRollback(actor, reason, change);
            pendingError = e.getMessage();
            delivery.enqueue(local);
        }
        log.error(
                "etcd is unavailable ({}); rollback by {} applied here now and will be written to etcd when it answers",
                e.getMessage(),
                actor);
        delivery.deliver();
        return local;
    }

    /** Reads the state again; writes a pending rollback once etcd answers. Runs on the background thread. */
    private void resync() {
        try {
            PendingRollback p;
            synchronized (this) {
                p = pending;
            }
            if (p != null) {
                FlagState before = current();
                FlagState written = update(p.actor(), p.reason(), p.change(), List::of, true);
                synchronized (this) {
                    if (pending == p) {
                        pending = null;
                        pendingError = null;
                        pendingSince = null;
                    }
                }
                log.warn(
                        "etcd answers again: the rollback applied here during the outage is written as version {} (was {})",
                        written.version(),
                        before.version());
            }
            applied(read(), false);
        } catch (StoreUnavailableException e) {
            // Counted and reported in call(); the last known state stays in force.
        } catch (RuntimeException e) {
            log.error("reading the flags from etcd failed: {}", e.toString());
        }
    }

    /** The first read also waits for the connection: a few attempts, each within the timeout. */
    private Snapshot readAtStart() {
        StoreUnavailableException last = null;
        for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
            try {
                return read();
            } catch (StoreUnavailableException e) {
                last = e;
            }
        }
        throw last;
    }

    private Snapshot read() {
        return snapshotOf(call(kv.get(flagsKey)));
    }

    private Snapshot snapshotOf(GetResponse r) {
        if (r == null || r.getKvs().isEmpty()) {
            return new Snapshot(FlagState.initial(clock.instant()), 0);
        }
        KeyValue k = r.getKvs().get(0);
        return new Snapshot(parse(k.getValue()), k.getModRevision());
    }

    private FlagState parse(ByteSequence value) {
        try {
            return json.readValue(value.getBytes(), FlagState.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "the flags in etcd at " + settings.prefix() + "flags are not valid: " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@code s} the state in force when it is newer than the current one, then calls the
     * listeners (outside the lock). While a local rollback waits to be written, only rollbacks from
     * etcd are applied: the fleet never loosens on a state this replica has not caught up with.
     */
    private FlagState applied(Snapshot s, boolean own) {
        boolean advanced;
        synchronized (this) {
            boolean newer = s.revision() > current.revision()
                    || own && s.state().version() > current.state().version();
            boolean allowed = pending == null || isRollback(s.state());
            advanced = newer && allowed && s.revision() > 0;
            if (advanced) {
                current = s;
                // Queued under the lock, so the listeners get the states in the order they came into force.
                delivery.enqueue(s.state());
            }
        }
        delivery.deliver();
        return s.state();
    }

    private void watch(long fromRevision) {
        WatchOption o = WatchOption.builder().withRevision(fromRevision + 1).build();
        watcher = client.getWatchClient()
                .watch(
                        flagsKey,
                        o,
                        Watch.listener(
                                this::onWatch,
                                e -> log.warn(
                                        "the watch on the flags in etcd failed ({}); the state is read every {} ms meanwhile",
                                        e.toString(),
                                        RESYNC.toMillis())));
    }

    /**
     * Runs on the client's event loop: the events are handed to the store's own thread, so a listener
     * that waits (for a lock held by a thread that is itself waiting on etcd) never stalls the client.
     */
    private void onWatch(WatchResponse r) {
        try {
            background.execute(() -> applyEvents(r));
        } catch (RejectedExecutionException closed) {
            // The store is closing.
        }
    }

    private void applyEvents(WatchResponse r) {
        for (WatchEvent e : r.getEvents()) {
            if (e.getEventType() == WatchEvent.EventType.PUT) {
                try {
                    applied(
                            new Snapshot(
                                    parse(e.getKeyValue().getValue()),
                                    e.getKeyValue().getModRevision()),
                            false);
                } catch (IllegalStateException bad) {
                    log.error("{}; the previous flags stay in force", bad.getMessage());
                }
            }
        }
    }

    @Override
    public List<AuditEntry> audit(int limit) {
        GetOption o = GetOption.builder()
                .isPrefix(true)
                .withSortField(GetOption.SortTarget.KEY)
                .withSortOrder(GetOption.SortOrder.DESCEND)
                .withLimit(limit)
                .build();
        GetResponse r = call(kv.get(bytes(auditPrefix), o));
        List<AuditEntry> out = new ArrayList<>();
        for (KeyValue k : r.getKvs()) {
            try {
                out.add(json.readValue(k.getValue().getBytes(), AuditEntry.class));
            } catch (IOException e) {
                throw new UncheckedIOException("the audit entry " + k.getKey() + " in etcd is not valid", e);
            }
        }
        Collections.reverse(out);
        return out;
    }

    /** Reads one document under the prefix (the rollout state, ...); empty when there is none. */
    public Optional<byte[]> readDocument(String name) {
        GetResponse r = call(kv.get(bytes(settings.prefix() + name)));
        return r.getKvs().isEmpty()
                ? Optional.empty()
                : Optional.of(r.getKvs().get(0).getValue().getBytes());
    }

    /** Writes one document under the prefix, under the {@code fence} comparisons (empty: unfenced). */
    public void writeDocument(String name, byte[] value, Supplier<List<Cmp>> fence) {
        List<Cmp> cmps = fence.get();
        TxnResponse r = call(kv.txn()
                .If(cmps.toArray(Cmp[]::new))
                .Then(Op.put(bytes(settings.prefix() + name), ByteSequence.from(value), PutOption.DEFAULT))
                .commit());
        if (!r.isSucceeded()) {
            throw new FencedException("this replica (" + settings.replica() + ") no longer holds the leader lease; "
                    + name + " was not written");
        }
    }

    /**
     * Documents under the prefix, as read at one etcd revision.
     *
     * @param byName name (without the prefix) to value, in name order
     * @param revision the etcd revision they were read at: the next read asks for what changed after it
     */
    public record Documents(java.util.SortedMap<String, byte[]> byName, long revision) {}

    /**
     * The documents named from {@code from} (included) to {@code to} (excluded) that were written
     * after revision {@code after} (0: all of them), read at {@code atRevision} (0: the latest).
     */
    public Documents readDocuments(String from, String to, long after, long atRevision) {
        GetOption.Builder o =
                GetOption.builder().withRange(bytes(settings.prefix() + to)).withSortField(GetOption.SortTarget.KEY);
        if (after > 0) {
            o.withMinModRevision(after + 1);
        }
        if (atRevision > 0) {
            o.withRevision(atRevision);
        }
        GetResponse r = call(kv.get(bytes(settings.prefix() + from), o.build()));
        java.util.SortedMap<String, byte[]> out = new java.util.TreeMap<>();
        int cut = settings.prefix().length();
        for (KeyValue k : r.getKvs()) {
            out.put(
                    k.getKey().toString(StandardCharsets.UTF_8).substring(cut),
                    k.getValue().getBytes());
        }
        return new Documents(out, r.getHeader().getRevision());
    }

    /**
     * One unfenced transaction for documents that belong to this replica alone (its SLO counts):
     * {@code create} is written only if that name does not exist yet (a minute is published once),
     * {@code puts} are written always, and every name from each {@code deletes} key (included) to its
     * value (excluded) is deleted (what has aged out).
     */
    public void writeDocuments(Map<String, byte[]> create, Map<String, byte[]> puts, Map<String, String> deletes) {
        List<Op> always = new ArrayList<>();
        puts.forEach(
                (k, v) -> always.add(Op.put(bytes(settings.prefix() + k), ByteSequence.from(v), PutOption.DEFAULT)));
        deletes.forEach((from, to) -> always.add(Op.delete(
                bytes(settings.prefix() + from),
                io.etcd.jetcd.options.DeleteOption.builder()
                        .withRange(bytes(settings.prefix() + to))
                        .build())));
        List<Op> then = new ArrayList<>(always);
        List<Cmp> absent = new ArrayList<>();
        create.forEach((k, v) -> {
            then.add(Op.put(bytes(settings.prefix() + k), ByteSequence.from(v), PutOption.DEFAULT));
            absent.add(new Cmp(bytes(settings.prefix() + k), Cmp.Op.EQUAL, CmpTarget.createRevision(0)));
        });
        call(kv.txn()
                .If(absent.toArray(Cmp[]::new))
                .Then(then.toArray(Op[]::new))
                .Else(always.toArray(Op[]::new))
                .commit());
    }

    /** Waits for one etcd operation at most {@code timeout}; counts and reports unavailability. */
    <T> T call(CompletableFuture<T> f) {
        try {
            T t = f.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
            availability(true);
            return t;
        } catch (TimeoutException | ExecutionException e) {
            f.cancel(true);
            unavailable.incrementAndGet();
            availability(false);
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new StoreUnavailableException(
                    "etcd did not answer within " + settings.timeout().toMillis() + " ms: "
                            + cause.getClass().getSimpleName()
                            + (cause.getMessage() == null ? "" : " " + cause.getMessage()),
                    cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for etcd", e);
        }
    }

    private void availability(boolean up) {
        boolean changed;
        synchronized (this) {
            changed = available != up;
            available = up;
        }
        if (changed) {
            if (up) {
                log.warn("etcd answers again at {}", String.join(",", settings.endpoints()));
            } else {
                log.error(
                        "etcd at {} is unavailable: routing stays on the last known flags (version {}); a rollback still applies here",
                        String.join(",", settings.endpoints()),
                        current().version());
            }
            for (Consumer<Boolean> l : availabilityListeners) {
                l.accept(up);
            }
        }
    }

    private String auditKey(long version) {
        return auditPrefix + String.format(Locale.ROOT, "%019d", version);
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        background.shutdownNow();
        if (watcher != null) {
            watcher.close();
        }
        client.close();
    }
}
