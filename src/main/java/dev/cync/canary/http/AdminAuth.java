package dev.cync.canary.http;

import dev.cync.canary.support.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's bearer token: {@code CYNC_ADMIN_TOKEN} when set, otherwise the one in
 * {@code <state-dir>/admin-token}, generated on first start (256 random bits, readable by the owner
 * only) and its path logged. Compared in constant time.
 */
public final class AdminAuth {

    private static final Logger log = LoggerFactory.getLogger(AdminAuth.class);
    public static final String ENV = "CYNC_ADMIN_TOKEN";
    public static final String FILE = "admin-token";

    private final byte[] token;

    private AdminAuth(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    public static AdminAuth of(String token) {
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException(ENV + " must be at least 16 characters");
        }
        return new AdminAuth(token);
    }

    /** The environment's token, or the state directory's (created if missing). */
    public static AdminAuth load(String fromEnv, Path stateDir) throws IOException {
        if (fromEnv != null && !fromEnv.isBlank()) {
            log.info("admin API token from {}", ENV);
            return of(fromEnv.trim());
        }
        Path file = stateDir.resolve(FILE);
        if (Files.isReadable(file)) {
            log.info("admin API token in {}", file.toAbsolutePath());
            return of(Files.readString(file, StandardCharsets.UTF_8).trim());
        }
        Files.createDirectories(stateDir);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String t = HexFormat.of().formatHex(random);
        DurableFiles.replaceOwnerOnly(file, (t + "\n").getBytes(StandardCharsets.UTF_8));
        log.info("admin API token generated in {} (owner-only); the CLI reads it from there, or pass --token", file.toAbsolutePath());
        return of(t);
    }

    /** Whether an {@code Authorization} header carries the token. */
    public boolean accepts(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.startsWith("Bearer ")) {
            return false;
        }
        byte[] offered = authorizationHeader.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(offered, token);
    }
}
