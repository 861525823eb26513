package dev.cync.canary.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.device.SelfSignedCertificate;
import dev.cync.canary.http.HttpServerConfig;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.support.Json;
import dev.cync.canary.time.SystemClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The issue-11 attacks on the HTTP server, each against a real controller on loopback: slowloris,
 * reads without a token, inexact paths and methods, sloppy JSON, paging overflow, forged log lines,
 * early hang-ups, oversized bodies, connection floods; plus the separate API listener and TLS.
 * Each fails on the JDK-HttpServer version this replaced. Real sockets and real time (bounded to
 * a few seconds), hence the tags; {@code mvn -B verify} runs them.
 */
@Tag("slow")
@Tag("attack")
class HttpAttacksTest {

    static final String TOKEN = "attack-token-0123456789abcdef";
    static final String READ_TOKEN = "read-only-token-0123456789ab";

    @TempDir
    Path state;

    CompositionRoot controller;
    final List<Socket> held = new ArrayList<>();
    final ObjectMapper json = Json.mapper();
    /** How long a call may take; the slowloris test holds it to the 1 s, the others only check answers. */
    Duration timeout = Duration.ofSeconds(5);

    CompositionRoot start(HttpServerConfig http) throws Exception {
        ControllerConfig c = ControllerConfig.load(null).withPorts(0, 0, -1).withStateDir(state);
        c = c.withHttp(http == null ? c.http().withPort(0).withApi("", -1) : http);
        controller = new CompositionRoot(
                        c.withHttp(c.http().withPort(0)),
                        SystemClock.utc(),
                        Map.of("CYNC_ADMIN_TOKEN", TOKEN, "CYNC_ADMIN_READ_TOKEN", READ_TOKEN))
                .start(true);
        return controller;
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : held) {
            s.close();
        }
        if (controller != null) {
            controller.close();
        }
    }

    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonNode json() throws Exception {
            return Json.mapper().readTree(body);
        }
    }

    Reply call(int port, String method, String path, String body, String token) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(timeout)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    Reply call(String method, String path, String body, String token) throws Exception {
        return call(controller.http().port(), method, path, body, token);
    }

    Socket halfSent(int port, String head) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        held.add(s);
        return s;
    }

    /** Reproduction 2: four (here eight) half-sent requests froze /healthz, /metrics and the rollback. */
    @Test
    void slowlorisLeavesHealthzMetricsAndRollbackAnsweringWithinOneSecond() throws Exception {
        start(null);
        int port = controller.http().port();
        for (int i = 0; i < 8; i++) {
            halfSent(
                    port,
                    i % 2 == 0
                            ? "GET /healthz HTTP/1.1\r\nHost: x\r\n"
                            : "POST /api/canary/rollback HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"rea");
        }
        Thread.sleep(200); // let the server read the halves (the attack is in place before the calls)
        call("GET", "/healthz", null, null); // warm the client and server code paths (JIT, class loading) first
        timeout = Duration.ofSeconds(1);
        // each call times out after 1 s (HttpClient timeout), so passing means answered within 1 s
        assertThat(call("GET", "/healthz", null, null).status()).isEqualTo(200);
        assertThat(call("GET", "/metrics", null, null).body()).contains("canary_percentage");
        call("PUT", "/api/canary", "{\"percentage\": 10, \"reason\": \"step\"}", TOKEN);
        Reply rollback = call("POST", "/api/canary/rollback", "{\"reason\": \"pager\"}", TOKEN);
        assertThat(rollback.status()).isEqualTo(200);
        assertThat(controller.flags().current().percentageBasisPoints()).isZero();
    }

    @Test
    void halfSentRequestsAreClosedAtTheirDeadlineAndCounted() throws Exception {
        HttpServerConfig d = HttpServerConfig.defaults();
        start(d.withPort(0).withLimits(256, Duration.ofMillis(300), Duration.ofMillis(300)));
        int port = controller.http().port();
        Socket headers = halfSent(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
        Socket body = halfSent(port, "PUT /api/canary HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{");
        headers.setSoTimeout(5000);
        body.setSoTimeout(5000);
        assertThat(headers.getInputStream().readAllBytes()).isEmpty(); // closed, nothing to say
        assertThat(new String(body.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                .startsWith("HTTP/1.1 408");
        assertThat(controller.metrics().counterValue(Metrics.API_REJECTED, "timeout"))
                .isEqualTo(2);
    }

    /** Reproduction 5: reads without a token (the audit, the routing salt, the SLOs, the rollout, the devices). */
    @Test
    void everyApiCallNeedsATokenAndTheReadOnlyTokenOnlyReads() throws Exception {
        start(null);
        for (String path : List.of(
                "/api/audit", "/api/canary", "/api/slo", "/api/rollout", "/api/devices", "/api/route/3d54861c")) {
            assertThat(call("GET", path, null, null).status()).as(path).isEqualTo(401);
            assertThat(call("GET", path, null, "wrong-token-0123456789abcdef").status())
                    .as(path)
                    .isEqualTo(401);
            assertThat(call("GET", path, null, READ_TOKEN).status()).as(path).isEqualTo(200);
            assertThat(call("GET", path, null, TOKEN).status()).as(path).isEqualTo(200);
        }
        Reply readOnlyWrite = call("POST", "/api/canary/rollback", "{\"reason\": \"x\"}", READ_TOKEN);
        assertThat(readOnlyWrite.status()).isEqualTo(403);
        assertThat(controller.flags().current().version()).isZero();
        assertThat(call("GET", "/metrics", null, null).status()).isEqualTo(200);
        assertThat(call("GET", "/healthz", null, null).status()).isEqualTo(200);
    }

    /** Reproduction 6: /metricsxyz served metrics; POST /healthz answered 200. */
    @Test
    void pathsAreMatchedExactlyAndMethodsChecked() throws Exception {
        start(null);
        assertThat(call("GET", "/metricsxyz", null, null).status()).isEqualTo(404);
        assertThat(call("GET", "/metrics/", null, null).status()).isEqualTo(404);
        assertThat(call("GET", "/healthzz", null, null).status()).isEqualTo(404);
        assertThat(call("GET", "/api/canaryx", null, TOKEN).status()).isEqualTo(404);
        Reply post = call("POST", "/healthz", "{}", null);
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.raw().headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(call("DELETE", "/metrics", null, null).status()).isEqualTo(405);
        assertThat(call("HEAD", "/metrics", null, null).status()).isEqualTo(200);
    }

    /** Reproduction 6: duplicate keys took the last value; 99.9999999999999999 became 100%, 1e-400 0%. */
    @Test
    void jsonIsReadStrictly() throws Exception {
        start(null);
        Reply dup = call("PUT", "/api/canary", "{\"percentage\": 50, \"percentage\": 1, \"reason\": \"x\"}", TOKEN);
        assertThat(dup.status()).isEqualTo(400);
        assertThat(dup.json().get("error").asText()).contains("Duplicate field 'percentage'");
        for (String p : List.of("99.9999999999999999", "1e-400", "100.000000000000001", "1e400")) {
            Reply r = call("PUT", "/api/canary", "{\"percentage\": " + p + ", \"reason\": \"x\"}", TOKEN);
            assertThat(r.status()).as(p).isEqualTo(400);
        }
        Reply trailing =
                call("PUT", "/api/canary", "{\"percentage\": 5, \"reason\": \"x\"} {\"percentage\": 90}", TOKEN);
        assertThat(trailing.status()).isEqualTo(400);
        assertThat(controller.flags().current().version()).isZero();
        assertThat(call("PUT", "/api/canary", "{\"percentage\": 99.99, \"reason\": \"x\"}", TOKEN)
                        .status())
                .isEqualTo(200);
        assertThat(controller.flags().current().percentageBasisPoints()).isEqualTo(9999);
    }

    /** Reproduction 6: offset=2147483647 overflowed. */
    @Test
    void pagingDoesNotOverflow() throws Exception {
        start(null);
        Reply r = call("GET", "/api/devices?offset=2147483647&limit=100000", null, TOKEN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("devices").size()).isZero();
        assertThat(call("GET", "/api/devices?offset=99999999999999999999", null, TOKEN)
                        .status())
                .isEqualTo(400);
        assertThat(call("GET", "/api/devices?offset=1&offset=2", null, TOKEN).status())
                .isEqualTo(400);
        assertThat(call("GET", "/api/audit?limit=-1", null, TOKEN).status()).isEqualTo(400);
    }

    /** Reproduction 6: a reason with a newline forged a log line. */
    @Test
    void controlCharactersInAReasonAreEscapedInTheAuditAndTheLog() throws Exception {
        start(null);
        ListAppender<ILoggingEvent> logs = capture();
        Logger controllerLog = (Logger) LoggerFactory.getLogger(CompositionRoot.class);
        ch.qos.logback.classic.Level before = controllerLog.getLevel();
        controllerLog.setLevel(ch.qos.logback.classic.Level.INFO);
        try {
            logRoutingChange(logs);
        } finally {
            controllerLog.setLevel(before);
        }
    }

    private void logRoutingChange(ListAppender<ILoggingEvent> logs) throws Exception {
        String forged = "ok\\n2026-01-01 INFO rollout promoted to 100% by admin\\u001b[2J";
        assertThat(call("PUT", "/api/canary", "{\"percentage\": 5, \"reason\": \"" + forged + "\"}", TOKEN)
                        .status())
                .isEqualTo(200);
        String reason = controller.flags().store().audit(1).get(0).reason();
        assertThat(reason)
                .doesNotContain("\n")
                .doesNotContain("\u001b")
                .contains("\\n2026-01-01")
                .contains("\\u001b[2J");
        assertThat(logs.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(m -> m.contains("routing change"))
                .singleElement()
                .satisfies(m -> assertThat(m).doesNotContain("\n").contains("\\n2026"));
    }

    /** Reproduction 6: a client hanging up early logged a 30-line stack trace. */
    @Test
    void aClientHangingUpEarlyLeavesNoStackTrace() throws Exception {
        start(null);
        ListAppender<ILoggingEvent> logs = capture();
        int port = controller.http().port();
        for (int i = 0; i < 5; i++) {
            Socket s = halfSent(
                    port,
                    "PUT /api/canary HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                            + "\r\nContent-Length: 400\r\n\r\n{\"percentage\"");
            s.setSoLinger(true, 0); // RST, the rudest hang-up
            s.close();
            Socket t = halfSent(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            t.close(); // gone before the answer is written
        }
        assertThat(call("GET", "/healthz", null, null).status()).isEqualTo(200);
        Thread.sleep(200);
        assertThat(logs.list).noneMatch(e -> e.getThrowableProxy() != null);
        assertThat(logs.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN));
    }

    @Test
    void oversizedBodiesAndConnectionFloodsAreRefusedAndCounted() throws Exception {
        HttpServerConfig d = HttpServerConfig.defaults();
        start(d.withPort(0).withLimits(4, Duration.ofSeconds(10), Duration.ofSeconds(10)));
        String big = "{\"reason\": \"" + "x".repeat(70 * 1024) + "\"}";
        assertThat(call("POST", "/api/canary/rollback", big, TOKEN).status()).isEqualTo(413);
        assertThat(controller.metrics().counterValue(Metrics.API_REJECTED, "too_large"))
                .isEqualTo(1);
        int port = controller.http().port();
        for (int i = 0; i < 4; i++) {
            halfSent(port, "GET /healthz HTTP/1.1\r\n");
        }
        Socket fifth = halfSent(port, "");
        fifth.setSoTimeout(5000);
        assertThat(new String(fifth.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                .startsWith("HTTP/1.1 503");
        assertThat(controller.metrics().counterValue(Metrics.API_REJECTED, "too_many_connections"))
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void theApiCanListenApartFromMetricsOnLoopback() throws Exception {
        HttpServerConfig d = HttpServerConfig.defaults();
        start(d.withPort(0).withApi("127.0.0.1", 0));
        int metricsPort = controller.http().port();
        int apiPort = controller.apiHttp().port();
        assertThat(apiPort).isNotEqualTo(metricsPort);
        assertThat(call(metricsPort, "GET", "/metrics", null, null).status()).isEqualTo(200);
        assertThat(call(metricsPort, "GET", "/api/canary", null, TOKEN).status())
                .isEqualTo(404);
        assertThat(call(apiPort, "GET", "/api/canary", null, TOKEN).status()).isEqualTo(200);
        assertThat(call(apiPort, "GET", "/metrics", null, null).status()).isEqualTo(404);
        assertThat(call(apiPort, "GET", "/healthz", null, null).status()).isEqualTo(200);
    }

    @Test
    void theApiSpeaksTlsWhenGivenACertificate() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.loadOrCreate(state.resolve("admin-tls"), Instant.now());
        HttpServerConfig d = HttpServerConfig.defaults();
        start(d.withPort(0).withApi("127.0.0.1", 0).withTls(cert.certFile(), cert.keyFile()));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(
                null,
                new TrustManager[] {
                    new X509TrustManager() {
                        public void checkClientTrusted(X509Certificate[] c, String a) {}

                        public void checkServerTrusted(X509Certificate[] c, String a) {}

                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory()
                .createSocket("127.0.0.1", controller.apiHttp().port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/canary HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("\"salt\"");
        }
        // plaintext on the TLS listener gets nowhere
        assertThatThrownBy(() -> call(controller.apiHttp().port(), "GET", "/healthz", null, null))
                .isInstanceOf(IOException.class);
    }

    static ListAppender<ILoggingEvent> capture() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> a = new ListAppender<>();
        a.start();
        root.addAppender(a);
        return a;
    }
}
