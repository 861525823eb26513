package dev.cync.canary.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Every command and answer the code builds round-trips, and keeps the L and checksum rules. */
class InnerFrameProperties {

    @Provide
    Arbitrary<Setting> settings() {
        Arbitrary<Integer> pct = Arbitraries.integers().between(0, 100);
        Arbitrary<Integer> channel = Arbitraries.integers().between(0, 255);
        return Arbitraries.oneOf(
                Arbitraries.of(true, false).map(Setting.Power::new),
                pct.map(Setting.Brightness::new),
                pct.map(Setting.ColorTemp::new),
                Combinators.combine(channel, channel, channel).as(Setting.Rgb::new));
    }

    /** The L rule and the checksum rule, computed here independently of the codec. */
    static void rulesHold(byte[] p, int marker) {
        int checksumAt = p.length - 2;
        assertThat(p[p.length - 1] & 0xFF).isEqualTo(0x7E);
        assertThat(p[marker] & 0xFF).isEqualTo(0x7E);
        assertThat(p[marker + 7] & 0xFF).isEqualTo(checksumAt - (marker + 9));
        int sum = 0;
        for (int i = marker + 6; i < checksumAt; i++) {
            sum += p[i] & 0xFF;
        }
        assertThat(p[checksumAt] & 0xFF).isEqualTo(sum & 0xFF);
        assertThat((p[3] & 0xFF) * 256 + (p[4] & 0xFF)).isEqualTo(p.length - 5);
    }

    @Property
    void everyCommandRoundTripsAndKeepsTheRules(
            @ForAll int endpoint,
            @ForAll @IntRange(min = 0, max = 0xFFFFFF) int field,
            @ForAll @IntRange(min = 0, max = 255) int seq,
            @ForAll @IntRange(min = 1, max = 0xFFFF) int target,
            @ForAll("settings") Setting setting) {
        MeshCommand m = new MeshCommand(new DeviceId(endpoint), field, seq, target, setting);
        byte[] b = PacketCodec.encode(m.toPacket());
        rulesHold(b, 12);
        assertThat(b.length).isEqualTo(setting instanceof Setting.Power ? 36 : 39);
        Packet.Command back = (Packet.Command) PacketCodec.decode(b);
        assertThat(back.checksumValid()).isTrue();
        assertThat(back.key()).isEqualTo(m.receiptKey());
        assertThat(back.command()).contains(m);
        assertThat(back.frame().orElseThrow().sequence()).isEqualTo(seq);
    }

    @Property
    void executionAcksAndMeshQueriesRoundTrip(
            @ForAll int endpoint,
            @ForAll @IntRange(min = 0, max = 0xFFFFFF) int field,
            @ForAll @IntRange(min = 0, max = 255) int seq,
            @ForAll @IntRange(min = 0, max = 255) int opcode) {
        Packet.Command ack = Packets.executionAck(new DeviceId(endpoint), field, seq, opcode);
        byte[] b = PacketCodec.encode(ack);
        assertThat(b).hasSize(24);
        rulesHold(b, 12);
        InnerFrame f = ((Packet.Command) PacketCodec.decode(b)).frame().orElseThrow();
        assertThat(f.answers(opcode, seq)).isTrue();
        byte[] q = PacketCodec.encode(MeshQuery.request(new DeviceId(endpoint), field, seq));
        assertThat(q).hasSize(29);
        rulesHold(q, 12);
    }

    @Property
    void meshAnswersRoundTrip(
            @ForAll int endpoint,
            @ForAll @IntRange(min = 0, max = 255) int seq,
            @ForAll("entries") List<MeshQuery.Entry> entries) {
        Packet.Command a = MeshQuery.answer(new DeviceId(endpoint), 0, seq, entries);
        byte[] b = PacketCodec.encode(a);
        rulesHold(b, 12);
        assertThat(MeshQuery.answer((Packet.Command) PacketCodec.decode(b))).contains(entries);
    }

    @Provide
    Arbitrary<List<MeshQuery.Entry>> entries() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 0xFFFF),
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 100),
                        Arbitraries.integers().between(0, 100))
                .as(MeshQuery.Entry::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(10);
    }

    @Property
    void ownStateReportsRoundTrip(
            @ForAll int endpoint,
            @ForAll @IntRange(min = 0, max = 0xFFFFFF) int field,
            @ForAll @IntRange(min = 0, max = 255) int seq,
            @ForAll @IntRange(min = 0, max = 0xFFFF) int mesh,
            @ForAll boolean on,
            @ForAll @IntRange(min = 0, max = 100) int level,
            @ForAll @IntRange(min = 0, max = 255) int temp) {
        Packet.Status s =
                StatusReport.ownState(new DeviceId(endpoint), field, seq, mesh, true, on, level, temp, 1, 2, 3);
        byte[] b = PacketCodec.encode(s);
        assertThat(b).hasSize(42);
        rulesHold(b, 12);
        StatusReport r = ((Packet.Status) PacketCodec.decode(b)).report();
        assertThat(r)
                .isEqualTo(
                        new StatusReport(StatusReport.Kind.OWN_STATE, seq, mesh, true, on, level, temp, 1, 2, 3, null));
    }

    @Property
    void stateEntriesRoundTrip(@ForAll int endpoint, @ForAll("stateEntries") List<StateEntry> entries) {
        Packet.DeviceInfo i = StateEntry.deviceInfo(new DeviceId(endpoint), entries);
        Packet.DeviceInfo back = (Packet.DeviceInfo) PacketCodec.decode(PacketCodec.encode(i));
        assertThat(back.entries()).isEqualTo(entries);
        assertThat(PacketCodec.encode(i)).hasSize(12 + 19 * entries.size());
    }

    @Provide
    Arbitrary<List<StateEntry>> stateEntries() {
        Arbitrary<Integer> b = Arbitraries.integers().between(0, 255);
        return Combinators.combine(
                        Arbitraries.integers().between(5, 20),
                        b,
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 100),
                        b,
                        b,
                        b,
                        b)
                .as((idx, mesh, on, level, temp, r, g, bl) ->
                        new StateEntry(idx, mesh, on, level, temp, r, g, bl, true, 0, mesh))
                .list()
                .ofMinSize(1)
                .ofMaxSize(6);
    }

    @Property
    void anEscapedFrameDecodesToTheSameFrame(
            @ForAll int endpoint,
            @ForAll @IntRange(min = 1, max = 0xFFFF) int target,
            @ForAll("settings") Setting setting) {
        byte[] raw =
                PacketCodec.encode(new MeshCommand(new DeviceId(endpoint), 0x7e7d00, 0x7d, target, setting).toPacket());
        // Escape every 7d/7e between the markers, as some firmware reportedly does.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(raw, 0, 13);
        for (int i = 13; i < raw.length - 1; i++) {
            int v = raw[i] & 0xFF;
            if (v == 0x7D || v == 0x7E) {
                out.write(0x7D);
                out.write(v == 0x7D ? 0x5D : 0x5E);
            } else {
                out.write(v);
            }
        }
        out.write(0x7E);
        byte[] escaped = out.toByteArray();
        escaped[3] = (byte) ((escaped.length - 5) >>> 8);
        escaped[4] = (byte) (escaped.length - 5);
        InnerFrame e = InnerFrame.of(escaped).orElseThrow();
        InnerFrame r = InnerFrame.of(raw).orElseThrow();
        assertThat(e.escaped()).isTrue();
        assertThat(e.valid()).isTrue();
        assertThat(e.body()).isEqualTo(r.body());
        assertThat(e.sequence()).isEqualTo(0x7D);
    }
}
