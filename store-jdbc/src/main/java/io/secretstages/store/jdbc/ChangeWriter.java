package io.secretstages.store.jdbc;

import io.secretstages.spi.SecretChange;

import java.util.OptionalLong;

/**
 * How one database applies a change, with the contract of {@link io.secretstages.spi.StageRepository#apply}.
 * Revisions are counted: {@code SecretSnapshot.firstRevision} on create (a secret created again never meets a revision
 * of the one before), one more per change (as {@link SecretChange#result()} proposes).
 */
interface ChangeWriter {
    /** @see io.secretstages.spi.StageRepository#apply */
    OptionalLong apply(SecretChange change);
}
