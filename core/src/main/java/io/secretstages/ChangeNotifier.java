package io.secretstages;

import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRecord;
import io.secretstages.spi.VersionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Tells of every committed change: one INFO line (logger {@code io.secretstages.StageManager}) saying what moved
 * where, and one {@link StageEvent} to each {@link StageListener}. Never a value. A listener that throws is logged;
 * the change stands.
 */
final class ChangeNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(StageManager.class);

    private final List<StageListener> listeners;
    private final Clock clock;

    ChangeNotifier(List<StageListener> listeners, Clock clock) {
        this.listeners = List.copyOf(listeners);
        this.clock = clock;
    }

    /** {@code change} was applied at {@code newRevision}. */
    void changed(StageEvent.Operation operation, SecretChange change, long newRevision) {
        if (LOG.isInfoEnabled()) {
            LOG.info("secret {}/{}: {} (revision {})", change.key().projectId(), change.key().secretName(),
                    describe(change), newRevision);
        }
        if (listeners.isEmpty()) {
            return;
        }
        SecretSnapshot before = change.base();
        List<StageEvent.StageMove> moves = new ArrayList<>();
        Instant time = change.newVersion().map(v -> v.createTime()).orElse(null);
        for (StageRecord st : change.attachedStages()) {
            moves.add(new StageEvent.StageMove(st.name(), holderId(before, st.name()),
                    Optional.of(VersionRecord.idOf(st.versionNumber()))));
            time = time == null ? st.updateTime() : time;
        }
        for (String st : new TreeSet<>(change.detachedStages())) {
            moves.add(new StageEvent.StageMove(st, holderId(before, st), Optional.empty()));
        }
        List<String> added = change.newVersion().map(v -> List.of(VersionRecord.idOf(v.number()))).orElse(List.of());
        List<String> evicted = new ArrayList<>();
        new TreeSet<>(change.removedVersions()).forEach(n -> evicted.add(VersionRecord.idOf(n)));
        notify(new StageEvent(operation, change.key().projectId(), change.key().secretName(), moves, added, evicted,
                time == null ? now() : time));
    }

    /** The secret {@code s} was deleted (R8), by a call or by a purge. */
    void deleted(StageEvent.Operation operation, SecretSnapshot s) {
        if (operation == StageEvent.Operation.PURGE_SECRET) {
            LOG.info("secret {}/{}: purged, its deletion time {} has passed (R8)", s.key().projectId(),
                    s.key().secretName(), s.deletionTime());
        } else {
            LOG.info("secret {}/{}: deleted with {} version(s) and {} stage(s)", s.key().projectId(),
                    s.key().secretName(), s.versions().size(), s.stages().size());
        }
        if (listeners.isEmpty()) {
            return;
        }
        List<StageEvent.StageMove> moves = new ArrayList<>();
        for (String st : new TreeSet<>(s.stages().keySet())) {
            moves.add(new StageEvent.StageMove(st, holderId(s, st), Optional.empty()));
        }
        List<String> versions = new ArrayList<>();
        s.versions().forEach(v -> versions.add(v.id()));
        notify(new StageEvent(operation, s.key().projectId(), s.key().secretName(), moves, List.of(), versions,
                now()));
    }

    private static String describe(SecretChange c) {
        StringBuilder sb = new StringBuilder();
        c.newVersion().ifPresent(v -> sb.append(c.creates() ? "created with v" : "added v").append(v.number()));
        for (StageRecord st : c.attachedStages()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(st.name()).append(" -> v").append(st.versionNumber());
        }
        for (String st : new TreeSet<>(c.detachedStages())) {
            sb.append(sb.length() == 0 ? "" : ", ").append("detached ").append(st);
        }
        if (!c.removedVersions().isEmpty()) {
            sb.append(", removed deprecated");
            new TreeSet<>(c.removedVersions()).forEach(n -> sb.append(" v").append(n));
        }
        if (!c.creates() && !java.util.Objects.equals(c.base().deletionTime(), c.result().deletionTime())) {
            sb.append(sb.length() == 0 ? "" : ", ").append(c.result().deletionTime() == null ? "restored"
                    : "deletion scheduled for " + c.result().deletionTime());
        }
        if (!c.creates() && !c.base().description().equals(c.result().description())) {
            sb.append(sb.length() == 0 ? "" : ", ").append("description changed");
        }
        for (VersionRecord v : c.updatedVersions()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(v.id()).append(" expires ")
                    .append(v.expireTime() == null ? "never" : v.expireTime().toString());
        }
        return sb.toString();
    }

    private static Optional<String> holderId(SecretSnapshot before, String stage) {
        StageRecord r = before == null ? null : before.stages().get(stage);
        return r == null ? Optional.empty() : Optional.of(VersionRecord.idOf(r.versionNumber()));
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private void notify(StageEvent event) {
        for (StageListener l : listeners) {
            try {
                l.onChange(event);
            } catch (RuntimeException e) {
                LOG.warn("a stage listener failed on {} of {}/{}; the change stands", event.operation(),
                        event.projectId(), event.secretName(), e);
            }
        }
    }
}
