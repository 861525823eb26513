package dev.cync.canary.protocol;

import java.io.BufferedReader;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the capture text format of docs/protocol.md: a header line
 * ({@code 2025-11-06T08:57:55.534425 DEV→CLOUD [TAG] (31 bytes)}), a line of hex bytes, a blank
 * line. A record that cannot be parsed is reported with its line number and skipped; reading goes
 * on with the next record, so one bad line never hides the rest of a file.
 */
public final class CaptureReader {

    private static final Pattern HEADER =
            Pattern.compile("^(\\S+) (DEV→CLOUD|CLOUD→DEV)((?: \\[[^\\]]*\\])*) \\((\\d+) bytes?\\)$");
    private static final Pattern TAG = Pattern.compile("\\[([^\\]]*)\\]");
    /** A line of hex longer than this cannot be a capture record; refusing it bounds memory. */
    private static final int MAX_HEX_LINE = 3 * 65_536;

    /** A line the reader could not make sense of. */
    public record Problem(int line, String message) {
        @Override
        public String toString() {
            return "line " + line + ": " + message;
        }
    }

    private CaptureReader() {}

    /**
     * Reads every record, handing each good one to {@code records} and each problem to
     * {@code problems}, in file order.
     */
    public static void read(BufferedReader in, Consumer<CaptureRecord> records, Consumer<Problem> problems)
            throws IOException {
        int lineNo = 0;
        String line;
        while ((line = in.readLine()) != null) {
            lineNo++;
            line = stripBom(line, lineNo).strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = HEADER.matcher(line);
            if (!m.matches()) {
                problems.accept(new Problem(
                        lineNo,
                        "expected a record header like " + "'2025-11-06T08:57:55.534425 DEV→CLOUD (31 bytes)', got '"
                                + abbreviate(line) + "'"));
                continue;
            }
            int headerLine = lineNo;
            String hexLine = in.readLine();
            lineNo++;
            if (hexLine == null) {
                problems.accept(new Problem(headerLine, "record header at the end of the file has no hex line"));
                return;
            }
            CaptureRecord record = parse(m, headerLine, hexLine.strip(), lineNo, problems);
            if (record != null) {
                records.accept(record);
            }
        }
    }

    private static CaptureRecord parse(
            Matcher m, int headerLine, String hex, int hexLineNo, Consumer<Problem> problems) {
        LocalDateTime timestamp;
        try {
            timestamp = LocalDateTime.parse(m.group(1));
        } catch (DateTimeParseException e) {
            problems.accept(new Problem(headerLine, "bad timestamp '" + m.group(1) + "'"));
            return null;
        }
        List<String> tags = new ArrayList<>();
        Matcher t = TAG.matcher(m.group(3));
        while (t.find()) {
            tags.add(t.group(1));
        }
        int declared;
        try {
            declared = Integer.parseInt(m.group(4));
        } catch (NumberFormatException e) {
            problems.accept(new Problem(headerLine, "byte count '" + m.group(4) + "' is not a number"));
            return null;
        }
        if (hex.length() > MAX_HEX_LINE) {
            problems.accept(new Problem(hexLineNo, "hex line of " + hex.length() + " characters is too long"));
            return null;
        }
        if (hex.isEmpty()) {
            problems.accept(new Problem(hexLineNo, "expected a line of hex bytes, got an empty line"));
            return null;
        }
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            problems.accept(new Problem(hexLineNo, "not a line of hex bytes: '" + abbreviate(hex) + "'"));
            return null;
        }
        if (bytes.length != declared) {
            problems.accept(
                    new Problem(hexLineNo, "header says " + declared + " bytes, the hex line has " + bytes.length));
            return null;
        }
        return new CaptureRecord(headerLine, timestamp, m.group(2), tags, Bytes.wrap(bytes));
    }

    private static String stripBom(String line, int lineNo) {
        return lineNo == 1 && line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
