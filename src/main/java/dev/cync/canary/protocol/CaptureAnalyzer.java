package dev.cync.canary.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Decodes every record of a capture on its own (connection ids are not recorded) and tallies what
 * it holds. A record that does not start with a Cync header is "not Cync" (TLS bytes, say); bytes
 * after the last whole packet of a record are "trailing" and reported, never guessed at.
 *
 * <p>Ack latency pairs each device 0x7B with the oldest unanswered 0x73 carrying the same 7-byte
 * key, across the whole file: the proxy resent identical commands in bursts, and first-in
 * first-out is the only pairing that does not invent reordering.
 *
 * <p>{@code executed} counts server requests (class f8) answered by a device 0x73 of class f9 with
 * the same endpoint, opcode and inner sequence: the execution ack of docs/protocol.md revision 2.
 */
public final class CaptureAnalyzer {

    /** Problems listed in a report; the count of all of them is always given. */
    static final int MAX_PROBLEMS_LISTED = 20;

    private final String file;
    private int records;
    private int packets;
    private final SortedMap<String, Integer> byType = new TreeMap<>();
    private final SortedMap<String, Integer> byDirection = new TreeMap<>();
    private final SortedMap<String, Integer> checksumValid = new TreeMap<>();
    private final SortedMap<String, Integer> checksumInvalid = new TreeMap<>();
    private final SortedMap<String, Integer> malformed = new TreeMap<>();
    private int recordsWithTrailing;
    private int trailingBytes;
    private int notCync;
    private int commandsSent;
    private final Map<Long, ArrayDeque<CaptureRecord>> unanswered = new HashMap<>();
    private final List<Double> latenciesMs = new ArrayList<>();
    private int parseErrors;
    private final List<String> problems = new ArrayList<>();
    /** Server requests waiting for their execution ack, by endpoint, inner sequence and opcode. */
    private final Map<Long, Integer> awaitingExecution = new HashMap<>();

    private final SortedMap<String, Integer> executedByOpcode = new TreeMap<>();
    private int executed;
    private final Consumer<PacketLine> lines;

    private CaptureAnalyzer(String file, Consumer<PacketLine> lines) {
        this.file = file;
        this.lines = lines;
    }

    /** Reads and analyses one capture file. */
    public static CaptureReport analyze(String file, BufferedReader in) throws IOException {
        return analyze(file, in, line -> {});
    }

    /** Reads and analyses one capture file, handing a description of each packet to {@code lines}. */
    public static CaptureReport analyze(String file, BufferedReader in, Consumer<PacketLine> lines) throws IOException {
        CaptureAnalyzer a = new CaptureAnalyzer(file, lines);
        CaptureReader.read(in, a::accept, a::problem);
        return a.report();
    }

    private void problem(CaptureReader.Problem p) {
        parseErrors++;
        note(p.toString());
    }

    private void note(String problem) {
        if (problems.size() < MAX_PROBLEMS_LISTED) {
            problems.add(problem);
        }
    }

    private void accept(CaptureRecord record) {
        records++;
        ByteBuf buf = Unpooled.wrappedBuffer(record.bytes().array());
        int length = buf.readableBytes();
        int offset = 0;
        while (offset < length) {
            int result = PacketFramer.frame(buf, offset, length - offset);
            if (result <= 0) {
                if (offset == 0 && result < 0) {
                    notCync++;
                    note("line " + record.line() + ": not a Cync record ("
                            + PacketFramer.error(result).label() + "), starts " + hexPrefix(record.bytes()));
                } else {
                    recordsWithTrailing++;
                    trailingBytes += length - offset;
                    note("line " + record.line() + ": " + (length - offset) + " trailing byte(s) after "
                            + (offset == 0 ? "no" : "the last whole") + " packet");
                }
                return;
            }
            packet(record, buf, offset, result);
            offset += result;
        }
    }

    private void packet(CaptureRecord record, ByteBuf buf, int offset, int length) {
        int type = buf.getUnsignedByte(offset);
        String key = PacketType.hex(type);
        packets++;
        byType.merge(key, 1, Integer::sum);
        byDirection.merge(record.direction(), 1, Integer::sum);
        Packet packet;
        try {
            packet = PacketCodec.decode(buf, offset, length);
        } catch (PacketDecodeException e) {
            malformed.merge(key, 1, Integer::sum);
            note("line " + record.line() + ": " + e.getMessage());
            lines.accept(new PacketLine(
                    record.line(),
                    record.timestamp(),
                    record.direction(),
                    key,
                    length,
                    null,
                    null,
                    null,
                    null,
                    null,
                    "malformed",
                    e.getMessage()));
            return;
        }
        lines.accept(PacketLines.describe(record, packet, length));
        if (packet instanceof Packet.Command c) {
            (c.checksumValid() ? checksumValid : checksumInvalid).merge(key, 1, Integer::sum);
            InnerFrame f = c.frame().orElseThrow();
            long exec = ((c.deviceId().value() & 0xFFFFFFFFL) << 16) | (f.sequence() << 8) | f.opcode();
            if (!record.fromDevice()) {
                commandsSent++;
                unanswered
                        .computeIfAbsent(c.key().bits(), k -> new ArrayDeque<>())
                        .addLast(record);
                if (f.frameClass() == InnerFrame.REQUEST && c.checksumValid()) {
                    awaitingExecution.merge(exec, 1, Integer::sum);
                }
            } else if (f.frameClass() == InnerFrame.ANSWER && c.checksumValid()) {
                Integer waiting = awaitingExecution.get(exec);
                if (waiting != null) {
                    if (waiting == 1) {
                        awaitingExecution.remove(exec);
                    } else {
                        awaitingExecution.put(exec, waiting - 1);
                    }
                    executed++;
                    executedByOpcode.merge(String.format("%02x", f.opcode()), 1, Integer::sum);
                }
            }
        } else if (packet instanceof Packet.Status s) {
            (s.checksumValid() ? checksumValid : checksumInvalid).merge(key, 1, Integer::sum);
        } else if (packet instanceof Packet.CommandAck ack && record.fromDevice()) {
            ArrayDeque<CaptureRecord> waiting = unanswered.get(ack.key().bits());
            CaptureRecord sent = waiting == null ? null : waiting.pollFirst();
            if (sent != null) {
                latenciesMs.add(
                        Duration.between(sent.timestamp(), record.timestamp()).toNanos() / 1e6);
            }
        }
    }

    private CaptureReport report() {
        return new CaptureReport(
                file,
                records,
                packets,
                byType,
                byDirection,
                checksumValid,
                checksumInvalid,
                malformed,
                recordsWithTrailing,
                trailingBytes,
                notCync,
                commandsSent,
                latenciesMs.size(),
                summarize(latenciesMs),
                executed,
                executedByOpcode,
                parseErrors,
                Collections.unmodifiableList(problems));
    }

    static CaptureReport.LatencySummary summarize(List<Double> values) {
        if (values.isEmpty()) {
            return new CaptureReport.LatencySummary(0, null, null, null, null);
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return new CaptureReport.LatencySummary(
                sorted.length,
                rank(sorted, 0.50),
                rank(sorted, 0.95),
                rank(sorted, 0.99),
                round(sorted[sorted.length - 1]));
    }

    /** Nearest-rank percentile, rounded to 0.1 ms. */
    private static double rank(double[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return round(sorted[Math.max(0, index)]);
    }

    private static double round(double ms) {
        return Math.round(ms * 10) / 10.0;
    }

    private static String hexPrefix(Bytes bytes) {
        String hex = bytes.hex();
        return hex.length() <= 23 ? hex : hex.substring(0, 23) + " ...";
    }
}
