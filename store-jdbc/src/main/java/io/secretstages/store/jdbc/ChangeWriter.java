package io.secretstages.store.jdbc;

import io.secretstages.SecretValue;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretSnapshot;

import java.util.Map;
import java.util.OptionalLong;

/**
 * How one database applies the store's writes, with the contracts of the same methods of
 * {@link io.secretstages.spi.StageRepository}. Revisions are counted: 1 on create, one more per change
 * ({@link SecretChange#result()} as proposed).
 */
interface ChangeWriter {
    /** @see io.secretstages.spi.StageRepository#apply */
    OptionalLong apply(SecretChange change);

    /** @see io.secretstages.spi.StageRepository#delete */
    boolean delete(SecretSnapshot base);

    /** @see io.secretstages.spi.StageRepository#rewriteValues */
    OptionalLong rewriteValues(SecretSnapshot base, Map<Long, SecretValue> values);
}
