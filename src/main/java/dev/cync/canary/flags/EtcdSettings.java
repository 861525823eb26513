package dev.cync.canary.flags;

import java.time.Duration;
import java.util.List;

/**
 * Where the shared store is and how it is used ({@code flags.etcd} in the config).
 *
 * @param endpoints client URLs of the etcd members, e.g. {@code http://127.0.0.1:2379}
 * @param prefix every key lives under it, so several controllers (or environments) can share one etcd
 * @param replica this replica's name, unique among the replicas (the pod name on Kubernetes)
 * @param leaseTtl the leader lease; a leader stops deciding before it can expire
 * @param timeout one etcd operation at most; beyond it etcd counts as unavailable
 */
public record EtcdSettings(List<String> endpoints, String prefix, String replica, Duration leaseTtl, Duration timeout) {

    public EtcdSettings {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException(
                    "flags.etcd.endpoints: at least one etcd client URL is needed, e.g. http://127.0.0.1:2379");
        }
        for (String e : endpoints) {
            if (!e.matches("https?://[^\\s/]+(:\\d+)?/?")) {
                throw new IllegalArgumentException(
                        "flags.etcd.endpoints: '" + e + "' is not an http:// or https:// host:port URL");
            }
        }
        if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
            throw new IllegalArgumentException("flags.etcd.prefix: must start and end with '/', got '" + prefix + "'");
        }
        if (replica.isBlank() || !replica.matches("[A-Za-z0-9._-]{1,63}")) {
            throw new IllegalArgumentException(
                    "flags.etcd.replica: letters, digits, '.', '_' or '-', 1 to 63 of them, got '" + replica + "'");
        }
        // etcd leases are whole seconds; 1 s works on a quiet network (the failover test uses it), 10 s is the default.
        if (leaseTtl.compareTo(Duration.ofSeconds(1)) < 0 || leaseTtl.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("flags.etcd.leaseTtl: whole seconds, at least 1s, got " + leaseTtl);
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(leaseTtl) >= 0) {
            throw new IllegalArgumentException("flags.etcd.timeout: above 0 and below the lease TTL, got " + timeout);
        }
    }
}
