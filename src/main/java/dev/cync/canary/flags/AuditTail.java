package dev.cync.canary.flags;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the end of the audit log from disk a page at a time, backwards from its last byte, so
 * reading the last {@code n} entries costs memory and time for {@code n} entries, however long the
 * log has grown (300,000 entries need no more heap than 10,000). Lines that do not parse are skipped
 * and counted, never fatal. Stateless apart from its parser; safe to share.
 */
final class AuditTail {

    static final int PAGE = 64 * 1024;

    private final ObjectMapper json;

    AuditTail(ObjectMapper json) {
        this.json = json;
    }

    /** What a read found: the entries, oldest first, and how many lines it skipped as unreadable. */
    record Page(List<AuditEntry> entries, int skipped) {}

    /** The last {@code limit} readable entries of {@code file}, oldest first; empty when the file is absent. */
    Page last(Path file, int limit) throws IOException {
        if (limit <= 0 || !Files.exists(file)) {
            return new Page(List.of(), 0);
        }
        ArrayDeque<AuditEntry> newestFirst = new ArrayDeque<>();
        int skipped = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = ch.size();
            // Bytes of a line that began in an earlier page than the one read (kept reversed: we read backwards).
            ByteArrayOutputStream partial = new ByteArrayOutputStream();
            ByteBuffer page = ByteBuffer.allocate(PAGE);
            while (pos > 0 && newestFirst.size() < limit) {
                int n = (int) Math.min(PAGE, pos);
                pos -= n;
                page.clear().limit(n);
                while (page.hasRemaining()) {
                    if (ch.read(page, pos + page.position()) < 0) {
                        throw new IOException(file + " shrank while it was read");
                    }
                }
                byte[] b = page.array();
                for (int i = n - 1; i >= 0 && newestFirst.size() < limit; i--) {
                    if (b[i] == '\n') {
                        skipped += line(partial, newestFirst);
                    } else {
                        partial.write(b[i]);
                    }
                }
            }
            if (pos == 0 && newestFirst.size() < limit) {
                skipped += line(partial, newestFirst);
            }
        }
        List<AuditEntry> out = new ArrayList<>(newestFirst.size());
        newestFirst.descendingIterator().forEachRemaining(out::add);
        return new Page(out, skipped);
    }

    /** Parses the reversed bytes collected as one line; returns 1 when it was unreadable. */
    private int line(ByteArrayOutputStream reversed, ArrayDeque<AuditEntry> into) {
        byte[] r = reversed.toByteArray();
        reversed.reset();
        if (r.length == 0) {
            return 0;
        }
        for (int i = 0, j = r.length - 1; i < j; i++, j--) {
            byte t = r[i];
            r[i] = r[j];
            r[j] = t;
        }
        String text = new String(r, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return 0;
        }
        try {
            into.addLast(json.readValue(text, AuditEntry.class));
            return 0;
        } catch (JacksonException e) {
            return 1;
        }
    }
}
