package dev.cync.canary.device;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.protocol.InnerFrame;
import dev.cync.canary.protocol.Packet;
import dev.cync.canary.protocol.PacketCodec;
import dev.cync.canary.protocol.Packets;
import dev.cync.canary.protocol.StateEntry;
import dev.cync.canary.time.VirtualClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Devices on in-memory channels with the server's own pipeline ({@link DevicePipeline}, the one the
 * server's sockets get; TLS off, hellos pinned in memory), in virtual time: the harness for
 * deterministic tests of sessions and transports. Everything runs on the test thread (an embedded
 * channel's event loop is the caller).
 */
public final class TestDevices {

    public final VirtualClock clock = VirtualClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    public final Metrics metrics = new Metrics();
    public final DeviceServer server;
    private final DevicePipeline pipeline;

    public TestDevices() {
        this(DeviceServerConfig.defaults());
    }

    public TestDevices(DeviceServerConfig config) {
        server = new DeviceServer(config, clock, metrics);
        pipeline = server.pipeline(AuthCodes.inMemory());
    }

    public DeviceRegistry registry() {
        return server.registry();
    }

    /** A connection that has not said hello yet. */
    public EmbeddedChannel open() {
        EmbeddedChannel ch = new EmbeddedChannel(false, false);
        pipeline.init(ch, null, clock);
        try {
            ch.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return ch;
    }

    /** The own mesh id {@link #connect(DeviceId)} reports. */
    public static final int MESH_ID = 5;

    /**
     * A connected device that has said hello and reported its own mesh id {@link #MESH_ID} in a
     * 0x43; what the server sent so far (0x28, 0xA3, 0x48) is already read.
     */
    public EmbeddedChannel connect(DeviceId id) {
        return connect(id, MESH_ID);
    }

    public EmbeddedChannel connect(DeviceId id, int meshId) {
        EmbeddedChannel ch = open();
        send(
                ch,
                new Packet.Hello(id, "0123456789abcdef"),
                StateEntry.deviceInfo(
                        id, List.of(new StateEntry(StateEntry.OWN, meshId, false, 0, 0, 0, 0, 0, true, 0, meshId))));
        received(ch);
        return ch;
    }

    /** The device carried out {@code c}: its execution ack and its receipt, in one write as the vendor's plug does. */
    public static void executed(EmbeddedChannel ch, Packet.Command c) {
        InnerFrame f = c.frame().orElseThrow();
        sendInOneRead(
                ch,
                Packets.executionAck(c.deviceId(), 0x000100, f.sequence(), f.opcode()),
                new Packet.CommandAck(c.key()));
    }

    /** The device got {@code c} and did not carry it out: its receipt only. */
    public static void receiptOnly(EmbeddedChannel ch, Packet.Command c) {
        send(ch, new Packet.CommandAck(c.key()));
    }

    /** Delivers packets from the device to the server. */
    public static void send(EmbeddedChannel ch, Packet... packets) {
        for (Packet p : packets) {
            ch.writeInbound(Unpooled.wrappedBuffer(PacketCodec.encode(p)));
        }
    }

    /** Delivers packets from the device to the server in one read, as one TCP segment would. */
    public static void sendInOneRead(EmbeddedChannel ch, Packet... packets) {
        ByteBuf all = Unpooled.buffer();
        for (Packet p : packets) {
            all.writeBytes(PacketCodec.encode(p));
        }
        ch.writeInbound(all);
    }

    /** Everything the server has written to the device since the last call, decoded. */
    public static List<Packet> received(EmbeddedChannel ch) {
        // Writes outside a read are flushed by a task of the channel's loop (flush consolidation): run it.
        ch.runPendingTasks();
        List<Packet> out = new ArrayList<>();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.add(PacketCodec.decode(bytes));
        }
        return out;
    }

    /** The commands among {@link #received}. */
    public static List<Packet.Command> commands(EmbeddedChannel ch) {
        return received(ch).stream()
                .filter(Packet.Command.class::isInstance)
                .map(Packet.Command.class::cast)
                .toList();
    }
}
