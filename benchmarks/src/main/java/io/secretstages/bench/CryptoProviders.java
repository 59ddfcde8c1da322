package io.secretstages.bench;

import org.conscrypt.Conscrypt;

import java.security.Security;

/**
 * Which JCE provider runs Tink's AES-GCM in a fork of the encryption benchmarks: {@code jdk} (the JDK's own SunJCE,
 * what an application gets by default) or {@code conscrypt} (BoringSSL through Conscrypt, installed as the first
 * provider, as Tink's documentation advises for speed). Tink takes the provider of its thread-local {@code Cipher}
 * when a thread first encrypts, so this runs in the trial's set-up, before any encryption in the fork. Tink's
 * random bytes come from Conscrypt in both cases, because Tink uses it for them whenever it is on the class path.
 */
final class CryptoProviders {
    private CryptoProviders() {
    }

    /**
     * @param provider {@code jdk} or {@code conscrypt}
     * @throws IllegalArgumentException for any other name
     */
    static void install(String provider) {
        switch (provider) {
            case "jdk" -> {
                // SunJCE is first already
            }
            case "conscrypt" -> {
                if (Security.getProvider("Conscrypt") == null) {
                    Security.insertProviderAt(Conscrypt.newProvider(), 1);
                }
            }
            default -> throw new IllegalArgumentException("provider is jdk or conscrypt, not " + provider);
        }
    }
}
