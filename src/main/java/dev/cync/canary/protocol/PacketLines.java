package dev.cync.canary.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the {@link PacketLine} of one decoded packet for {@code capture --packets}. */
final class PacketLines {

    private PacketLines() {}

    static PacketLine describe(CaptureRecord record, Packet packet, int size) {
        String type = PacketType.hex(packet.typeCode());
        String endpoint = null;
        String key = null;
        String inner = null;
        Integer target = null;
        Map<String, Object> state = null;
        String checksum = null;
        String note = null;
        if (packet instanceof Packet.Command c) {
            endpoint = c.deviceId().toString();
            key = c.key().toString();
            InnerFrame f = c.frame().orElseThrow();
            inner = f.describe();
            checksum = c.checksumValid() ? "ok" : "bad";
            if (f.markerOffset() == InnerFrame.PROXY_MARKER_OFFSET) {
                note = "proxy form (marker at byte 13)";
            }
            int t = MeshCommand.target(f);
            if (t >= 0 && f.opcode() != InnerFrame.OP_MESH_QUERY) {
                target = t;
            }
            var cmd = c.command();
            if (cmd.isPresent()) {
                state = Map.of("setting", cmd.get().setting().describe());
            } else if (f.frameClass() == InnerFrame.ANSWER) {
                var mesh = MeshQuery.answer(c);
                note = mesh.map(e -> "mesh answer: "
                                + e.stream().map(MeshQuery.Entry::meshId).toList())
                        .orElse("execution ack");
            }
        } else if (packet instanceof Packet.Status s) {
            endpoint = s.deviceId().toString();
            key = AckKey.of(s.deviceId(), s.sequenceField()).toString();
            checksum = s.checksumValid() ? "ok" : "bad";
            inner = s.frame().map(InnerFrame::describe).orElse(null);
            StatusReport r = s.report();
            note = r.kind().name().toLowerCase();
            if (r.kind() == StatusReport.Kind.OWN_STATE) {
                state = new LinkedHashMap<>();
                state.put("mesh_id", r.meshId());
                state.put("online", r.online());
                state.put("on", r.on());
                state.put("brightness", r.brightness());
                state.put("color_temp", r.colorTemp());
                state.put("rgb", List.of(r.red(), r.green(), r.blue()));
            } else if (r.kind() == StatusReport.Kind.FIRMWARE && r.firmware() != null) {
                state = Map.of("firmware", r.firmware());
            }
        } else if (packet instanceof Packet.DeviceInfo i) {
            endpoint = i.deviceId().toString();
            List<StateEntry> entries = i.entries();
            if (!entries.isEmpty()) {
                state = new LinkedHashMap<>();
                for (StateEntry e : entries) {
                    state.put(
                            "mesh " + e.meshId(),
                            (e.own() ? "own " : "relayed by " + e.via() + " ") + (e.on() ? "on" : "off") + " level "
                                    + e.brightness() + (e.rgbMode() ? " rgb" : " temp " + e.colorTemp()));
                }
            } else {
                note = i.payload().length() == 3 ? "keep-alive" : "not state";
            }
        } else if (packet instanceof Packet.CommandAck a) {
            endpoint = a.key().deviceId().toString();
            key = a.key().toString();
        } else if (packet instanceof Packet.CommandAckReply r) {
            endpoint = r.echoed().deviceId().toString();
            key = r.echoed().toString();
        } else if (packet instanceof Packet.Hello h) {
            endpoint = h.deviceId().toString();
        } else if (packet instanceof Packet.Control c) {
            endpoint = c.endpoint().toString();
        } else if (packet instanceof Packet.ControlAnswer a) {
            endpoint = a.endpoint().toString();
        }
        return new PacketLine(
                record.line(),
                record.timestamp(),
                record.direction(),
                type,
                size,
                endpoint,
                key,
                inner,
                target,
                state,
                checksum,
                note);
    }
}
