package dev.cync.canary.monitoring;

/**
 * {@code alertmanager.yml}: the spec's routing (group by alertname and transport, 30s / 5m / 4h,
 * default receiver tcp-rebuild-team; page -> pagerduty, ticket -> jira, warning -> slack in
 * #tcp-rebuild-alerts) with {@code matchers}, and every secret read from a file.
 */
public final class AlertmanagerConfig {

    /** Where each receiver sends; production reads secrets from files, tests point at a local webhook. */
    public record Receivers(String pagerduty, String jira, String slack, String team) {

        static Receivers production() {
            return new Receivers("""
                        pagerduty_configs:
                          - routing_key_file: /etc/alertmanager/secrets/pagerduty-routing-key
                    """, """
                        webhook_configs:
                          - url: http://jira-alert-bridge.internal:8080/alertmanager
                            http_config:
                              authorization:
                                credentials_file: /etc/alertmanager/secrets/jira-token
                    """, """
                        slack_configs:
                          - api_url_file: /etc/alertmanager/secrets/slack-webhook-url
                            channel: '#tcp-rebuild-alerts'
                            send_resolved: true
                    """, "");
        }

        /** Every receiver a webhook to {@code base}/{receiver name}, for end-to-end tests. */
        public static Receivers webhooks(String base) {
            return new Receivers(
                    hook(base, "pagerduty"), hook(base, "jira"), hook(base, "slack"), hook(base, "tcp-rebuild-team"));
        }

        private static String hook(String base, String name) {
            return "    webhook_configs:\n      - url: " + base + "/" + name + "\n        send_resolved: false\n";
        }
    }

    private AlertmanagerConfig() {}

    public static String render(Receivers r, String groupWait) {
        return MonitoringGenerator.HEADER
                + "#\n# Secrets are files mounted into the Alertmanager container (see docs/monitoring.md); none is inline.\n"
                + "route:\n"
                + "  receiver: tcp-rebuild-team\n"
                + "  group_by: [alertname, transport]\n"
                + "  group_wait: " + groupWait + "\n"
                + "  group_interval: 5m\n"
                + "  repeat_interval: 4h\n"
                + "  routes:\n"
                + "    - matchers: ['severity=\"page\"']\n      receiver: pagerduty\n"
                + "    - matchers: ['severity=\"ticket\"']\n      receiver: jira\n"
                + "    - matchers: ['severity=\"warning\"']\n      receiver: slack\n"
                + "receivers:\n"
                + "  - name: tcp-rebuild-team\n" + r.team()
                + "  - name: pagerduty\n" + r.pagerduty()
                + "  - name: jira\n" + r.jira()
                + "  - name: slack\n" + r.slack();
    }
}
