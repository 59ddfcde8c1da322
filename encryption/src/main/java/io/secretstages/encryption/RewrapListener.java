package io.secretstages.encryption;

/** Told of a re-wrap's progress after each secret it finishes ({@link EncryptingRepository#rewrap}). */
@FunctionalInterface
public interface RewrapListener {
    /** Ignores progress. */
    RewrapListener NONE = report -> { };

    /**
     * @param progress the counts so far; {@link RewrapReport#lastSecretName()} is where to resume from
     */
    void secretDone(RewrapReport progress);
}
