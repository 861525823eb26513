package dev.cync.canary.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real captures in ../shared decode to exactly the totals PROTOCOL.md gives. */
class CaptureFilesTest {

    static final Path CAPTURES = Path.of("..", "shared", "captures");

    static CaptureReport analyze(String name) throws IOException {
        Path file = CAPTURES.resolve(name);
        assumeTrue(Files.isReadable(file), "skipped: " + file.toAbsolutePath()
                + " is absent; the real captures live in ../shared/captures beside the project");
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return CaptureAnalyzer.analyze(name, in);
        }
    }

    @Test
    void fileAMatchesTheKnownTotals() throws IOException {
        CaptureReport r = analyze("cync-2025-11-06-a.txt");
        assertThat(r.packetsTotal()).isEqualTo(2380);
        assertThat(r.byType()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "0x23", 25, "0x28", 25, "0x43", 381, "0x48", 381, "0x83", 101, "0x88", 101,
                "0xc3", 25, "0xc8", 25, "0xd3", 658, "0xd8", 658));
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
        assertThat(r.byType()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "0x23", 25, "0x28", 25, "0x43", 7, "0x48", 7, "0x73", 179, "0x78", 171, "0x7b", 171,
                "0xd3", 24, "0xd8", 24));
        assertThat(r.checksumValid()).containsExactlyEntriesOf(Map.of("0x73", 179));
        assertThat(r.commandsSent()).isEqualTo(179);
        assertThat(r.commandsAcked()).isEqualTo(171);
        // PROTOCOL.md: median near 100 ms, maximum near 330 ms
        assertThat(r.ackLatencyMs().p50()).isBetween(80.0, 120.0);
        assertThat(r.ackLatencyMs().max()).isBetween(300.0, 360.0);
        assertThat(r.byDirection().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(r.packetsTotal());
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
        assertThat(r.problems()).containsExactly(
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
