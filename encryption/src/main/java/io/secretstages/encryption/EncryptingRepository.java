package io.secretstages.encryption;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import io.secretstages.SecretValue;
import io.secretstages.spi.NewVersion;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRepository;
import io.secretstages.spi.StoreException;
import io.secretstages.spi.VersionRecord;

import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * A {@link StageRepository} that encrypts values at rest (docs/rules.md E1-E5) over any other store: every new version's
 * value is sealed with its own fresh AES-256-GCM data key, wrapped by the key-encryption key, and bound to its place
 * (project, secret, version, the secret's creation time); the store below only ever sees the sealed envelope, as a
 * binary value. Metadata (names, stages, times, client tokens) is stored as it is.
 *
 * <pre>{@code
 * KeysetHandle keyset = KeysetFiles.readCleartext(Path.of("/etc/app/stages-keyset.json"));
 * StageRepository repository = EncryptingRepository.wrap(JdbcStageRepository.builder(dataSource).build(), keyset);
 * StageManager stages = StageManager.builder().repository(repository).build();
 * }</pre>
 *
 * <p>A value that fails to open (the key that wrapped it is gone, the bytes were tampered, or they were copied from
 * another place) is a {@link StoreException}, which the manager reports as {@code STORE_FAILURE}: never another
 * value (E3). Its message names the key id it needs and never a value or key.
 *
 * <p>Rotation (E4): give the repository a keyset with a new primary ({@link KeyEncryptionKeys#rotate}); new values
 * are wrapped by it and values under the older keys still open. {@link #rewrapAll} (or {@link #rewrap}, one project)
 * then re-wraps every stored data key under the primary, so the old key can be removed
 * ({@link KeyEncryptionKeys#retire}).
 *
 * <p>Every write and every value read carries the secret's creation time ({@code SecretChange.result()}, the
 * snapshot given to {@code loadValue}), so sealing and opening cost no extra store read.
 *
 * <p>Speed: Tink's AES-GCM runs on the first JCE provider that has it, the JDK's SunJCE by default. An application
 * that installs Conscrypt first ({@code Security.insertProviderAt(Conscrypt.newProvider(), 1)}, at start-up, before
 * any thread encrypts: Tink fixes a thread's {@code Cipher} then) pays about half as much per sealed or opened value
 * (the README's "Faster: Conscrypt"); the envelopes are the same bytes either way.
 *
 * <p>Thread-safe if the store below is.
 */
public final class EncryptingRepository extends ValueFilteringStore {
    static {
        AeadRegistration.ensure();
    }

    /** Re-reads of a secret a value read or a re-wrap makes when it meets a concurrent change. */
    private static final int ATTEMPTS = 20;
    /** Earlier than any deletion time: listing with it leaves no secret out. */
    private static final Instant LIST_EVERYTHING = Instant.EPOCH;
    private static final int PAGE = 100;
    /** R1: what {@link #rewrapAll} accepts as the project to start in. */
    private static final Pattern PROJECT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final EnvelopeSealer sealer;

    private EncryptingRepository(StageRepository store, EnvelopeSealer sealer) {
        super(store);
        this.sealer = sealer;
    }

    /**
     * Encrypts values in {@code store} with {@code keyEncryptionKey} wrapping the data keys. Envelopes record no
     * key id (an {@link Aead} does not tell it), so a failure to open cannot name the key it needs and
     * {@link #rewrap} re-wraps every value; prefer {@link #wrap(StageRepository, KeysetHandle)} for a keyset.
     *
     * @param store the store that keeps the envelopes
     * @param keyEncryptionKey wraps and unwraps data keys: a keyset's primitive or a KMS key
     * @return the encrypting repository
     */
    public static EncryptingRepository wrap(StageRepository store, Aead keyEncryptionKey) {
        return new EncryptingRepository(store, new EnvelopeSealer(keyEncryptionKey, 0));
    }

    /**
     * Encrypts values in {@code store} with the keyset's primary key wrapping the data keys; every key of the
     * keyset unwraps. Envelopes record the primary's key id, so a failure to open names the key it needs and
     * {@link #rewrap} skips values already wrapped by the primary.
     *
     * @param store the store that keeps the envelopes
     * @param keyEncryptionKeyset an AEAD keyset, for example from {@link KeysetFiles}
     * @return the encrypting repository
     * @throws GeneralSecurityException if the keyset is not an AEAD keyset
     */
    public static EncryptingRepository wrap(StageRepository store, KeysetHandle keyEncryptionKeyset)
            throws GeneralSecurityException {
        Aead aead = keyEncryptionKeyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        return new EncryptingRepository(store, new EnvelopeSealer(aead, keyEncryptionKeyset.getPrimary().getId()));
    }

    @Override
    SecretValue readValue(SecretKey key, long versionNumber, Instant createTime, SecretValue stored) {
        return sealer.open(envelopeBytes(stored, key, versionNumber), place(key, versionNumber, createTime));
    }

    @Override
    public OptionalLong apply(SecretChange change) {
        if (change.newVersion().isEmpty()) {
            return store.apply(change);
        }
        NewVersion plain = change.newVersion().get();
        byte[] envelope = sealer.seal(plain.value(),
                place(change.key(), plain.number(), change.result().createTime()));
        NewVersion sealed = new NewVersion(plain.number(), plain.createTime(), SecretValue.ofBinary(envelope),
                plain.clientToken(), plain.expireTime());
        return store.apply(new SecretChange(change.base(), change.result(), Optional.of(sealed),
                change.removedVersions(), change.detachedStages(), change.attachedStages(),
                change.updatedVersions()));
    }

    /**
     * Seals each new value (with a fresh data key) and replaces the stored ones under the revision check.
     *
     * @param base the snapshot the values were read with
     * @param values the new plaintext values by version number
     * @return the new revision, or empty if the secret changed
     */
    @Override
    public OptionalLong rewriteValues(SecretSnapshot base, Map<Long, SecretValue> values) {
        Map<Long, SecretValue> sealed = new HashMap<>();
        values.forEach((n, v) -> sealed.put(n, SecretValue.ofBinary(
                sealer.seal(v, place(base.key(), n, base.createTime())))));
        return store.rewriteValues(base, sealed);
    }

    /**
     * Re-wraps the data key of every stored version in a project under the key-encryption key's current primary
     * (docs/rules.md E4), online: each secret is rewritten in one revision-guarded write, so a concurrent writer either
     * comes first (and the secret is read again) or makes the rewrite lose its race (and it is done again); values
     * themselves are not re-encrypted. Secrets are visited in name order, pending deletion included; the listener
     * hears of each one, and a re-wrap that failed resumes from the last secret it reported. To re-wrap every
     * project, see {@link #rewrapAll}.
     *
     * <p>Every repository that writes to the store must already use the keyset with the new primary, or its new
     * versions stay wrapped by the old key. Re-running is safe: with a keyset, values already under the primary are
     * skipped.
     *
     * @param projectId the project
     * @param afterName resume after this secret name, or null to start at the first
     * @param listener told of progress after each secret
     * @return the counts, {@link RewrapReport#complete()} true
     * @throws StoreException if the store failed, a data key did not unwrap (its key is no longer in the keyset),
     *                        or a secret kept changing under the re-wrap
     */
    public RewrapReport rewrap(String projectId, String afterName, RewrapListener listener) {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(listener, "listener");
        Progress progress = new Progress();
        progress.projectId = projectId;
        progress.lastSecretName = afterName;
        rewrapProject(projectId, afterName, listener, progress);
        return progress.report(true);
    }

    /**
     * Re-wraps the data key of every stored version in <em>every</em> project under the key-encryption key's current
     * primary (docs/rules.md E4), online, as {@link #rewrap} does for one project: the step before an old key is
     * removed from the keyset ({@link KeyEncryptionKeys#retire}). Projects are visited in id order
     * ({@link StageRepository#listProjects}, every project that holds a secret, pending deletion included), and in
     * each its secrets in name order; the listener hears of each secret, with its project and name, so that a
     * re-wrap that failed resumes exactly where it stopped: pass the last report's
     * {@link RewrapReport#projectId()} and {@link RewrapReport#lastSecretName()} back. A project that gains its
     * first secret while the re-wrap runs may be missed: every writer uses the new primary by then (see
     * {@link #rewrap}), so its values are under the new key already.
     *
     * @param projectId the project to start in, or null to start at the first; projects before it are not visited
     * @param afterName resume after this secret of {@code projectId}, or null to start at its first secret
     * @param listener told of progress after each secret; its {@link RewrapReport#projectId()} is the project of the
     *                 secret just done
     * @return the counts over every project visited, {@link RewrapReport#complete()} true; its project and secret
     *         are the last done (or the starting position, if none was)
     * @throws IllegalArgumentException if {@code projectId} is not a project id (R1), or {@code afterName} is given
     *                                  without it
     * @throws StoreException if the store failed, a data key did not unwrap (its key is no longer in the keyset),
     *                        or a secret kept changing under the re-wrap
     */
    public RewrapReport rewrapAll(String projectId, String afterName, RewrapListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (projectId == null && afterName != null) {
            throw new IllegalArgumentException("afterName needs the project it is in");
        }
        if (projectId != null && !PROJECT_ID.matcher(projectId).matches()) {
            throw new IllegalArgumentException("not a project id (1-64 characters of [A-Za-z0-9_-])");
        }
        Progress progress = new Progress();
        progress.projectId = projectId;
        progress.lastSecretName = afterName;
        if (projectId != null) {
            rewrapProject(projectId, afterName, listener, progress);
        }
        String after = projectId;
        while (true) {
            List<String> page = store.listProjects(after, PAGE);
            for (String project : page) {
                rewrapProject(project, null, listener, progress);
                after = project;
            }
            if (page.size() < PAGE) {
                return progress.report(true);
            }
        }
    }

    /** Counts and position of a re-wrap so far. */
    private static final class Progress {
        long secrets;
        long rewrapped;
        long current;
        String projectId;
        String lastSecretName;

        RewrapReport report(boolean complete) {
            return new RewrapReport(projectId, secrets, rewrapped, current, lastSecretName, complete);
        }
    }

    private void rewrapProject(String projectId, String afterName, RewrapListener listener, Progress progress) {
        String after = afterName;
        while (true) {
            List<SecretRecord> page = store.listSecrets(projectId, after, LIST_EVERYTHING, PAGE);
            for (SecretRecord record : page) {
                long[] counts = rewrapSecret(record.key());
                progress.secrets++;
                progress.rewrapped += counts[0];
                progress.current += counts[1];
                after = record.key().secretName();
                progress.projectId = projectId;
                progress.lastSecretName = after;
                listener.secretDone(progress.report(false));
            }
            if (page.size() < PAGE) {
                return;
            }
        }
    }

    /** @return {versions re-wrapped, versions already current} */
    private long[] rewrapSecret(SecretKey key) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Optional<SecretSnapshot> loaded = store.load(key);
            if (loaded.isEmpty()) {
                return new long[]{0, 0};
            }
            SecretSnapshot snapshot = loaded.get();
            Map<Long, SecretValue> values = new HashMap<>();
            long current = 0;
            boolean changed = false;
            for (VersionRecord v : snapshot.versions()) {
                Optional<SecretValue> stored = store.loadValue(snapshot, v.number());
                if (stored.isEmpty()) {
                    changed = true; // removed since the snapshot
                    break;
                }
                Optional<byte[]> rewrappedEnvelope = sealer.rewrap(envelopeBytes(stored.get(), key, v.number()),
                        place(key, v.number(), snapshot.createTime()));
                if (rewrappedEnvelope.isPresent()) {
                    values.put(v.number(), SecretValue.ofBinary(rewrappedEnvelope.get()));
                } else {
                    current++;
                }
            }
            if (changed) {
                continue;
            }
            if (values.isEmpty() || store.rewriteValues(snapshot, values).isPresent()) {
                return new long[]{values.size(), current};
            }
        }
        throw new StoreException("could not re-wrap " + key.projectId() + "/" + key.secretName() + ": it changed "
                + ATTEMPTS + " times under the re-wrap");
    }

    private static ValuePlace place(SecretKey key, long versionNumber, Instant secretCreateTime) {
        return new ValuePlace(key.projectId(), key.secretName(), versionNumber, secretCreateTime);
    }

    private static byte[] envelopeBytes(SecretValue stored, SecretKey key, long versionNumber) {
        return stored.binary().orElseThrow(() -> new StoreException("could not decrypt the value of "
                + key.projectId() + "/" + key.secretName() + "/v" + versionNumber
                + ": it is stored as a string, not as an envelope (written without encryption?)"));
    }

    @Override
    public String toString() {
        return "EncryptingRepository[" + store + "]";
    }
}
