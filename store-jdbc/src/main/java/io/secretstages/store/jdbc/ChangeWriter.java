package io.secretstages.store.jdbc;

import io.secretstages.spi.SecretChange;

import java.util.OptionalLong;

/**
 * How one database applies a change, with the contract of {@link io.secretstages.spi.StageRepository#apply}.
 * Revisions are counted: 1 on create, one more per change ({@link SecretChange#result()} as proposed).
 */
interface ChangeWriter {
    /** @see io.secretstages.spi.StageRepository#apply */
    OptionalLong apply(SecretChange change);
}
