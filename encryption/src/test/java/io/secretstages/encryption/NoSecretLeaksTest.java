package io.secretstages.encryption;

import io.secretstages.store.jdbc.TestDatabases;
import io.secretstages.store.jdbc.CapturingLogProvider;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AesGcmKey;
import io.secretstages.CacheSettings;
import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.spi.StageRepository;
import io.secretstages.store.jdbc.JdbcStageRepository;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/rules.md E3: no value and no key material in any log line (every level, captured by {@link CapturingLogProvider}),
 * exception (message, cause chain, stack trace) or {@code toString}, across encrypted operations and every kind of
 * failure to open: tampered bytes, a wrong key, a retired key, and H2 refusing an envelope too long for its column
 * (whose error quotes the rejected bytes in hex).
 */
class NoSecretLeaksTest {
    private final String canary = "CANARY:" + UUID.randomUUID();
    private final List<String> texts = new ArrayList<>();

    private static List<String> forms(byte[] bytes) {
        return List.of(HexFormat.of().formatHex(bytes), HexFormat.of().withUpperCase().formatHex(bytes),
                Base64.getEncoder().encodeToString(bytes), Arrays.toString(bytes));
    }

    /** @return every key's raw bytes and serialized form, as text in every encoding worth searching */
    private static List<String> keyMaterial(KeysetHandle keyset) throws Exception {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < keyset.size(); i++) {
            AesGcmKey key = (AesGcmKey) keyset.getAt(i).getKey();
            found.addAll(forms(key.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get())));
        }
        Matcher values = Pattern.compile("\"value\":\\s*\"([^\"]+)\"")
                .matcher(TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get()));
        while (values.find()) {
            found.add(values.group(1));
        }
        assertTrue(found.size() >= 2 * keyset.size());
        return found;
    }

    private void keep(Object o) {
        texts.add(String.valueOf(o));
    }

    private void keep(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        texts.add(w.toString());
        texts.add(t.toString());
    }

    private void attempt(Runnable call) {
        try {
            call.run();
        } catch (StageException e) {
            keep(e);
        }
    }

    private StageManager manager(StageRepository repository, boolean cached) {
        StageManager.Builder b = StageManager.builder().repository(repository);
        if (cached) {
            b.cache(CacheSettings.expireAfterWrite(Duration.ofMinutes(1)));
        }
        return b.build();
    }

    @Test
    void noValueAndNoKeyInLogsExceptionsOrToString() throws Exception {
        assertInstanceOf(CapturingLogProvider.CapturingLogger.class, LoggerFactory.getLogger(getClass()),
                "the capturing binding is in use");
        KeysetHandle old = KeyEncryptionKeys.generate();
        KeysetHandle rotated = KeyEncryptionKeys.rotate(old);
        KeysetHandle newOnly = KeyEncryptionKeys.retire(rotated, old.getPrimary().getId());
        KeysetHandle stranger = KeyEncryptionKeys.generate();
        SecretValue text = SecretValue.ofString(canary);
        SecretValue binary = SecretValue.ofBinary(canary.getBytes(StandardCharsets.UTF_8));
        SecretValue big = SecretValue.ofString((canary + "-").repeat(32 * 1024 / (canary.length() + 1)));

        DataSource grown = TestDatabases.h2("leaks-grown");
        JdbcStageRepository.builder(grown).initializeSchema(true).build();
        TestDatabases.execute(grown, TestDatabases.H2_GROW_VALUE_COLUMN);
        DataSource narrow = TestDatabases.h2("leaks-narrow"); // a column narrowed to 32 KiB: the envelope fails
        JdbcStageRepository.builder(narrow).initializeSchema(true).build();
        TestDatabases.execute(narrow, TestDatabases.H2_NARROW_VALUE_COLUMN);

        int project = 0;
        for (boolean cached : new boolean[]{false, true}) {
            String p = "leak" + (++project);
            StageManager m = manager(TestKeys.encrypted(JdbcStageRepository.builder(grown).build(), old), cached);
            attempt(() -> keep(m.createSecret(p, "s", text)));
            attempt(() -> keep(m.putVersion(p, "s", binary)));
            attempt(() -> keep(m.putVersion(p, "s", big)));
            attempt(() -> keep(m.getVersion(p, "s", "v1")));
            attempt(() -> keep(m.getVersion(p, "s", "latest")));
            attempt(() -> keep(m.listVersions(p, "s")));
            keep(m);
            StageManager r = manager(TestKeys.encrypted(JdbcStageRepository.builder(grown).build(), rotated), cached);
            attempt(() -> keep(r.putVersion(p, "s", text)));
            attempt(() -> keep(r.getVersion(p, "s", "v1")));
            StageManager retired = manager(TestKeys.encrypted(JdbcStageRepository.builder(grown).build(), newOnly),
                    cached);
            attempt(() -> keep(retired.getVersion(p, "s", "v1")));                    // retired key: fails
            StageManager wrong = manager(TestKeys.encrypted(JdbcStageRepository.builder(grown).build(), stranger),
                    cached);
            attempt(() -> keep(wrong.getVersion(p, "s", "v2")));                      // wrong key: fails
            attempt(() -> keep(wrong.putVersion(p, "s", text)));
            StageManager plainReader = manager(JdbcStageRepository.builder(grown).build(), cached);
            attempt(() -> keep(plainReader.getVersion(p, "s", "v1")));                // envelope bytes, not a value
            StageManager tooLong = manager(TestKeys.encrypted(JdbcStageRepository.builder(narrow).build(), old),
                    cached);
            attempt(() -> keep(tooLong.createSecret(p, "big", big)));                 // H2: value too long
            attempt(() -> keep(tooLong.createSecret(p, "small", text)));
            attempt(() -> keep(tooLong.putVersion(p, "small", big)));
        }
        RewriteFailingStore store = new RewriteFailingStore(new io.secretstages.store.memory.InMemoryStageRepository());
        StageManager onOld = manager(EncryptingRepository.wrap(store, old), false);
        onOld.createSecret("rewrap", "s", text);
        store.failRewrite(1);
        try {
            EncryptingRepository.wrap(store, rotated).rewrap("rewrap", null, this::keep);
        } catch (RuntimeException e) {
            keep(e);
        }
        try {
            EncryptingRepository.wrap(store, stranger).rewrap("rewrap", null, this::keep); // cannot unwrap
        } catch (RuntimeException e) {
            keep(e);
        }
        keep(EncryptingRepository.wrap(store, old));

        texts.addAll(CapturingLogProvider.lines());
        assertTrue(texts.stream().anyMatch(t -> t.contains("could not decrypt")), "failures to open were kept");
        assertTrue(texts.stream().anyMatch(t -> t.contains("STORE_FAILURE") && t.contains("too long")),
                "H2 refused the 32 KiB envelope on the narrow column");
        List<String> secrets = new ArrayList<>(List.of(canary));
        secrets.addAll(forms(canary.getBytes(StandardCharsets.UTF_8)));
        for (KeysetHandle k : List.of(rotated, stranger)) {
            secrets.addAll(keyMaterial(k));
        }
        for (String t : texts) {
            for (String s : secrets) {
                assertFalse(t.contains(s), () -> "a value or key leaked: " + t);
            }
        }
        System.out.printf("no-leak check: %d texts (%d log lines) searched for %d forms of values and keys%n",
                texts.size(), CapturingLogProvider.lines().size(), secrets.size());
    }
}
