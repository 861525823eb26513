package dev.cync.canary.device;

import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.protocol.Packet;
import dev.cync.canary.time.Clock;
import dev.cync.canary.time.Scheduler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.AttributeKey;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One connected device: what transports use to send it commands and wait for its
 * acknowledgements.
 *
 * <p>Threading: everything that changes the session (sequences, ack waiters, attachments, close
 * and writability listeners) must run on the connection's event loop; {@link #execute} gets there
 * from any thread. The read-only getters are safe from any thread.
 */
public final class DeviceSession {

    private final Channel channel;
    private final Clock clock;
    private final Scheduler scheduler;
    private final long connectionId;
    private final Instant connectedAt;
    private final boolean tls;
    private final long sequenceReuseDelayNanos;
    private volatile DeviceId deviceId;
    private volatile int ownMeshId = -1;
    /** Mesh ids this device relays; bounded, since a relayed entry has a one-byte mesh id. */
    private final Set<Integer> relayed = ConcurrentHashMap.newKeySet();

    private volatile boolean controlled;
    private boolean meshQueried;
    /** The clock's nanoTime at connection, so {@link #lastSeen} needs no Instant per packet. */
    private final long connectedNanos;

    private volatile long lastPacketNanos;
    private SequenceSlots slots;
    private final List<Runnable> closeListeners = new ArrayList<>(2);
    private final List<Runnable> writableListeners = new ArrayList<>(2);
    private boolean closed;

    DeviceSession(
            Channel channel,
            Clock clock,
            Scheduler scheduler,
            long connectionId,
            boolean tls,
            long sequenceReuseDelayNanos) {
        this.channel = channel;
        this.clock = clock;
        this.scheduler = scheduler;
        this.connectionId = connectionId;
        this.connectedAt = clock.instant();
        this.tls = tls;
        this.sequenceReuseDelayNanos = sequenceReuseDelayNanos;
        this.connectedNanos = clock.nanoTime();
        this.lastPacketNanos = connectedNanos;
    }

    /** The device id from the hello; null until the hello has arrived. */
    public DeviceId deviceId() {
        return deviceId;
    }

    /** Distinguishes this connection from earlier and later ones of the same device. */
    public long connectionId() {
        return connectionId;
    }

    public Instant connectedAt() {
        return connectedAt;
    }

    /** When the last whole packet arrived (the connection time before any has). */
    public Instant lastSeen() {
        return connectedAt.plusNanos(lastPacketNanos - connectedNanos);
    }

    public boolean tls() {
        return tls;
    }

    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    /** The mesh id the device reported as its own (0x43 entry 05, 42-byte 0x83), or -1 before it has. */
    public int ownMeshId() {
        return ownMeshId;
    }

    /** Whether the device reported relaying {@code meshId} for another mesh device. */
    public boolean relays(int meshId) {
        return relayed.contains(meshId);
    }

    /** The mesh ids it relays, sorted. */
    public List<Integer> relayedMeshIds() {
        return relayed.stream().sorted().toList();
    }

    /** Whether the 0xA3 was sent on this connection. */
    public boolean controlled() {
        return controlled;
    }

    public boolean isOpen() {
        return channel.isActive() && !closed;
    }

    /** False while the connection's outbound buffer is above its high-water mark. */
    public boolean isWritable() {
        return channel.isWritable();
    }

    public Clock clock() {
        return clock;
    }

    /** Timers for this session; their tasks run on the session's event loop. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** Runs {@code task} on the session's event loop: at once if already there. */
    public void execute(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            channel.eventLoop().execute(task);
        }
    }

    /** Event loop only. A sequence (1..255) bound to {@code waiter}, or -1 when none is free. */
    public int allocateSequence(AckWaiter waiter) {
        if (slots == null) {
            slots = new SequenceSlots(deviceId, sequenceReuseDelayNanos);
        }
        return slots.allocate(clock.nanoTime(), waiter);
    }

    /** Event loop only. Frees {@code seq}; late or repeated acks for it go to {@code tombstone}. */
    public void releaseSequence(int seq, AckWaiter tombstone) {
        slots.release(seq, clock.nanoTime(), tombstone);
    }

    /** Event loop only. Writes and flushes a packet. */
    public ChannelFuture write(Packet packet) {
        return channel.writeAndFlush(packet);
    }

    /** Event loop only. Per-session state of a higher layer, created on first use. */
    public <T> T attachment(AttributeKey<T> key, Supplier<T> create) {
        T value = channel.attr(key).get();
        if (value == null) {
            value = create.get();
            channel.attr(key).set(value);
        }
        return value;
    }

    /** Event loop only. Runs once when the session closes (at once if it already has). */
    public void onClose(Runnable listener) {
        if (closed) {
            listener.run();
        } else {
            closeListeners.add(listener);
        }
    }

    /** Event loop only. Runs each time the connection becomes writable again. */
    public void onWritable(Runnable listener) {
        writableListeners.add(listener);
    }

    /** Closes the connection; pending commands fail as disconnected. */
    public void close() {
        channel.close();
    }

    // ---- called by the session's pipeline handlers, on the event loop ----

    void identified(DeviceId id) {
        deviceId = id;
    }

    void packetArrived() {
        lastPacketNanos = clock.nanoTime();
    }

    long lastPacketNanos() {
        return lastPacketNanos;
    }

    void ownMeshId(int meshId) {
        ownMeshId = meshId;
    }

    void relaying(int meshId) {
        if (relayed.size() < 256 || relayed.contains(meshId)) {
            relayed.add(meshId);
        }
    }

    void controlAnnounced() {
        controlled = true;
    }

    AckWaiter waiterFor(long keyBits) {
        return slots == null ? null : slots.waiterFor(keyBits);
    }

    AckWaiter waiterForSequence(int seq) {
        return slots == null ? null : slots.waiterForSequence(seq);
    }

    /** The sequence a receipt's key names on this connection, or -1. */
    int sequenceOf(long keyBits) {
        return slots == null ? -1 : slots.sequenceOf(keyBits);
    }

    /** Whether the in-flight command of {@code seq} still waits for an execution ack with {@code opcode}. */
    boolean awaitsExecution(int seq, int opcode) {
        return slots != null && slots.awaitsExecution(seq, opcode);
    }

    /** Marks the session's one mesh query as sent; false if it already was. */
    boolean meshQuerySent() {
        if (meshQueried) {
            return false;
        }
        meshQueried = true;
        return true;
    }

    /** Whether the session's mesh query was sent (its receipt then matches no command, and is expected). */
    boolean meshQueried() {
        return meshQueried;
    }

    void writabilityChanged() {
        if (channel.isWritable()) {
            for (Runnable r : List.copyOf(writableListeners)) {
                r.run();
            }
        }
    }

    void closed() {
        if (closed) {
            return;
        }
        closed = true;
        if (slots != null) {
            slots.closeAll();
        }
        for (Runnable r : closeListeners) {
            r.run();
        }
        closeListeners.clear();
        writableListeners.clear();
    }
}
