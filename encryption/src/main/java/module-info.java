/** Envelope encryption at rest for any {@code StageRepository} (docs/rules.md E1-E5), with Tink. */
module io.secretstages.encryption {
    requires transitive io.secretstages.core;
    requires transitive com.google.crypto.tink;
    requires com.github.benmanes.caffeine;

    exports io.secretstages.encryption;
}
