package dev.cync.canary.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * One 19-byte state entry of a 0x43 (docs/protocol.md, "Device state"): entry k sits at byte 12 + 19k.
 *
 * @param index entry byte 0: {@code 05} for the sending device's own state, {@code 06}, {@code 07}
 *     ... for states it relays
 * @param meshId entry byte 3 (one byte: mesh ids above 255 cannot appear here, an open question)
 * @param colorTemp 0..100; above 100 means the device is in RGB mode
 * @param extra entry byte 11, meaning unknown ({@code 00} in own entries)
 * @param via entry byte 12: own entries repeat the mesh id, relayed ones name the relaying device
 */
public record StateEntry(
        int index,
        int meshId,
        boolean on,
        int brightness,
        int colorTemp,
        int red,
        int green,
        int blue,
        boolean online,
        int extra,
        int via) {

    public static final int SIZE = 19;
    public static final int OWN = 0x05;
    static final int FIRST = 12;

    public StateEntry {
        for (int v : new int[] {index, meshId, brightness, colorTemp, red, green, blue, extra, via}) {
            if (v < 0 || v > 0xFF) {
                throw new IllegalArgumentException("a 0x43 entry holds bytes, got " + v);
            }
        }
    }

    /** Whether this is the sending device's own state. */
    public boolean own() {
        return index == OWN;
    }

    public boolean rgbMode() {
        return colorTemp > 100;
    }

    /**
     * The entries of a 0x43 whose body (from byte 12) is a whole number of 19-byte entries, each
     * with {@code 00 10} at bytes 1..2 and its byte 0 at least {@code 05}; empty for the 12-byte
     * keep-alive and for the other bodies ({@code c6 20 ...}, {@code c7 90 2a} + ASCII), which are
     * not state. {@code payload} is bytes 9..end as {@link Packet.DeviceInfo} holds them.
     */
    public static List<StateEntry> parse(Bytes payload) {
        byte[] p = payload.array();
        int body = p.length - 3;
        if (body <= 0 || body % SIZE != 0 || p[0] != 1 || p[1] != 1 || p[2] != 6) {
            return List.of();
        }
        List<StateEntry> out = new ArrayList<>(body / SIZE);
        for (int at = 3; at < p.length; at += SIZE) {
            if ((p[at] & 0xFF) < OWN || p[at + 1] != 0 || p[at + 2] != 0x10) {
                return List.of();
            }
            out.add(new StateEntry(
                    p[at] & 0xFF,
                    p[at + 3] & 0xFF,
                    p[at + 4] != 0,
                    p[at + 5] & 0xFF,
                    p[at + 6] & 0xFF,
                    p[at + 7] & 0xFF,
                    p[at + 8] & 0xFF,
                    p[at + 9] & 0xFF,
                    p[at + 10] != 0,
                    p[at + 11] & 0xFF,
                    p[at + 12] & 0xFF));
        }
        return List.copyOf(out);
    }

    /** Whether a 0x43 payload is a state report (as opposed to a keep-alive or another body). */
    public static boolean isState(Bytes payload) {
        return !parse(payload).isEmpty();
    }

    /** A 0x43 carrying {@code entries}. */
    public static Packet.DeviceInfo deviceInfo(DeviceId endpoint, List<StateEntry> entries) {
        byte[] p = new byte[3 + SIZE * entries.size()];
        p[0] = 1;
        p[1] = 1;
        p[2] = 6;
        int at = 3;
        for (StateEntry e : entries) {
            p[at] = (byte) e.index;
            p[at + 2] = 0x10;
            p[at + 3] = (byte) e.meshId;
            p[at + 4] = (byte) (e.on ? 1 : 0);
            p[at + 5] = (byte) e.brightness;
            p[at + 6] = (byte) e.colorTemp;
            p[at + 7] = (byte) e.red;
            p[at + 8] = (byte) e.green;
            p[at + 9] = (byte) e.blue;
            p[at + 10] = (byte) (e.online ? 1 : 0);
            p[at + 11] = (byte) e.extra;
            p[at + 12] = (byte) e.via;
            at += SIZE;
        }
        return new Packet.DeviceInfo(endpoint, Bytes.wrap(p));
    }
}
