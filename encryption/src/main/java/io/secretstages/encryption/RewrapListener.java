package io.secretstages.encryption;

/**
 * Told of a re-wrap's progress after each secret it finishes ({@link EncryptingRepository#rewrap},
 * {@link EncryptingRepository#rewrapAll}).
 */
@FunctionalInterface
public interface RewrapListener {
    /** Ignores progress. */
    RewrapListener NONE = report -> { };

    /**
     * @param progress the counts so far; {@link RewrapReport#projectId()} and {@link RewrapReport#lastSecretName()}
     *                 are where to resume from
     */
    void secretDone(RewrapReport progress);
}
