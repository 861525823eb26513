package dev.cync.canary.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.protocol.CaptureAnalyzer;
import dev.cync.canary.protocol.CaptureReport;
import dev.cync.canary.protocol.PacketType;
import dev.cync.canary.support.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cync-canary capture FILE... [--json]}: what a traffic capture holds, per file. */
@Command(
        name = "capture",
        mixinStandardHelpOptions = true,
        description =
                "Decode traffic captures and report what they hold, per file: packets by type and direction, checksum"
                        + " results, malformed packets, trailing bytes, records that are not Cync at all (TLS, say), and the"
                        + " 0x73 -> 0x7B acknowledgement latency. The capture format is described in docs/protocol.md.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every file read without problems",
            "1:a file was missing or unreadable, or had lines that could not be parsed (reported; the other"
                    + " files are still analysed)"
        })
final class CaptureCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Capture files to analyse.")
    List<Path> files;

    @Option(
            names = "--json",
            description =
                    "Print one JSON object per file (with --packets: per packet), one per line, instead of a table.")
    boolean json;

    @Option(
            names = "--packets",
            description =
                    "Print one line per packet (time, direction, type, endpoint, receipt key,"
                            + " inner class, opcode and sequence, target mesh id, state fields, checksum verdict), then the totals.")
    boolean packets;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectMapper mapper = Json.mapper();
        int status = 0;
        for (Path file : files) {
            CaptureReport report;
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                report = CaptureAnalyzer.analyze(
                        file.toString(),
                        in,
                        packets
                                ? line -> {
                                    if (json) {
                                        try {
                                            out.println(mapper.writeValueAsString(line));
                                        } catch (IOException e) {
                                            throw new IllegalStateException("cannot serialise a packet line", e);
                                        }
                                    } else {
                                        out.println(line.text());
                                    }
                                }
                                : line -> {});
            } catch (NoSuchFileException e) {
                err.println("capture: " + file + ": no such file");
                status = 1;
                continue;
            } catch (MalformedInputException e) {
                err.println("capture: " + file
                        + ": not a UTF-8 text capture (is it a binary pcap? export it as text first)");
                status = 1;
                continue;
            } catch (IOException e) {
                err.println("capture: " + file + ": cannot read: " + e.getMessage());
                status = 1;
                continue;
            }
            if (report.parseErrors() > 0) {
                status = 1;
            }
            if (json) {
                try {
                    out.println(mapper.writeValueAsString(report));
                } catch (IOException e) {
                    throw new IllegalStateException("cannot serialise a capture report", e);
                }
            } else {
                printTable(report, out);
            }
        }
        out.flush();
        return status;
    }

    static void printTable(CaptureReport r, PrintWriter out) {
        out.println(r.file());
        out.printf(
                "  %d records, %d packets, %d not Cync, %d with trailing bytes (%d bytes), %d parse errors%n",
                r.records(),
                r.packetsTotal(),
                r.notCyncRecords(),
                r.recordsWithTrailingBytes(),
                r.trailingBytes(),
                r.parseErrors());
        out.printf(
                "  %-6s %-18s %8s %11s %11s %10s%n",
                "type", "name", "packets", "checksum ok", "checksum bad", "malformed");
        TreeSet<String> types = new TreeSet<>(r.byType().keySet());
        for (String t : types) {
            PacketType pt = PacketType.of(Integer.parseInt(t.substring(2), 16));
            boolean framed = pt != null && pt.framed();
            out.printf(
                    "  %-6s %-18s %8d %11s %11s %10s%n",
                    t,
                    pt == null ? "?" : pt.name().toLowerCase(),
                    r.byType().get(t),
                    framed ? get(r.checksumValid(), t) : "-",
                    framed ? get(r.checksumInvalid(), t) : "-",
                    get(r.malformed(), t));
        }
        out.printf("  by direction: %s%n", counts(r.byDirection()));
        out.printf(
                "  executed: %d server requests answered by an execution ack (class f9, same opcode and inner sequence)%s%n",
                r.executed(), r.executedByOpcode().isEmpty() ? "" : "; by opcode: " + counts(r.executedByOpcode()));
        CaptureReport.LatencySummary l = r.ackLatencyMs();
        if (l.count() == 0) {
            out.printf("  ack latency: no 0x73 -> 0x7B pairs (%d commands sent)%n", r.commandsSent());
        } else {
            out.printf(
                    "  ack latency 0x73 -> 0x7B (%d of %d commands acknowledged): p50 %.1f ms, p95 %.1f ms,"
                            + " p99 %.1f ms, max %.1f ms%n",
                    r.commandsAcked(), r.commandsSent(), l.p50(), l.p95(), l.p99(), l.max());
        }
        for (String p : r.problems()) {
            out.println("  ! " + p);
        }
        out.println();
    }

    /** {@code a 3, b 5}, in key order: a count per name for people, not a Java map. */
    static String counts(Map<String, ? extends Number> m) {
        if (m.isEmpty()) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(m)
                .forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ")
                        .append(k)
                        .append(' ')
                        .append(v));
        return b.toString();
    }

    private static String get(Map<String, Integer> m, String key) {
        return String.valueOf(m.getOrDefault(key, 0));
    }
}
