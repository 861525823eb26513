package dev.cync.canary.device;

/**
 * The status reports (0x83) seen recently, server-wide: a fixed table of fingerprints of (device,
 * bytes 9..11, content), direct-mapped, each with the time it was first seen. A report is a repeat
 * while its fingerprint still holds its slot and is younger than {@code ttl}; a newer report that
 * maps to the same slot takes it over, so the table forgets the oldest first only approximately, as
 * any size bound does. Nothing is allocated per report: at 20,000 commands/s each command brings one
 * report, and the previous cache (Caffeine, one entry and one eviction per report) was a fifth of
 * the device threads' time (docs/BENCHMARKS.md). Thread-safe: 64 lock stripes over the slots.
 */
final class RecentStatuses {

    private static final int STRIPES = 64;

    private final long[] fingerprints;
    private final long[] firstSeen;
    private final int mask;
    private final long ttlNanos;
    private final Object[] locks = new Object[STRIPES];

    /** At least {@code size} slots (rounded up to a power of two), each remembered for {@code ttlNanos}. */
    RecentStatuses(int size, long ttlNanos) {
        int slots = Integer.highestOneBit(Math.max(STRIPES, size - 1)) << 1;
        this.fingerprints = new long[slots];
        this.firstSeen = new long[slots];
        this.mask = slots - 1;
        this.ttlNanos = ttlNanos;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /** True the first time a report is seen within the ttl (apply it); false for a repeat. */
    boolean firstSighting(int device, int sequenceField, int contentHash, long nowNanos) {
        long fp = fingerprint(device, sequenceField, contentHash);
        int slot = (int) (fp >>> 32) & mask;
        synchronized (locks[slot & (STRIPES - 1)]) {
            if (fingerprints[slot] == fp && nowNanos - firstSeen[slot] < ttlNanos) {
                return false;
            }
            fingerprints[slot] = fp;
            firstSeen[slot] = nowNanos;
            return true;
        }
    }

    /** Never 0 (an empty slot). */
    private static long fingerprint(int device, int sequenceField, int contentHash) {
        long h = (device & 0xFFFFFFFFL) * 0x9E3779B97F4A7C15L;
        h ^= ((long) sequenceField << 32 | (contentHash & 0xFFFFFFFFL)) * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        return h == 0 ? 1 : h;
    }

    int slots() {
        return fingerprints.length;
    }
}
