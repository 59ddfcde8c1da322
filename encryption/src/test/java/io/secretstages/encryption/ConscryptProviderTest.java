package io.secretstages.encryption;

import com.google.crypto.tink.subtle.EngineFactory;
import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRepository;
import io.secretstages.store.memory.InMemoryStageRepository;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

import java.security.GeneralSecurityException;
import java.security.Security;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

/**
 * The envelope (docs/rules.md E1-E3) does not depend on which JCE provider runs Tink's AES-GCM: values sealed on the
 * JDK's SunJCE open byte for byte once Conscrypt (BoringSSL) is installed as the first provider, as the README's
 * "Faster: Conscrypt as the first JCE provider" advises, and the other way round, and a tampered envelope fails to
 * open on either.
 * So an application can install Conscrypt, or take it away again, over a database it already has.
 *
 * <p>Tink fixes the provider of its thread-local {@code Cipher} when a thread first encrypts, so each phase runs on a
 * thread of its own, started after the provider list changed, and checks which provider Tink picks there. Installing
 * a provider is JVM-wide: the test removes it again. (With Conscrypt on this module's test class path, Tink draws its
 * random bytes from it in every test of the module; that is Tink's choice, not the library's.)
 */
class ConscryptProviderTest {
    private static final String PROJECT = "p1";

    @AfterEach
    void removeConscrypt() {
        Security.removeProvider("Conscrypt");
    }

    /** @return the provider whose AES/GCM/NoPadding Tink takes on a thread that encrypts for the first time */
    private static String tinksProvider() throws GeneralSecurityException {
        return EngineFactory.CIPHER.getInstance("AES/GCM/NoPadding").getProvider().getName();
    }

    /** Runs {@code phase} on a new thread, after checking that Tink takes {@code provider}'s AES-GCM there. */
    private static <T> T onAFreshThread(String provider, Callable<T> phase) throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            return thread.submit(() -> {
                assertEquals(provider, tinksProvider(), "the provider Tink's AES-GCM runs on, on this thread");
                return phase.call();
            }).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error; // an assertion of the phase
            }
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            thread.shutdown();
        }
    }

    private static Gen<List<SecretValue>> valueLists() {
        return SourceDSL.lists().of(TestValues.values()).ofSizeBetween(1, 5);
    }

    /** Writes each value as a version of secret {@code name}, one version after another. */
    private static void write(StageManager manager, String name, List<SecretValue> values) {
        manager.createSecret(PROJECT, name, values.get(0));
        for (SecretValue v : values.subList(1, values.size())) {
            manager.putVersion(PROJECT, name, v);
        }
    }

    private static void assertReadsBack(StageManager manager, String name, List<SecretValue> values) {
        for (int i = 0; i < values.size(); i++) {
            SecretValue read = manager.getVersion(PROJECT, name, "v" + (i + 1)).value();
            EnvelopeSealerTest.assertSameValue(values.get(i), read);
        }
    }

    @Test
    void envelopesSealedOnOneProviderOpenOnTheOther() {
        qt().withExamples(Math.max(20, TestValues.examples() / 5)).forAll(valueLists(), valueLists())
                .checkAssert((onJdk, onConscrypt) -> {
                    Security.removeProvider("Conscrypt"); // an earlier example that failed may have left it
                    try {
                        StageRepository store = new InMemoryStageRepository();
                        StageManager manager = StageManager.builder()
                                .repository(TestKeys.encrypted(store)).build();
                        onAFreshThread("SunJCE", () -> {
                            write(manager, "sealed-on-sunjce", onJdk);
                            return null;
                        });
                        Security.insertProviderAt(Conscrypt.newProvider(), 1);
                        onAFreshThread("Conscrypt", () -> {
                            assertReadsBack(manager, "sealed-on-sunjce", onJdk);
                            write(manager, "sealed-on-conscrypt", onConscrypt);
                            return null;
                        });
                        Security.removeProvider("Conscrypt");
                        onAFreshThread("SunJCE", () -> {
                            assertReadsBack(manager, "sealed-on-conscrypt", onConscrypt);
                            return null;
                        });
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
    }

    @Test
    void aFlippedBitFailsToOpenOnConscrypt() throws Exception {
        StageRepository store = new InMemoryStageRepository();
        StageManager manager = StageManager.builder().repository(TestKeys.encrypted(store)).build();
        manager.createSecret(PROJECT, "s", SecretValue.ofString("0123456789abcdef0123456789abcdef"));
        SecretKey key = new SecretKey(PROJECT, "s");
        SecretSnapshot snapshot = store.load(key).orElseThrow();
        byte[] envelope = store.loadValue(snapshot, 1).orElseThrow().toBytes();
        Security.insertProviderAt(Conscrypt.newProvider(), 1);
        qt().withExamples(TestValues.examples()).forAll(Generate.range(0, envelope.length - 1), Generate.range(0, 7))
                .checkAssert((at, bit) -> {
                    byte[] tampered = envelope.clone();
                    tampered[at] ^= (byte) (1 << bit);
                    SecretSnapshot now = store.load(key).orElseThrow();
                    store.rewriteValues(now, Map.of(1L, SecretValue.ofBinary(tampered)));
                    StageManager fresh = StageManager.builder().repository(TestKeys.encrypted(store)).build();
                    StageException e = assertThrows(StageException.class, () -> {
                        try {
                            onAFreshThread("Conscrypt", () -> fresh.getVersion(PROJECT, "s", "v1"));
                        } catch (StageException | AssertionError direct) {
                            throw direct;
                        } catch (Exception other) {
                            throw new AssertionError(other);
                        }
                    }, "bit " + bit + " of byte " + at);
                    assertEquals(ErrorCode.STORE_FAILURE, e.code());
                    assertTrue(String.valueOf(e.getCause()).contains("could not decrypt the value of p1/s/v1"),
                            String.valueOf(e.getCause()));
                });
    }
}
