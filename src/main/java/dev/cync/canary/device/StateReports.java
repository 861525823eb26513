package dev.cync.canary.device;

import dev.cync.canary.protocol.InnerFrame;
import dev.cync.canary.protocol.MeshQuery;
import dev.cync.canary.protocol.Packet;
import dev.cync.canary.protocol.StateEntry;
import dev.cync.canary.protocol.StatusReport;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One job, last in the pipeline: what devices report about the mesh goes into the device state
 * model. 0x43 entries (own and relayed), 0x83 own-state and firmware reports (already deduplicated),
 * and the answer to the session's mesh query; each also teaches the session its own mesh id and the
 * ids it relays. Everything else ends here. Confined to the channel's event loop (the state model
 * itself is thread-safe).
 */
final class StateReports extends ChannelInboundHandlerAdapter {

    private final DeviceSession session;
    private final DeviceStates states;

    StateReports(DeviceSession session, DeviceStates states) {
        this.session = session;
        this.states = states;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Packet.DeviceInfo info) {
            deviceInfo(info);
        } else if (msg instanceof Packet.Status status) {
            status(status);
        } else if (msg instanceof Packet.Command answer) {
            meshAnswer(answer);
        }
    }

    private void deviceInfo(Packet.DeviceInfo info) {
        for (StateEntry e : info.entries()) {
            if (e.own()) {
                session.ownMeshId(e.meshId());
            } else {
                session.relaying(e.meshId());
            }
            states.entry(session.deviceId(), e, session.clock().instant());
        }
    }

    private void status(Packet.Status status) {
        StatusReport r = status.report();
        if (r.kind() == StatusReport.Kind.OWN_STATE) {
            session.ownMeshId(r.meshId());
            states.ownStatus(session.deviceId(), r, session.clock().instant());
        } else if (r.kind() == StatusReport.Kind.FIRMWARE && r.firmware() != null && session.ownMeshId() >= 0) {
            states.firmware(session.ownMeshId(), r.firmware());
        }
    }

    /** {@link AckMatcher} passes on only the answer to the session's own mesh query. */
    private void meshAnswer(Packet.Command c) {
        InnerFrame f = c.frame().orElseThrow();
        if (f.opcode() != InnerFrame.OP_MESH_QUERY) {
            return;
        }
        MeshQuery.answer(c).ifPresent(entries -> {
            for (MeshQuery.Entry e : entries) {
                if (e.meshId() != session.ownMeshId()) {
                    session.relaying(e.meshId());
                }
                states.listed(
                        session.deviceId(),
                        e.meshId(),
                        e.on(),
                        e.brightness(),
                        e.colorTemp(),
                        session.clock().instant());
            }
        });
    }
}
