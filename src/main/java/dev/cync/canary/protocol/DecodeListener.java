package dev.cync.canary.protocol;

/** Told about every decode problem, so it can be counted; the codec itself keeps no counters. */
@FunctionalInterface
public interface DecodeListener {

    /**
     * @param reason why the bytes were refused
     * @param discardedBytes how many bytes were dropped because of it
     */
    void onDecodeError(DecodeError reason, int discardedBytes);

    DecodeListener NONE = (reason, discardedBytes) -> {};
}
