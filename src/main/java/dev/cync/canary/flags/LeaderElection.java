package dev.cync.canary.flags;

import dev.cync.canary.time.Clock;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One leader among the replicas, on an etcd lease: the leader key ({@code <prefix>leader}) is
 * created with this replica's lease and holds {@code <replica>/<lease id>}; it disappears when the
 * lease expires, and another replica creates it. Only the leader runs the rollout and the
 * automatic rollback (one decision-maker, docs/design.md).
 *
 * <p>Stepping down in time. Every {@code ttl/3} the lease is renewed; etcd extends it to at least
 * TTL after it receives the renewal, so it cannot expire before (send time + TTL). This replica
 * counts itself leader only until (send time of the last renewal that succeeded + 2/3 TTL): with a
 * third of the TTL to spare, it stops deciding before the lease can expire and another replica
 * can win. Every leader write is also fenced ({@link #fence}): it compares the leader key with this
 * replica's value, so a write from a deposed leader fails in etcd even if its clock misleads it.
 *
 * <p>Threading: one background thread renews and campaigns; {@link #isLeader} is safe from any thread;
 * listeners are called on the background thread with no lock held.
 */
public final class LeaderElection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

    private final EtcdFlagStore store;
    private final Clock clock;
    private final ByteSequence key;
    private final long ttlSeconds;
    private final long ttlNanos;
    private final ScheduledExecutorService thread;
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private long leaseId;
    private ByteSequence mine;
    /** Leader until this {@link Clock#nanoTime}; meaningful while {@code leading}. */
    private long validUntil;

    private boolean leading;
    private String leader = "";

    public LeaderElection(EtcdFlagStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.key = EtcdFlagStore.bytes(store.settings().prefix() + "leader");
        this.ttlSeconds = store.settings().leaseTtl().toSeconds();
        this.ttlNanos = store.settings().leaseTtl().toNanos();
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "leader-election-" + store.settings().replica());
            t.setDaemon(true);
            return t;
        });
    }

    /** Campaigns now and then every third of the TTL. */
    public LeaderElection start() {
        long period = Math.max(1, ttlNanos / 3 / 1_000_000);
        thread.scheduleWithFixedDelay(this::round, 0, period, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Called with true when this replica becomes the leader and false when it stops being it. */
    public void addListener(Consumer<Boolean> l) {
        listeners.add(l);
    }

    /** Whether this replica leads now, with time to spare before its lease could expire. */
    public synchronized boolean isLeader() {
        return leading && clock.nanoTime() - validUntil < 0;
    }

    /** The replica that leads, as last read from etcd ("" when none is known). */
    public synchronized String leader() {
        return leader;
    }

    public String replica() {
        return store.settings().replica();
    }

    /** The comparison every leader write carries: the leader key still holds this replica's lease. */
    public synchronized List<Cmp> fence() {
        if (mine == null) {
            // Not leading: a comparison that cannot hold, so the write fails rather than going unfenced.
            return List.of(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(EtcdFlagStore.bytes("not-the-leader"))));
        }
        return List.of(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(mine)));
    }

    /** A view of the flags whose writes are fenced by this lease (rollbacks excepted: any replica may roll back). */
    public FlagStore fenced() {
        return new FlagStore() {
            @Override
            public FlagState current() {
                return store.current();
            }

            @Override
            public FlagState update(String actor, String reason, Function<FlagState, FlagChange> change) {
                return store.update(actor, reason, change, LeaderElection.this::fence);
            }

            @Override
            public PersistStatus persistence() {
                return store.persistence();
            }

            @Override
            public List<AuditEntry> audit(int limit) {
                return store.audit(limit);
            }

            @Override
            public void addListener(Consumer<FlagState> listener) {
                store.addListener(listener);
            }
        };
    }

    private void round() {
        try {
            boolean was;
            synchronized (this) {
                was = leading;
            }
            long sent = clock.nanoTime();
            if (leaseId != 0 && !renew()) {
                leaseId = 0;
            }
            if (leaseId == 0) {
                leaseId = store.call(store.client().getLeaseClient().grant(ttlSeconds))
                        .getID();
                sent = clock.nanoTime();
            }
            ByteSequence value = ByteSequence.from(replica() + "/" + Long.toHexString(leaseId), StandardCharsets.UTF_8);
            TxnResponse r = store.call(store.client()
                    .getKVClient()
                    .txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(
                            key, value, PutOption.builder().withLeaseId(leaseId).build()))
                    .Else(Op.get(key, GetOption.DEFAULT))
                    .commit());
            String holder = r.isSucceeded()
                    ? value.toString(StandardCharsets.UTF_8)
                    : holder(r.getGetResponses().get(0));
            boolean now = holder.equals(value.toString(StandardCharsets.UTF_8));
            synchronized (this) {
                leader = holder.contains("/") ? holder.substring(0, holder.lastIndexOf('/')) : holder;
                leading = now;
                mine = now ? value : null;
                validUntil = sent + ttlNanos * 2 / 3;
            }
            changed(was, now);
        } catch (RuntimeException e) {
            // etcd unavailable (counted by the store): keep what we have; isLeader() runs out by itself.
            expireIfDue();
        }
    }

    /**
     * Renews the lease once; false when it is gone (expired or revoked: etcd answers "lease not
     * found", which is an answer, not unavailability), so the next round grants a new one and
     * campaigns again. Without this a replica whose lease once expired (a long pause) would never
     * lead again and would report etcd unavailable every round.
     */
    private boolean renew() {
        Lease lease = store.client().getLeaseClient();
        java.util.concurrent.CompletableFuture<io.etcd.jetcd.lease.LeaseKeepAliveResponse> f =
                lease.keepAliveOnce(leaseId);
        try {
            return f.get(store.settings().timeout().toMillis(), TimeUnit.MILLISECONDS)
                            .getTTL()
                    > 0;
        } catch (java.util.concurrent.ExecutionException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t.getMessage() != null && t.getMessage().contains("lease not found")) {
                    log.warn(
                            "replica {}: its lease {} has expired; it asks for a new one",
                            replica(),
                            Long.toHexString(leaseId));
                    return false;
                }
            }
            // Anything else: through the store, which counts and reports etcd as unavailable.
            return store.call(
                                    java.util.concurrent.CompletableFuture
                                            .<io.etcd.jetcd.lease.LeaseKeepAliveResponse>failedFuture(e.getCause()))
                            .getTTL()
                    > 0;
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            return store.call(
                                    java.util.concurrent.CompletableFuture
                                            .<io.etcd.jetcd.lease.LeaseKeepAliveResponse>failedFuture(e))
                            .getTTL()
                    > 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while renewing the leader lease", e);
        }
    }

    private void expireIfDue() {
        boolean stepDown;
        synchronized (this) {
            stepDown = leading && clock.nanoTime() - validUntil >= 0;
            if (stepDown) {
                leading = false;
                mine = null;
                leader = "";
            }
        }
        if (stepDown) {
            log.error(
                    "replica {} steps down: etcd has not renewed its lease in time; it stops deciding before the lease can expire",
                    replica());
            changed(true, false);
        }
    }

    private static String holder(GetResponse r) {
        List<KeyValue> kvs = r.getKvs();
        return kvs.isEmpty() ? "" : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
    }

    private void changed(boolean was, boolean now) {
        if (was == now) {
            return;
        }
        log.warn("replica {} {} the leader", replica(), now ? "is now" : "is no longer");
        for (Consumer<Boolean> l : listeners) {
            try {
                l.accept(now);
            } catch (RuntimeException e) {
                log.error("a leader listener failed", e);
            }
        }
    }

    /**
     * Stops campaigning. {@code release} revokes the lease so another replica takes over at once (a
     * clean stop); false leaves it to expire, as a crash (kill -9) would.
     */
    public void stop(boolean release) {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean was;
        synchronized (this) {
            was = leading;
            leading = false;
            mine = null;
        }
        if (release && leaseId != 0) {
            try {
                store.call(store.client().getLeaseClient().revoke(leaseId));
            } catch (RuntimeException e) {
                log.warn(
                        "could not release the leader lease ({}); it expires by itself within {} s",
                        e.getMessage(),
                        ttlSeconds);
            }
        }
        changed(was, false);
    }

    @Override
    public void close() {
        stop(true);
    }
}
