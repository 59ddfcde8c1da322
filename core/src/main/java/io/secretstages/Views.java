package io.secretstages;

import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRecord;
import io.secretstages.spi.VersionRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The API's records built from the SPI's: what a caller gets back. Pure functions. */
final class Views {
    private Views() {
    }

    /** R17: a stage as {@code getStage} returns it. */
    static Stage stage(String secretName, StageRecord r) {
        return new Stage(r.name(), secretName, VersionRecord.idOf(r.versionNumber()), r.updateTime());
    }

    /** R8: ENABLED, or PENDING_DELETION with the deletion time. */
    static SecretMetadata secret(SecretKey key, Instant createTime, Instant deletionTime, String description) {
        return new SecretMetadata(key.secretName(), deletionTime == null ? SecretState.ENABLED
                : SecretState.PENDING_DELETION, createTime, Optional.ofNullable(deletionTime), description);
    }

    static SecretMetadata secret(SecretSnapshot s) {
        return secret(s.key(), s.createTime(), s.deletionTime(), s.description());
    }

    static SecretMetadata secret(SecretRecord r) {
        return secret(r.key(), r.createTime(), r.deletionTime(), r.description());
    }

    /** R16: a version's metadata, with the stages it holds in the snapshot. */
    static VersionMetadata version(SecretSnapshot s, VersionRecord v) {
        return version(s.key().secretName(), v, s.stagesOf(v.number()));
    }

    /** R16: a version's metadata, with the names of the stages it holds as a version read gave them. */
    static VersionMetadata version(String secretName, VersionRecord v, Set<String> stages) {
        return new VersionMetadata(secretName, v.id(), v.createTime(), inNameOrder(stages),
                Optional.ofNullable(v.expireTime()));
    }

    /**
     * {@code names} as an immutable set built in name order, so that equal sets iterate (and print) alike whatever
     * order the store gave; without a sort for the usual one.
     */
    private static Set<String> inNameOrder(Set<String> names) {
        if (names.size() < 2) {
            return names; // Set.of() or Set.of(x): immutable, one order
        }
        List<String> sorted = new ArrayList<>(names);
        Collections.sort(sorted);
        return Set.copyOf(sorted);
    }
}
