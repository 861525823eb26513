package dev.cync.canary.http;

import dev.cync.canary.support.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's bearer tokens. The admin token (every call): {@code CYNC_ADMIN_TOKEN} when set,
 * otherwise the one in {@code <state-dir>/admin-token}, generated on first start (256 random bits,
 * readable by the owner only) and its path logged. An existing token file that group or others may
 * read is refused (the start stops with one line saying how to fix it): a token others can read is
 * no secret. The optional read-only token ({@code CYNC_ADMIN_READ_TOKEN}) opens the GET calls only,
 * for dashboards and scripts that must not change anything. Compared in constant time.
 */
public final class AdminAuth {

    private static final Logger log = LoggerFactory.getLogger(AdminAuth.class);
    public static final String ENV = "CYNC_ADMIN_TOKEN";
    public static final String READ_ENV = "CYNC_ADMIN_READ_TOKEN";
    public static final String FILE = "admin-token";

    private final byte[] token;
    /** The read-only token, or null. */
    private final byte[] readToken;

    private AdminAuth(String token, String readToken) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.readToken = readToken == null ? null : readToken.getBytes(StandardCharsets.UTF_8);
    }

    public static AdminAuth of(String token) {
        return of(token, null);
    }

    /** @param readToken the read-only token, or null for none */
    public static AdminAuth of(String token, String readToken) {
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException(ENV + " must be at least 16 characters");
        }
        if (readToken != null && readToken.length() < 16) {
            throw new IllegalArgumentException(READ_ENV + " must be at least 16 characters");
        }
        if (token.equals(readToken)) {
            throw new IllegalArgumentException(READ_ENV + " must differ from the admin token");
        }
        return new AdminAuth(token, readToken);
    }

    /** The environment's token, or the state directory's (created if missing); no read-only token. */
    public static AdminAuth load(String fromEnv, Path stateDir) throws IOException {
        return load(fromEnv, null, stateDir);
    }

    /** The environment's token, or the state directory's (created if missing), and the read-only token if given. */
    public static AdminAuth load(String fromEnv, String readFromEnv, Path stateDir) throws IOException {
        String read = readFromEnv == null || readFromEnv.isBlank() ? null : readFromEnv.trim();
        if (read != null) {
            log.info("read-only admin API token from {}", READ_ENV);
        }
        if (fromEnv != null && !fromEnv.isBlank()) {
            log.info("admin API token from {}", ENV);
            return of(fromEnv.trim(), read);
        }
        Path file = stateDir.resolve(FILE);
        if (Files.exists(file)) {
            refuseLoosePermissions(file);
            log.info("admin API token in {}", file.toAbsolutePath());
            return of(Files.readString(file, StandardCharsets.UTF_8).trim(), read);
        }
        Files.createDirectories(stateDir);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String t = HexFormat.of().formatHex(random);
        DurableFiles.replaceOwnerOnly(file, (t + "\n").getBytes(StandardCharsets.UTF_8));
        log.info(
                "admin API token generated in {} (owner-only); the CLI reads it from there, or pass --token",
                file.toAbsolutePath());
        return of(t, read);
    }

    private static void refuseLoosePermissions(Path file) throws IOException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system: nothing to check
        }
        Set<PosixFilePermission> loose = EnumSet.of(
                PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
        loose.retainAll(perms);
        if (!loose.isEmpty()) {
            throw new IllegalArgumentException(file.toAbsolutePath() + ": the admin token file is "
                    + PosixFilePermissions.toString(perms) + " (others may read it); run 'chmod 600 "
                    + file.toAbsolutePath()
                    + "', or delete it to have a new token generated");
        }
    }

    /** Whether an {@code Authorization} header carries the admin token. */
    public boolean accepts(String authorizationHeader) {
        byte[] offered = offered(authorizationHeader);
        return offered != null && MessageDigest.isEqual(offered, token);
    }

    /** Whether an {@code Authorization} header carries the admin token or the read-only token. */
    public boolean acceptsRead(String authorizationHeader) {
        byte[] offered = offered(authorizationHeader);
        return offered != null
                && (MessageDigest.isEqual(offered, token)
                        || readToken != null && MessageDigest.isEqual(offered, readToken));
    }

    private static byte[] offered(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.startsWith("Bearer ")) {
            return null;
        }
        return authorizationHeader.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
    }
}
