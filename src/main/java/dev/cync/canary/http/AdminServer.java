package dev.cync.canary.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.cync.canary.metrics.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server on :9400: {@code /metrics} (Prometheus text format), {@code /healthz}, and the
 * routes other parts add with {@link #route}. Runs on the JDK's HTTP server with a small pool.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    private final HttpServer server;
    private final ExecutorService pool;
    private final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    private volatile java.util.function.Supplier<java.util.Map<String, Object>> health = () -> java.util.Map.of("status", "ok");

    public AdminServer(String host, int port, Metrics metrics) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 128);
        pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "admin-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        route("/metrics", exchange -> {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                send(exchange, 405, "text/plain; charset=utf-8", "use GET\n");
                return;
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
            metrics.writeText(body);
            exchange.getResponseHeaders().set("Content-Type", metrics.contentType());
            exchange.sendResponseHeaders(200, body.size());
            try (OutputStream out = exchange.getResponseBody()) {
                body.writeTo(out);
            }
        });
        route("/healthz", exchange -> send(exchange, 200, "application/json",
                json.writeValueAsString(health.get()) + "\n"));
    }

    /**
     * What {@code /healthz} reports (default: {@code {"status":"ok"}}). Always with status 200 while
     * the process serves: a controller whose state is not yet on disk must not be restarted for it.
     */
    public void health(java.util.function.Supplier<java.util.Map<String, Object>> details) {
        health = details;
    }

    /** Serves {@code path} (and everything under it) with {@code handler}; errors become a 500 with a message. */
    public void route(String path, HttpHandler handler) {
        server.createContext(path, exchange -> {
            try {
                handler.handle(exchange);
            } catch (IOException | RuntimeException e) {
                log.warn("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                try {
                    send(exchange, 500, "application/json", "{\"error\":\"internal error: " + e.getClass().getSimpleName() + "\"}\n");
                } catch (IOException | RuntimeException ignored) {
                    // The response had already started; nothing more to tell the client.
                }
            } finally {
                exchange.close();
            }
        });
    }

    public AdminServer start() {
        server.start();
        log.info("HTTP on {}:{} (/metrics, /healthz)", server.getAddress().getHostString(), port());
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
