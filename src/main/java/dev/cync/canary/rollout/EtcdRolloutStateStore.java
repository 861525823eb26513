package dev.cync.canary.rollout;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.flags.EtcdFlagStore;
import dev.cync.canary.flags.LeaderElection;
import dev.cync.canary.support.Json;
import java.io.IOException;
import java.util.Optional;

/**
 * The rollout state in etcd ({@code <prefix>rollout}), written only by the leader, fenced by its
 * lease: a new leader continues the same stage with the watched time the last one saved.
 */
public final class EtcdRolloutStateStore implements RolloutStateStore {

    static final String KEY = "rollout";
    private final EtcdFlagStore store;
    private final LeaderElection election;
    private final ObjectMapper json = Json.state();

    public EtcdRolloutStateStore(EtcdFlagStore store, LeaderElection election) {
        this.store = store;
        this.election = election;
    }

    @Override
    public Optional<RolloutState> load() throws IOException {
        Optional<byte[]> raw = store.readDocument(KEY);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(raw.get(), RolloutState.class));
        } catch (IOException e) {
            throw new IOException(
                    "the rollout state in etcd at " + store.settings().prefix() + KEY + " is not valid: "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public boolean writer() {
        return election.isLeader();
    }

    @Override
    public void save(RolloutState s) throws IOException {
        store.writeDocument(KEY, json.writeValueAsBytes(s), election::fence);
    }
}
