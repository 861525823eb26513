package dev.cync.canary.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The real captures (test resources; see NOTICE for their origin and licence) decode to exactly
 * the totals docs/protocol.md gives.
 */
class CaptureFilesTest {

    static BufferedReader open(String name) {
        var stream = CaptureFilesTest.class.getResourceAsStream("/captures/" + name);
        if (stream == null) {
            throw new IllegalStateException("test resource /captures/" + name + " is missing");
        }
        return new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
    }

    static CaptureReport analyze(String name) throws IOException {
        try (BufferedReader in = open(name)) {
            return CaptureAnalyzer.analyze(name, in);
        }
    }

    /** Every packet of a capture, decoded on its own record by record. */
    static List<Packet> packets(String name) throws IOException {
        List<Packet> out = new ArrayList<>();
        try (BufferedReader in = open(name)) {
            CaptureReader.read(
                    in,
                    r -> {
                        byte[] b = r.bytes().toArray();
                        ByteBuf buf = Unpooled.wrappedBuffer(b);
                        int at = 0;
                        while (at < b.length) {
                            int n = PacketFramer.frame(buf, at, b.length - at);
                            if (n <= 0) {
                                break;
                            }
                            out.add(PacketCodec.decode(buf, at, n));
                            at += n;
                        }
                    },
                    p -> {
                        throw new IllegalStateException(p.toString());
                    });
        }
        return out;
    }

    @Test
    void vendorTraceMatchesTheKnownTotalsAndEveryExecutionAckIsMatched() throws IOException {
        CaptureReport r = analyze("vendor-2024-03-11-plug.txt");
        assertThat(r.packetsTotal()).isEqualTo(98);
        assertThat(r.byType())
                .containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                        Map.entry("0x28", 1),
                        Map.entry("0x43", 9),
                        Map.entry("0x48", 9),
                        Map.entry("0x73", 18),
                        Map.entry("0x78", 4),
                        Map.entry("0x7b", 25),
                        Map.entry("0x83", 10),
                        Map.entry("0x88", 10),
                        Map.entry("0xa3", 1),
                        Map.entry("0xab", 1),
                        Map.entry("0xc3", 1),
                        Map.entry("0xc8", 1),
                        Map.entry("0xd3", 4),
                        Map.entry("0xd8", 4)));
        assertThat(r.checksumValid()).containsExactlyInAnyOrderEntriesOf(Map.of("0x73", 18, "0x83", 10));
        assertThat(r.checksumInvalid()).isEmpty();
        assertThat(r.malformed()).isEmpty();
        assertThat(r.parseErrors()).isZero();
        assertThat(r.notCyncRecords()).isZero();
        assertThat(r.recordsWithTrailingBytes()).isZero();
        // 8 device answers of class f9: the 6 power commands' f9 d0, the mode frame's f9 8e, the mesh answer f9 52.
        assertThat(r.executed()).isEqualTo(8);
        assertThat(r.executedByOpcode()).containsExactlyInAnyOrderEntriesOf(Map.of("d0", 6, "8e", 1, "52", 1));
    }

    @Test
    void theSixVendorPowerCommandsAreReproducedByteForByte() throws IOException {
        List<Packet.Command> power = packets("vendor-2024-03-11-plug.txt").stream()
                .filter(Packet.Command.class::isInstance)
                .map(Packet.Command.class::cast)
                .filter(c -> c.frame().orElseThrow().frameClass() == InnerFrame.REQUEST
                        && c.frame().orElseThrow().opcode() == InnerFrame.OP_POWER)
                .toList();
        assertThat(power).hasSize(6);
        boolean on = true;
        for (Packet.Command c : power) {
            MeshCommand m = c.command().orElseThrow();
            assertThat(m.target()).isEqualTo(5);
            assertThat(m.setting()).isEqualTo(new Setting.Power(on));
            Packet.Command ours = new MeshCommand(
                            DeviceId.parse("2de4b5d2"), c.key().sequenceField(), m.sequence(), 5, new Setting.Power(on))
                    .toPacket();
            assertThat(ours.bytes()).isEqualTo(c.bytes());
            on = !on;
        }
        // docs/protocol.md's worked example.
        assertThat(PacketCodec.encode(
                        new MeshCommand(DeviceId.parse("2de4b5d2"), 0x153700, 0x21, 5, new Setting.Power(true))
                                .toPacket()))
                .isEqualTo(Bytes.fromHex(
                                "73 00 00 00 1f 2d e4 b5 d2 15 37 00 7e 21 00 00 00 f8 d0 0d 00 21 00 00 00 00 05 00"
                                        + " d0 11 02 01 00 00 e7 7e")
                        .toArray());
    }

    @Test
    void vendorTraceStateReportsExecutionAcksAndTheMeshAnswerDecode() throws IOException {
        List<Packet> all = packets("vendor-2024-03-11-plug.txt");
        List<Packet.Command> acks = all.stream()
                .filter(Packet.Command.class::isInstance)
                .map(Packet.Command.class::cast)
                .filter(c -> c.frame().orElseThrow().frameClass() == InnerFrame.ANSWER)
                .toList();
        assertThat(acks).hasSize(8);
        assertThat(acks).allSatisfy(a -> assertThat(a.checksumValid()).isTrue());
        assertThat(acks.stream().filter(a -> a.bytes().length() == 24).count()).isEqualTo(7);
        assertThat(acks.stream()
                        .map(MeshQuery::answer)
                        .flatMap(Optional::stream)
                        .findFirst()
                        .orElseThrow())
                .extracting(MeshQuery.Entry::meshId)
                .containsExactly(5, 7, 3, 2);
        List<StatusReport> own = all.stream()
                .filter(Packet.Status.class::isInstance)
                .map(p -> ((Packet.Status) p).report())
                .filter(r -> r.kind() == StatusReport.Kind.OWN_STATE)
                .toList();
        assertThat(own).hasSize(6);
        assertThat(own).extracting(StatusReport::meshId).containsOnly(5);
        assertThat(own).extracting(StatusReport::on).containsExactly(true, false, true, false, true, false);
        // Brightness is kept when off: on/off comes from the state byte only.
        assertThat(own).extracting(StatusReport::brightness).containsOnly(100);
        assertThat(all.stream()
                        .filter(Packet.Status.class::isInstance)
                        .map(p -> ((Packet.Status) p).report().firmware())
                        .filter(Objects::nonNull))
                .contains("10298");
        List<StateEntry> entries = all.stream()
                .filter(Packet.DeviceInfo.class::isInstance)
                .flatMap(p -> ((Packet.DeviceInfo) p).entries().stream())
                .toList();
        assertThat(entries)
                .filteredOn(StateEntry::own)
                .extracting(StateEntry::meshId)
                .containsOnly(5);
        assertThat(entries)
                .filteredOn(e -> !e.own())
                .extracting(StateEntry::meshId)
                .containsExactly(3, 2);
        assertThat(all)
                .filteredOn(Packet.ControlAnswer.class::isInstance)
                .singleElement()
                .satisfies(a ->
                        assertThat(((Packet.ControlAnswer) a).bytes().length()).isEqualTo(1024));
    }

    @Test
    void every0x43EntryAndEvery0x83InFileADecodesAndTheOwnEntriesMatchTheirReports() throws IOException {
        List<Packet> all = packets("cync-2025-11-06-a.txt");
        long entries = all.stream()
                .filter(Packet.DeviceInfo.class::isInstance)
                .mapToLong(p -> ((Packet.DeviceInfo) p).entries().size())
                .sum();
        assertThat(entries).isEqualTo(184);
        assertThat(all)
                .filteredOn(Packet.Status.class::isInstance)
                .allSatisfy(p -> assertThat(
                                ((Packet.Status) p).frame().orElseThrow().valid())
                        .isTrue());
    }

    @Test
    void theSharedCapturesHaveNoExecutionAck() throws IOException {
        assertThat(analyze("cync-2025-11-06-a.txt").executed()).isZero();
        assertThat(analyze("cync-2025-11-06-b.txt").executed()).isZero();
    }

    @Test
    void fileAMatchesTheKnownTotals() throws IOException {
        CaptureReport r = analyze("cync-2025-11-06-a.txt");
        assertThat(r.packetsTotal()).isEqualTo(2380);
        assertThat(r.byType())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "0x23", 25, "0x28", 25, "0x43", 381, "0x48", 381, "0x83", 101, "0x88", 101, "0xc3", 25, "0xc8",
                        25, "0xd3", 658, "0xd8", 658));
        assertThat(r.checksumValid()).containsExactlyEntriesOf(Map.of("0x83", 101));
        assertThat(r.checksumInvalid()).isEmpty();
        assertThat(r.malformed()).isEmpty();
        assertThat(r.notCyncRecords()).isZero();
        assertThat(r.parseErrors()).isZero();
    }

    @Test
    void fileBMatchesTheKnownTotalsAndAckLatency() throws IOException {
        CaptureReport r = analyze("cync-2025-11-06-b.txt");
        assertThat(r.packetsTotal()).isEqualTo(633);
        assertThat(r.byType())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "0x23", 25, "0x28", 25, "0x43", 7, "0x48", 7, "0x73", 179, "0x78", 171, "0x7b", 171, "0xd3", 24,
                        "0xd8", 24));
        assertThat(r.checksumValid()).containsExactlyEntriesOf(Map.of("0x73", 179));
        assertThat(r.commandsSent()).isEqualTo(179);
        assertThat(r.commandsAcked()).isEqualTo(171);
        // docs/protocol.md: median near 100 ms, maximum near 330 ms
        assertThat(r.ackLatencyMs().p50()).isBetween(80.0, 120.0);
        assertThat(r.ackLatencyMs().max()).isBetween(300.0, 360.0);
        assertThat(r.byDirection().values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(r.packetsTotal());
    }

    @Test
    void badLinesAreReportedWithTheirLineNumberAndTheRestIsRead() throws IOException {
        String text = """
                2025-11-06T08:57:55.534425 DEV→CLOUD (5 bytes)
                d3 00 00 00 00

                this is not a header
                2025-11-06T08:57:56.000000 CLOUD→DEV (5 bytes)
                d8 00 00 00 zz

                2025-11-06T08:57:57.000000 CLOUD→DEV (5 bytes)
                d8 00 00 00

                2025-11-06T08:57:58.000000 CLOUD→DEV [INJECTED] (5 bytes)
                d8 00 00 00 00
                """;
        CaptureReport r = CaptureAnalyzer.analyze("t", new BufferedReader(new StringReader(text)));
        assertThat(r.records()).isEqualTo(2);
        assertThat(r.parseErrors()).isEqualTo(3);
        assertThat(r.problems())
                .containsExactly(
                        "line 4: expected a record header like '2025-11-06T08:57:55.534425 DEV→CLOUD (31 bytes)', got 'this is not a header'",
                        "line 6: not a line of hex bytes: 'd8 00 00 00 zz'",
                        "line 9: header says 5 bytes, the hex line has 4");
    }

    @Test
    void trailingBytesAndSeveralPacketsPerRecord() throws IOException {
        String text = """
                2025-11-06T08:57:55.000000 CLOUD→DEV (11 bytes)
                d8 00 00 00 00 d8 00 00 00 00 01
                """;
        CaptureReport r = CaptureAnalyzer.analyze("t", new BufferedReader(new StringReader(text)));
        assertThat(r.packetsTotal()).isEqualTo(2);
        assertThat(r.recordsWithTrailingBytes()).isEqualTo(1);
        assertThat(r.trailingBytes()).isEqualTo(1);
    }
}
