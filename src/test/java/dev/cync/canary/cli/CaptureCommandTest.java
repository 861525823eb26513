package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cync.canary.support.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CaptureCommandTest {

    @TempDir
    Path dir;

    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    static final String VENDOR = "src/test/resources/captures/vendor-2024-03-11-plug.txt";

    @Test
    void packetsPrintsOneLinePerPacketThenTheTotalsWithTheExecutedCount() {
        Run r = run("capture", "--packets", VENDOR);
        assertThat(r.out().lines().filter(l -> l.startsWith("2024-03-11T")).count())
                .isEqualTo(98);
        assertThat(r.out())
                .contains("0x73 (36 bytes)  endpoint 2de4b5d2  key 2de4b5d2153700  inner f8 d0 seq 21  target 5"
                        + "  {setting=power on}  checksum ok");
        assertThat(r.out()).contains("inner f9 d0 seq 21").contains("executed: 8 ");
    }

    @Test
    void packetsAsJsonIsOneObjectPerPacketThenTheReport() throws Exception {
        Run r = run("capture", "--packets", "--json", VENDOR);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(99);
        JsonNode ack = Json.mapper()
                .readTree(lines.stream()
                        .filter(l -> l.contains("f9 d0 seq 22"))
                        .findFirst()
                        .orElseThrow());
        assertThat(ack.get("direction").asText()).isEqualTo("DEV→CLOUD");
        assertThat(ack.get("checksum").asText()).isEqualTo("ok");
        JsonNode report = Json.mapper().readTree(lines.get(98));
        assertThat(report.get("packets_total").asInt()).isEqualTo(98);
        assertThat(report.get("executed").asInt()).isEqualTo(8);
    }

    @Test
    void tlsRecordsAreReportedAsNotCyncAndNothingIsDecoded() throws IOException {
        // A TLS 1.2 ClientHello record header and the start of its body, as a device on the wrong port sends it.
        Path f = dir.resolve("tls.txt");
        Files.writeString(f, """
                2025-11-06T08:57:55.534425 DEV→CLOUD (16 bytes)
                16 03 01 00 a5 01 00 00 a1 03 03 5f 2a 11 90 0c

                2025-11-06T08:57:55.600000 CLOUD→DEV (12 bytes)
                16 03 03 00 5d 02 00 00 59 03 03 11
                """, StandardCharsets.UTF_8);
        Run r = run("capture", "--json", f.toString());
        assertThat(r.status()).isZero();
        JsonNode j = Json.mapper().readTree(r.out());
        assertThat(j.get("records").asInt()).isEqualTo(2);
        assertThat(j.get("not_cync_records").asInt()).isEqualTo(2);
        assertThat(j.get("packets_total").asInt()).isZero();
        assertThat(j.get("by_type").size()).isZero();
    }

    @Test
    void jsonHasTheDocumentedFieldNames() throws IOException {
        Path f = dir.resolve("one.txt");
        Files.writeString(
                f, "2025-11-06T08:57:55.534425 DEV→CLOUD (5 bytes)\nd3 00 00 00 00\n", StandardCharsets.UTF_8);
        JsonNode j =
                Json.mapper().readTree(run("capture", "--json", f.toString()).out());
        assertThat(j.fieldNames())
                .toIterable()
                .contains(
                        "file",
                        "records",
                        "packets_total",
                        "by_type",
                        "by_direction",
                        "checksum_valid",
                        "checksum_invalid",
                        "malformed",
                        "records_with_trailing_bytes",
                        "not_cync_records",
                        "ack_latency_ms");
        assertThat(j.get("by_type").get("0xd3").asInt()).isEqualTo(1);
        assertThat(j.get("by_direction").get("DEV→CLOUD").asInt()).isEqualTo(1);
        assertThat(j.get("ack_latency_ms").fieldNames()).toIterable().contains("p50", "p95", "p99", "max");
    }

    @Test
    void aMissingFileIsAClearErrorAndTheOthersAreStillReported() throws IOException {
        Path f = dir.resolve("one.txt");
        Files.writeString(
                f, "2025-11-06T08:57:55.534425 DEV→CLOUD (5 bytes)\nd3 00 00 00 00\n", StandardCharsets.UTF_8);
        Run r = run("capture", dir.resolve("nope.txt").toString(), f.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("nope.txt: no such file");
        assertThat(r.out()).contains("1 records, 1 packets");
    }

    @Test
    void aBinaryFileIsRefusedClearly() throws IOException {
        Path f = dir.resolve("bin.pcap");
        Files.write(f, new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1, (byte) 0xff, (byte) 0xfe});
        Run r = run("capture", f.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("not a UTF-8 text capture");
    }

    @Test
    void helpListsTheSubcommands() {
        Run r = run("--help");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("capture").contains("Decode traffic captures");
    }
}
