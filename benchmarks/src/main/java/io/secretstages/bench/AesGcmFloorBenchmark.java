package io.secretstages.bench;

import com.google.crypto.tink.subtle.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The least an encrypted put can cost on this JDK, next to {@link EncryptionBenchmark}'s putVersion rows in the same
 * run: the JDK's AES-256-GCM (the {@code Cipher} Tink's AES-GCM runs on) encrypting 32 bytes, under a key it has
 * scheduled already, under a key it has never seen (E1: every version has a fresh data key, so every put pays one
 * key schedule), and under a fresh key and then a fixed one on the same {@code Cipher} (what a put pays when the
 * data key and the key-encryption key take turns on Tink's one thread-local {@code Cipher}); and the random bytes a
 * put draws from Tink's {@link Random} (a 32-byte data key and two 12-byte IVs). IVs here come from a counter (unique
 * per key), keys from a seeded {@link SplittableRandom}: these rows price the cipher, not the randomness.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class AesGcmFloorBenchmark {
    private static final int VALUE_SIZE = 32;

    /** Which JCE provider's AES-GCM: {@code jdk} or {@code conscrypt} (see {@link CryptoProviders}). */
    @Param({"jdk"})
    public String provider;

    Cipher cipher;
    SecretKeySpec fixedKey;
    byte[] value = new byte[VALUE_SIZE];
    SplittableRandom random = new SplittableRandom(42);
    long counter;

    @Setup
    public void setUp() throws GeneralSecurityException {
        CryptoProviders.install(provider);
        cipher = Cipher.getInstance("AES/GCM/NoPadding");
        fixedKey = freshKey();
    }

    private SecretKeySpec freshKey() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return new SecretKeySpec(key, "AES");
    }

    private byte[] encrypt(SecretKeySpec key) throws GeneralSecurityException {
        byte[] iv = new byte[12];
        long n = ++counter;
        for (int i = 0; i < 8; i++) {
            iv[i] = (byte) (n >>> (8 * i));
        }
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        return cipher.doFinal(value);
    }

    /** AES-256-GCM of 32 bytes under a key already scheduled (a new IV each time). */
    @Benchmark
    public byte[] sameKey() throws GeneralSecurityException {
        return encrypt(fixedKey);
    }

    /** AES-256-GCM of 32 bytes under a key never used before: the key schedule E1 makes every put pay once. */
    @Benchmark
    public byte[] freshKey32() throws GeneralSecurityException {
        return encrypt(freshKey());
    }

    /**
     * A fresh key, then the fixed key, on one {@code Cipher}: two key schedules, as a put under Tink's one thread-local
     * {@code Cipher} pays them (the data key, then the key-encryption key wrapping it).
     */
    @Benchmark
    public byte[] freshKeyThenFixedKey() throws GeneralSecurityException {
        encrypt(freshKey());
        return encrypt(fixedKey);
    }

    /** The random bytes a put draws from Tink: a 32-byte data key and two 12-byte IVs, in three calls. */
    @Benchmark
    public byte[] tinkRandomOfAPut() {
        Random.randBytes(12);
        Random.randBytes(12);
        return Random.randBytes(32);
    }
}
