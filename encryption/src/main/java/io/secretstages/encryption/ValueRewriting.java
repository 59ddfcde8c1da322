package io.secretstages.encryption;

import io.secretstages.SecretValue;
import io.secretstages.spi.SecretSnapshot;

import java.util.Map;
import java.util.OptionalLong;

/**
 * The revision-guarded value rewrite a re-wrap needs, with the signature of the redesigned SPI's
 * {@code StageRepository.rewriteValues} (issue 13). Today's SPI has no such method, so only a store implementing
 * this can be re-wrapped; when the redesigned SPI is in, the SPI method replaces this interface.
 */
interface ValueRewriting {
    /**
     * Replaces stored values of existing versions atomically if the secret is still at {@code base.revision()};
     * versions, stages and every other field stay as they are, the revision changes.
     *
     * @param base the snapshot the values were read with
     * @param values the new stored value by version number, each a version {@code base} lists
     * @return the new revision, or empty if the secret was at another revision, absent, or lost a version
     */
    OptionalLong rewriteValues(SecretSnapshot base, Map<Long, SecretValue> values);
}
