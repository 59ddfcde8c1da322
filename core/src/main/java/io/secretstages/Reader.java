package io.secretstages;

import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageLookup;
import io.secretstages.spi.VersionRecord;
import io.secretstages.spi.VersionRead;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The read side (R16, R17, listing): one snapshot (or stage lookup) per call, the rules' read refusals, and the
 * API's records. A secret found past its deletion time is SECRET_NOT_FOUND and is purged on the way (R8).
 */
final class Reader {
    private static final Logger LOG = LoggerFactory.getLogger(StageManager.class);

    private final Snapshots snapshots;
    private final StoreCalls store;
    private final Purger purger;
    private final Clock clock;
    private final Duration callTimeout;

    Reader(Snapshots snapshots, StoreCalls store, Purger purger, Clock clock, Duration callTimeout) {
        this.snapshots = snapshots;
        this.store = store;
        this.purger = purger;
        this.clock = clock;
        this.callTimeout = callTimeout;
    }

    /** SECRET_NOT_FOUND if absent or past its deletion time (then purged, best effort). */
    SecretSnapshot existing(SecretKey key) {
        return existing(key, snapshots.forRead(key));
    }

    private SecretSnapshot existing(SecretKey key, Optional<SecretSnapshot> s) {
        if (s.isPresent() && StageRules.expired(s.get().deletionTime(), clock)) {
            purger.purgeQuietly(s.get());
            throw StageRules.secretNotFound(key);
        }
        return StageRules.existing(key, s);
    }

    Stage stage(SecretKey key, String stageName) {
        StageLookup lookup = snapshots.stageForRead(key, stageName);
        if (lookup.secretExists() && StageRules.expired(lookup.deletionTime(), clock)) {
            existing(key); // R8: gone; purges it and throws SECRET_NOT_FOUND
        }
        return StageRules.stage(key, lookup, stageName);
    }

    /**
     * R16: by stage ({@code latest} is the SYSCURRENT holder) or by number, from one version read (the store's, or
     * the read cache's snapshot). A read whose version was removed between a store's two reads of metadata and value
     * is read again, until the call's deadline, counted from the first such read (the first read is bounded by the
     * store's own timeouts).
     */
    SecretVersion version(SecretKey key, String stage, long number, String versionId) {
        if (stage == null && number <= 0) { // a well-formed id no version can have: VERSION_NOT_FOUND, in R22's order
            StageRules.readableVersion(existing(key), null, number, versionId);
            throw new IllegalStateException("no version " + versionId + " was found, yet no refusal came");
        }
        long deadline = 0; // read on the first retry only: a read that answers at once reads no clock
        while (true) {
            Optional<VersionRead> read = snapshots.forVersionRead(key, stage, Math.max(number, 0));
            if (read.isPresent() && StageRules.expired(read.get().secret().deletionTime(), clock)) {
                existing(key); // R8: gone; purges it and throws SECRET_NOT_FOUND
            }
            VersionRecord v = StageRules.readableVersion(key, read, stage, versionId);
            if (read.get().value() != null) {
                return new SecretVersion(Views.version(key.secretName(), v, read.get().stages()), read.get().value());
            }
            LOG.debug("secret {}/{}: {} removed while being read, reading again", key.projectId(),
                    key.secretName(), v.id());
            if (deadline == 0) {
                deadline = System.nanoTime() + callTimeout.toNanos();
            } else if (System.nanoTime() - deadline > 0) {
                throw StoreCalls.deadlinePassed("read a version", key, callTimeout);
            }
        }
    }

    /**
     * A put answered by a repeated client token: the earlier version with its stored value, or INVALID_PARAMETER if
     * that value is not {@code value}.
     *
     * @param decidedOn the store's snapshot the writer's no-op answer was decided on
     */
    SecretVersion earlierPut(VersionMetadata earlier, SecretSnapshot decidedOn, SecretValue value) {
        Optional<SecretValue> stored = store.loadValue(decidedOn, Inputs.versionNumber(earlier.id()));
        StageRules.refuseOtherValueForToken(earlier, stored, value);
        return new SecretVersion(earlier, stored.orElse(value));
    }

    List<VersionMetadata> versions(SecretKey key, boolean includeDeprecated) {
        SecretSnapshot s = existing(key);
        List<VersionMetadata> out = new ArrayList<>(s.versions().size());
        for (VersionRecord v : s.versions()) {
            VersionMetadata m = Views.version(s, v);
            if (includeDeprecated || !m.stages().isEmpty()) {
                out.add(m);
            }
        }
        return Collections.unmodifiableList(out);
    }

    List<Stage> stages(SecretKey key) {
        SecretSnapshot s = existing(key);
        List<Stage> out = new ArrayList<>(s.stages().size());
        for (String name : new TreeSet<>(s.stages().keySet())) {
            out.add(Views.stage(key.secretName(), s.stages().get(name)));
        }
        return Collections.unmodifiableList(out);
    }

    SecretPage secrets(String projectId, String marker, int limit) {
        List<SecretRecord> rows = store.listSecrets(projectId, marker, now(), limit + 1);
        int n = Math.min(limit, rows.size());
        List<SecretMetadata> page = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            page.add(Views.secret(rows.get(i)));
        }
        Optional<String> next = rows.size() > limit ? Optional.of(page.get(n - 1).name()) : Optional.empty();
        return new SecretPage(page, next);
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }
}
