package dev.cync.canary.rollout;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.support.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells people about a rollback: an alert posted to Alertmanager's {@code /api/v2/alerts} when
 * {@code notify.alertmanagerUrl} is set, and a JSON post to {@code notify.webhookUrl} when set.
 * Asynchronous: a slow or absent receiver never delays the rollback itself; failures are logged.
 */
public final class Notifier {

    private static final Logger log = LoggerFactory.getLogger(Notifier.class);

    /** What is said about one rollback. */
    public record Rollback(
            Instant at, String trigger, String stage, String fromPercent, String toPercent, String reason) {}

    private final String alertmanagerUrl;
    private final String webhookUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = Json.mapper();

    public Notifier(String alertmanagerUrl, String webhookUrl) {
        this.alertmanagerUrl = blankToNull(alertmanagerUrl);
        this.webhookUrl = blankToNull(webhookUrl);
    }

    public static Notifier none() {
        return new Notifier(null, null);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    public void rolledBack(Rollback r) {
        try {
            if (alertmanagerUrl != null) {
                Map<String, Object> alert = new LinkedHashMap<>();
                alert.put(
                        "labels",
                        Map.of(
                                "alertname",
                                "CanaryRolledBack",
                                "severity",
                                "page",
                                "transport",
                                "new",
                                "trigger",
                                r.trigger(),
                                "service",
                                "cync-canary"));
                alert.put(
                        "annotations",
                        Map.of(
                                "summary",
                                "Canary rolled back to " + r.toPercent() + "% (" + r.trigger() + ")",
                                "description",
                                r.reason()));
                alert.put("startsAt", r.at().toString());
                alert.put("endsAt", r.at().plus(Duration.ofHours(1)).toString());
                post(alertmanagerUrl.replaceAll("/+$", "") + "/api/v2/alerts", json.writeValueAsString(List.of(alert)));
            }
            if (webhookUrl != null) {
                post(
                        webhookUrl,
                        json.writeValueAsString(Map.of(
                                "event",
                                "canary_rolled_back",
                                "at",
                                r.at().toString(),
                                "trigger",
                                r.trigger(),
                                "stage",
                                r.stage(),
                                "from_percent",
                                r.fromPercent(),
                                "to_percent",
                                r.toPercent(),
                                "reason",
                                r.reason())));
            }
        } catch (RuntimeException | IOException e) {
            log.error("could not notify about the rollback: {}", e.toString());
        }
    }

    private void post(String url, String body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((resp, e) -> {
            if (e != null) {
                log.error("rollback notification to {} failed: {}", url, e.toString());
            } else if (resp.statusCode() / 100 != 2) {
                log.error("rollback notification to {} answered {}: {}", url, resp.statusCode(), resp.body());
            } else {
                log.info("rollback notified to {}", url);
            }
        });
    }
}
