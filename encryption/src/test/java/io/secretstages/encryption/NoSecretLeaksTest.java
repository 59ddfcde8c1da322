package io.secretstages.encryption;

import io.secretstages.store.jdbc.TestDatabases;
import io.secretstages.store.jdbc.CapturingLogProvider;
import io.secretstages.store.jdbc.LeakSearch;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AesGcmKey;
import io.secretstages.CacheSettings;
import io.secretstages.SecretValue;
import io.secretstages.StageManager;
import io.secretstages.spi.StageRepository;
import io.secretstages.store.jdbc.JdbcStageRepository;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private final LeakSearch leaks = new LeakSearch();

    /** @return every key's raw bytes and serialized form, as text in every encoding worth searching */
    private static List<String> keyMaterial(KeysetHandle keyset) throws Exception {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < keyset.size(); i++) {
            AesGcmKey key = (AesGcmKey) keyset.getAt(i).getKey();
            found.addAll(LeakSearch.encodings(key.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get())));
        }
        Matcher values = Pattern.compile("\"value\":\\s*\"([^\"]+)\"")
                .matcher(TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get()));
        while (values.find()) {
            found.add(values.group(1));
        }
        assertTrue(found.size() >= 2 * keyset.size());
        return found;
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

        DataSource grown = TestDatabases.h2ForEnvelopes("leaks-grown");
        DataSource narrow = TestDatabases.h2("leaks-narrow"); // a column narrowed to 32 KiB: the envelope fails
        JdbcStageRepository.builder(narrow).initializeSchema(true).build();
        TestDatabases.execute(narrow, TestDatabases.H2_NARROW_VALUE_COLUMN);

        int project = 0;
        for (boolean cached : new boolean[]{false, true}) {
            String p = "leak" + (++project);
            StageManager m = manager(TestKeys.encrypted(JdbcStageRepository.builder(grown).build(), old), cached);
            leaks.call(() -> m.createSecret(p, "s", text));
            leaks.call(() -> m.putVersion(p, "s", binary));
            leaks.call(() -> m.putVersion(p, "s", big));
            leaks.call(() -> m.getVersion(p, "s", "v1"));
            leaks.call(() -> m.getVersion(p, "s", "latest"));
            leaks.call(() -> m.listVersions(p, "s"));
            leaks.keep(m);
            StageManager r = manager(TestKeys.encrypted(JdbcStageRepository.builder(grown).build(), rotated), cached);
            leaks.call(() -> r.putVersion(p, "s", text));
            leaks.call(() -> r.getVersion(p, "s", "v1"));
            StageManager retired = manager(TestKeys.encrypted(JdbcStageRepository.builder(grown).build(), newOnly),
                    cached);
            leaks.call(() -> retired.getVersion(p, "s", "v1")); // retired key: fails
            StageManager wrong = manager(TestKeys.encrypted(JdbcStageRepository.builder(grown).build(), stranger),
                    cached);
            leaks.call(() -> wrong.getVersion(p, "s", "v2")); // wrong key: fails
            leaks.call(() -> wrong.putVersion(p, "s", text));
            StageManager plainReader = manager(JdbcStageRepository.builder(grown).build(), cached);
            leaks.call(() -> plainReader.getVersion(p, "s", "v1")); // envelope bytes, not a value
            StageManager tooLong = manager(TestKeys.encrypted(JdbcStageRepository.builder(narrow).build(), old),
                    cached);
            leaks.call(() -> tooLong.createSecret(p, "big", big)); // H2: value too long
            leaks.call(() -> tooLong.createSecret(p, "small", text));
            leaks.call(() -> tooLong.putVersion(p, "small", big));
        }
        RewriteFailingStore store = new RewriteFailingStore(new io.secretstages.store.memory.InMemoryStageRepository());
        StageManager onOld = manager(EncryptingRepository.wrap(store, old), false);
        onOld.createSecret("rewrap", "s", text);
        store.failRewrite(1);
        try {
            EncryptingRepository.wrap(store, rotated).rewrap("rewrap", null, leaks::keep);
        } catch (RuntimeException e) {
            leaks.keep(e);
        }
        try {
            EncryptingRepository.wrap(store, stranger).rewrap("rewrap", null, leaks::keep); // cannot unwrap
        } catch (RuntimeException e) {
            leaks.keep(e);
        }
        leaks.keep(EncryptingRepository.wrap(store, old));

        leaks.keepLogLines();
        assertTrue(leaks.texts().stream().anyMatch(t -> t.contains("could not decrypt")), "failures to open were kept");
        assertTrue(leaks.texts().stream().anyMatch(t -> t.contains("STORE_FAILURE") && t.contains("too long")),
                "H2 refused the 32 KiB envelope on the narrow column");
        List<String> secrets = new ArrayList<>(List.of(canary));
        secrets.addAll(LeakSearch.encodings(canary.getBytes(StandardCharsets.UTF_8)));
        for (KeysetHandle k : List.of(rotated, stranger)) {
            secrets.addAll(keyMaterial(k));
        }
        leaks.assertNoneContains(secrets, "a value or key");
        System.out.printf("no-leak check: %d texts (%d log lines) searched for %d forms of values and keys%n",
                leaks.texts().size(), CapturingLogProvider.lines().size(), secrets.size());
    }
}
