package io.secretstages.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A change to one secret, computed by {@code StageManager} from a {@link SecretSnapshot} with the rules applied.
 * A store applies it mechanically and atomically (see {@link StageRepository#apply(SecretChange)}); it decides
 * nothing.
 *
 * <p>The order of application is: the new version is added, the removed versions go, the detached stages go, the
 * attached stages are written (a stage that exists is moved, one that does not is created). The secret's revision
 * becomes {@code expectedRevision + 1} and its last version number rises to the new version's number.
 *
 * @param key the secret
 * @param expectedRevision the revision of the snapshot the change was computed from; {@link #CREATE} means the
 *                         secret must not exist and is created by this change with revision 1
 * @param newVersion the version to add, if any (required when creating)
 * @param removedVersions numbers of versions to remove (R15); they hold no stage after the change
 * @param detachedStages names of stages to remove (R19)
 * @param attachedStages stages to create or move, each naming the version that holds it after the change
 */
public record SecretChange(SecretKey key, long expectedRevision, Optional<NewVersion> newVersion,
                           Set<Long> removedVersions, Set<String> detachedStages, List<StageRecord> attachedStages) {
    /** The {@link #expectedRevision} of a change that creates the secret. */
    public static final long CREATE = 0L;

    /**
     * Checks for nulls and makes the collections unmodifiable copies.
     *
     * @param key the secret
     * @param expectedRevision the revision of the snapshot the change was computed from; {@link #CREATE} means the secret must not exist and is created by this change with revision 1
     * @param newVersion the version to add, if any (required when creating)
     * @param removedVersions numbers of versions to remove (R15); they hold no stage after the change
     * @param detachedStages names of stages to remove (R19)
     * @param attachedStages stages to create or move, each naming the version that holds it after the change
     */
    public SecretChange {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(newVersion, "newVersion");
        removedVersions = Set.copyOf(removedVersions);
        detachedStages = Set.copyOf(detachedStages);
        attachedStages = List.copyOf(attachedStages);
        if (expectedRevision == CREATE && newVersion.isEmpty()) {
            throw new IllegalArgumentException("a change that creates a secret must add its first version");
        }
        if (expectedRevision < CREATE) {
            throw new IllegalArgumentException("revisions are positive");
        }
    }

    /** @return whether this change creates the secret */
    public boolean creates() {
        return expectedRevision == CREATE;
    }
}
