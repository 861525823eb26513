package dev.cync.canary.http;

import dev.cync.canary.support.Validate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The HTTP server's settings; the {@code http:} section of {@code cync-canary.yaml}, where each is
 * explained. Validated on construction: an invalid value fails naming the setting.
 *
 * @param apiHost where the admin API listens when it is not with {@code /metrics}; empty: with it
 * @param apiPort the admin API's own port, or -1 to serve it on {@code port} with {@code /metrics}
 * @param certFile PEM certificate for the admin API (TLS on when given, with {@code keyFile})
 */
public record HttpServerConfig(
        String host,
        int port,
        String apiHost,
        int apiPort,
        int maxConnections,
        Duration headerTimeout,
        Duration bodyTimeout,
        int maxBodyBytes,
        int apiThreads,
        Optional<Path> certFile,
        Optional<Path> keyFile) {

    public HttpServerConfig {
        Validate.port("http.port", port);
        if (apiPort != -1) {
            Validate.port("http.apiPort", apiPort);
        }
        Validate.range("http.maxConnections", maxConnections, 1, 100_000);
        Validate.positive("http.headerTimeout", headerTimeout);
        Validate.positive("http.bodyTimeout", bodyTimeout);
        Validate.range("http.maxBodyBytes", maxBodyBytes, 1024, 16 << 20);
        Validate.range("http.apiThreads", apiThreads, 1, 64);
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException(
                    "http.certFile and http.keyFile go together: set both for TLS on the admin API, or neither");
        }
    }

    public static HttpServerConfig defaults() {
        return new HttpServerConfig(
                "0.0.0.0",
                9400,
                "",
                -1,
                256,
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                64 * 1024,
                8,
                Optional.empty(),
                Optional.empty());
    }

    /** Whether the admin API has its own listener (another port) rather than sharing {@code /metrics}'s. */
    public boolean separateApi() {
        return apiPort != -1;
    }

    public HttpServerConfig withPort(int p) {
        return new HttpServerConfig(
                host,
                p,
                apiHost,
                apiPort,
                maxConnections,
                headerTimeout,
                bodyTimeout,
                maxBodyBytes,
                apiThreads,
                certFile,
                keyFile);
    }

    public HttpServerConfig withApi(String h, int p) {
        return new HttpServerConfig(
                host,
                port,
                h,
                p,
                maxConnections,
                headerTimeout,
                bodyTimeout,
                maxBodyBytes,
                apiThreads,
                certFile,
                keyFile);
    }

    public HttpServerConfig withTls(Path cert, Path key) {
        return new HttpServerConfig(
                host,
                port,
                apiHost,
                apiPort,
                maxConnections,
                headerTimeout,
                bodyTimeout,
                maxBodyBytes,
                apiThreads,
                Optional.ofNullable(cert),
                Optional.ofNullable(key));
    }

    public HttpServerConfig withLimits(int connections, Duration header, Duration body) {
        return new HttpServerConfig(
                host, port, apiHost, apiPort, connections, header, body, maxBodyBytes, apiThreads, certFile, keyFile);
    }
}
