package io.secretstages;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of {@link StageManager#listSecrets(String, String, int)}: secrets in ascending name order
 * ({@link String#compareTo}), and the marker for the next page.
 *
 * @param secrets the secrets of this page, unmodifiable
 * @param nextMarker present if more secrets follow: pass it as the {@code marker} of the next call (it is the name
 *                   of the last secret of this page)
 */
public record SecretPage(List<SecretMetadata> secrets, Optional<String> nextMarker) {
    /**
     * Makes the list an unmodifiable copy.
     *
     * @param secrets the secrets of this page
     * @param nextMarker the marker for the next page, if more follow
     */
    public SecretPage {
        secrets = List.copyOf(secrets);
        Objects.requireNonNull(nextMarker, "nextMarker");
    }
}
