package dev.cync.canary.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.http.AdminAuth;
import dev.cync.canary.support.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/** The CLI's side of the admin API: where the controller is, the token, and calls with clear errors. */
final class AdminClient {

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "The controller's address (default: $CYNC_URL, or else" + " http://127.0.0.1:9400).")
    String url;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "Admin token (default: $CYNC_ADMIN_TOKEN, or the token file in --state-dir).")
    String token;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            defaultValue = "cync-canary-state",
            description = "Where to find the admin-token file of a local controller (default ${DEFAULT-VALUE}).")
    Path stateDir;

    /** Set by --actor on the commands that change something ({@link AdminCommands.ChangeCommand}); else $USER. */
    String actor;

    private final ObjectMapper json = Json.mapper();
    private HttpClient http;

    /** A successful response's JSON; anything else is an IllegalArgumentException with the controller's message. */
    JsonNode call(String method, String path, Map<String, ?> body) throws IOException, InterruptedException {
        String base = url != null ? url : System.getenv().getOrDefault("CYNC_URL", "http://127.0.0.1:9400");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + path))
                .timeout(Duration.ofSeconds(15))
                .header("Accept", "application/json");
        String t = token();
        if (t != null) {
            b.header("Authorization", "Bearer " + t);
        }
        String who = actor != null ? actor : System.getenv().getOrDefault("USER", "cli");
        b.header("X-Actor", "cli:" + who.replaceAll("[^A-Za-z0-9_.@:-]", "_"));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        }
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new IllegalArgumentException(
                    "cannot reach the controller at " + base + ": is it running? (set --url or $CYNC_URL)");
        }
        JsonNode node = r.body().isBlank() ? json.createObjectNode() : json.readTree(r.body());
        if (r.statusCode() == 401) {
            throw new IllegalArgumentException(
                    "the controller refused: " + node.path("error").asText()
                            + " (pass --token, set $CYNC_ADMIN_TOKEN, or --state-dir where the controller keeps admin-token)");
        }
        if (r.statusCode() / 100 != 2) {
            throw new IllegalArgumentException("the controller answered " + r.statusCode() + ": "
                    + node.path("error").asText(r.body()));
        }
        return node;
    }

    private String token() throws IOException {
        if (token != null) {
            return token;
        }
        String env = System.getenv(AdminAuth.ENV);
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        Path f = stateDir.resolve(AdminAuth.FILE);
        return Files.isReadable(f) ? Files.readString(f, StandardCharsets.UTF_8).trim() : null;
    }

    String pretty(JsonNode n) throws IOException {
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    }
}
