package dev.cync.canary.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cync.canary.metrics.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reproduction 6: an existing 0644 token file was used without a word. It is refused now. */
class AdminAuthTest {

    @TempDir
    Path state;

    @Test
    void aTokenFileOthersMayReadIsRefusedWithTheFixInOneLine() throws Exception {
        Path file = state.resolve(AdminAuth.FILE);
        Files.writeString(file, "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> AdminAuth.load(null, state))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toAbsolutePath().toString())
                .hasMessageContaining("chmod 600")
                .hasMessageNotContaining("\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(AdminAuth.load(null, state).accepts("Bearer 0123456789abcdef0123456789abcdef"))
                .isTrue();
    }

    @Test
    void aGeneratedTokenIsOwnerOnlyAndTheReadOnlyTokenOnlyReads() throws Exception {
        AdminAuth auth = AdminAuth.load(null, "read-only-token-0123456789", state);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(AdminAuth.FILE))))
                .isEqualTo("rw-------");
        assertThat(auth.acceptsRead("Bearer read-only-token-0123456789")).isTrue();
        assertThat(auth.accepts("Bearer read-only-token-0123456789")).isFalse();
        String admin = Files.readString(state.resolve(AdminAuth.FILE)).trim();
        assertThat(auth.accepts("Bearer " + admin)).isTrue();
        assertThat(auth.acceptsRead("Bearer " + admin)).isTrue();
        assertThat(auth.acceptsRead(null)).isFalse();
    }

    @Test
    void theRouterIsAFunctionOfTheRequest() {
        HttpRouter router = new HttpRouter(AdminAuth.of("0123456789abcdef0123"), new Metrics());
        router.add(
                "GET",
                "/api/things/([0-9a-f]{8})",
                Access.READ,
                c -> HttpReply.of(200, HttpReply.TEXT, c.params().get(0)));
        HttpCall ok = new HttpCall(
                "GET",
                "/api/things/3d54861c",
                Map.of(),
                Map.of("authorization", "Bearer 0123456789abcdef0123"),
                new byte[0],
                List.of(),
                "test");
        assertThat(new String(router.dispatch(ok).body())).isEqualTo("3d54861c");
        HttpCall longer =
                new HttpCall("GET", "/api/things/3d54861c/x", Map.of(), ok.headers(), new byte[0], List.of(), "test");
        assertThat(router.dispatch(longer).status()).isEqualTo(404);
        HttpCall noToken =
                new HttpCall("GET", "/api/things/3d54861c", Map.of(), Map.of(), new byte[0], List.of(), "test");
        assertThat(router.dispatch(noToken).status()).isEqualTo(401);
    }
}
