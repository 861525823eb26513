package dev.cync.canary.device;

import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.support.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which auth code each endpoint must present in its hello. Two modes:
 * <ul>
 * <li><b>allow-list</b> ({@code server.allowListFile}): only the endpoints listed, each with its code;
 *     nothing else connects;</li>
 * <li><b>trust on first use</b> (otherwise): the first code an endpoint presents is pinned, and a
 *     later hello with another code is refused. Pins live in {@code <state-dir>/device-auth-codes}
 *     and survive restarts. To re-pin a device (after a factory reset), delete its line while the
 *     controller is stopped.</li>
 * </ul>
 * Both files hold one {@code ENDPOINT CODE} per line (8 hex digits, 16 ASCII characters; {@code #}
 * starts a comment); a bad line stops the start with the file and line named.
 *
 * <p>Thread-safe: the pin is one atomic {@code putIfAbsent}, so two first hellos racing for one
 * endpoint agree on a single winner. The pins file is rewritten whole (temporary file, fsync,
 * atomic rename) on a background thread, never on an I/O thread; new pins arriving while it writes
 * are coalesced into the next write. A crash loses at most the pins made since the last write: those
 * endpoints are trusted afresh on their next hello.
 */
final class AuthCodes implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AuthCodes.class);
    static final String PINS_FILE = "device-auth-codes";

    /** What a hello gets. */
    enum Verdict {
        KNOWN("known", true),
        PINNED("pinned", true),
        MISMATCH("auth_code_mismatch", false),
        NOT_ALLOWED("not_allowed", false);

        private final String label;
        private final boolean accepted;

        Verdict(String label, boolean accepted) {
            this.label = label;
            this.accepted = accepted;
        }

        String label() {
            return label;
        }

        boolean accepted() {
            return accepted;
        }
    }

    private final ConcurrentHashMap<DeviceId, String> codes = new ConcurrentHashMap<>();
    private final boolean allowList;
    private final Path pinsFile;
    private final ExecutorService writer;
    private final AtomicBoolean dirty = new AtomicBoolean();

    private AuthCodes(boolean allowList, Path pinsFile) {
        this.allowList = allowList;
        this.pinsFile = pinsFile;
        this.writer = allowList || pinsFile == null
                ? null
                : Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "auth-code-pins");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** The allow-list when {@code allowListFile} is given, else the pins of {@code stateDir}. */
    static AuthCodes open(Optional<Path> allowListFile, Path stateDir) throws IOException {
        if (allowListFile.isPresent()) {
            AuthCodes a = new AuthCodes(true, null);
            Path file = allowListFile.get();
            try {
                a.codes.putAll(read(file, "server.allowListFile"));
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException(file + ": no such allow-list file (server.allowListFile)");
            }
            log.info("device allow-list {}: {} endpoints; no other device may connect", file, a.codes.size());
            return a;
        }
        AuthCodes a = new AuthCodes(false, stateDir.resolve(PINS_FILE));
        if (Files.exists(a.pinsFile)) {
            a.codes.putAll(read(a.pinsFile, "pinned device auth codes"));
        }
        return a;
    }

    /**
     * Trust on first use with the pins kept in memory only: for in-memory channels (the tests'
     * {@link DevicePipeline}), which have no state directory to keep them in.
     */
    static AuthCodes inMemory() {
        return new AuthCodes(false, null);
    }

    private static Map<DeviceId, String> read(Path file, String what) throws IOException {
        Map<DeviceId, String> out = new TreeMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceFirst("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String where = file + " line " + (i + 1) + " (" + what + ")";
            if (parts.length != 2 || !parts[1].matches("[\\x21-\\x7e]{16}")) {
                throw new IllegalArgumentException(
                        where + ": expected 'ENDPOINT CODE' (8 hex digits, 16 printable ASCII characters)");
            }
            DeviceId id;
            try {
                id = DeviceId.parse(parts[0]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
            if (out.putIfAbsent(id, parts[1]) != null) {
                throw new IllegalArgumentException(where + ": endpoint " + id + " is listed twice");
            }
        }
        return out;
    }

    Verdict check(DeviceId endpoint, String code) {
        if (allowList) {
            String expected = codes.get(endpoint);
            return expected == null ? Verdict.NOT_ALLOWED : expected.equals(code) ? Verdict.KNOWN : Verdict.MISMATCH;
        }
        String pinned = codes.putIfAbsent(endpoint, code);
        if (pinned == null) {
            scheduleWrite();
            return Verdict.PINNED;
        }
        return pinned.equals(code) ? Verdict.KNOWN : Verdict.MISMATCH;
    }

    int size() {
        return codes.size();
    }

    private void scheduleWrite() {
        if (writer != null && dirty.compareAndSet(false, true)) {
            try {
                writer.execute(this::write);
            } catch (RejectedExecutionException e) {
                dirty.set(false); // closing: close() writes the last state itself
            }
        }
    }

    private void write() {
        dirty.set(false);
        StringBuilder sb = new StringBuilder(
                "# endpoint auth-code, pinned on first hello (trust on first use); see docs/security.md\n");
        new TreeMap<>(codes)
                .forEach((id, code) -> sb.append(id).append(' ').append(code).append('\n'));
        try {
            Files.createDirectories(pinsFile.getParent());
            DurableFiles.replace(pinsFile, sb.toString().getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            log.error(
                    "could not save the pinned device auth codes to {}: {} (they hold in memory; retried on the next pin)",
                    pinsFile,
                    e.toString());
        }
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.shutdown();
            try {
                writer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            write();
        }
    }
}
