package io.secretstages.tck;

import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.tck.ModelSecret.StageAt;
import io.secretstages.tck.ModelSecret.Version;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.secretstages.tck.ModelInputs.describe;
import static io.secretstages.tck.ModelInputs.isVersionId;
import static io.secretstages.tck.ModelInputs.refuse;
import static io.secretstages.tck.ModelInputs.requireGuard;
import static io.secretstages.tck.ModelInputs.requireNames;
import static io.secretstages.tck.ModelInputs.requireValue;
import static io.secretstages.tck.ModelSecret.CURRENT;
import static io.secretstages.tck.ModelSecret.PREVIOUS;

/**
 * An independent, deliberately plain implementation of docs/rules.md used as the oracle of the stateful test: mutable
 * sorted maps, regular expressions, no shared code with the library. Its state is copied per step
 * ({@link #copy()}), and {@link #equals(Object)} compares only what the public API can observe (the versions with
 * their values, create times and stages, and the stage update times) plus the outcome of the last operation.
 */
public final class ReferenceModel {
    private final int maxStages;
    private final int maxVersions;
    /** Keyed by "project/secret". */
    final TreeMap<String, ModelSecret> secrets = new TreeMap<>();
    String lastOutcome = "";
    long nowMillis;
    /** The deletion time of the last successful scheduleDeletion, or null. */
    Long lastDeadline;

    /**
     * @param maxStages the manager's stage limit (R14)
     * @param maxVersions the manager's version limit (R15)
     * @param startMillis the clock's start
     */
    public ReferenceModel(int maxStages, int maxVersions, long startMillis) {
        this.maxStages = maxStages;
        this.maxVersions = maxVersions;
        this.nowMillis = startMillis;
    }

    /** @return a deep copy */
    public ReferenceModel copy() {
        ReferenceModel c = new ReferenceModel(maxStages, maxVersions, nowMillis);
        secrets.forEach((k, v) -> c.secrets.put(k, v.copy()));
        c.lastOutcome = lastOutcome;
        c.lastDeadline = lastDeadline;
        return c;
    }

    private ModelSecret existing(String project, String secret) {
        ModelSecret s = secrets.get(project + "/" + secret);
        if (s == null) {
            throw refuse(ErrorCode.SECRET_NOT_FOUND);
        }
        return s;
    }

    /** R8, R22: a change (or a value read) on a secret pending deletion, after SECRET_NOT_FOUND. */
    private static ModelSecret notPending(ModelSecret s) {
        if (s.deletionMillis != null) {
            throw refuse(ErrorCode.SECRET_PENDING_DELETION);
        }
        return s;
    }

    /** R8: from its deletion time on, a secret is gone. */
    private void expire() {
        secrets.values().removeIf(s -> s.deletionMillis != null && s.deletionMillis <= nowMillis);
    }

    /** Runs {@code op} and records its outcome as the library's harness does. */
    private void run(java.util.function.Supplier<String> op) {
        expire();
        try {
            lastOutcome = "ok " + op.get();
        } catch (ModelInputs.Refusal r) {
            lastOutcome = "error " + r.code;
        }
    }

    // ------------------------------------------------------------------ operations

    void createSecret(String project, String secret, SecretValue value) {
        run(() -> {
            requireNames(project, secret);
            requireValue(value);
            ModelSecret existing = secrets.get(project + "/" + secret);
            if (existing != null) {
                notPending(existing);
                throw refuse(ErrorCode.SECRET_ALREADY_EXISTS);
            }
            ModelSecret s = new ModelSecret();
            s.last = 1;
            s.createMillis = nowMillis;
            s.versions.put(1L, new Version(1, nowMillis, value));
            s.stages.put(CURRENT, new StageAt(1, nowMillis));
            secrets.put(project + "/" + secret, s);
            return s.showVersion(secret, s.versions.get(1L)) + " " + describe(value);
        });
    }

    void deleteSecret(String project, String secret) {
        run(() -> {
            requireNames(project, secret);
            notPending(existing(project, secret));
            secrets.remove(project + "/" + secret);
            return "deleted";
        });
    }

    /** @param stages null for the three-argument putVersion; {@code nullSet} for an explicit null set */
    void putVersion(String project, String secret, SecretValue value, List<String> stages, boolean nullSet) {
        run(() -> {
            requireNames(project, secret);
            requireValue(value);
            Set<String> wanted;
            if (nullSet) {
                throw refuse(ErrorCode.INVALID_PARAMETER);
            } else if (stages == null) {
                wanted = Set.of(CURRENT);
            } else {
                TreeSet<String> w = new TreeSet<>();
                for (String st : stages) {
                    requireNames(st);
                    w.add(st);
                }
                if (w.isEmpty() || w.size() > maxStages) {
                    throw refuse(ErrorCode.INVALID_PARAMETER);
                }
                wanted = w;
            }
            if (wanted.contains(PREVIOUS)) {
                throw refuse(ErrorCode.BUILT_IN_STAGE);
            }
            ModelSecret s = notPending(existing(project, secret));
            TreeSet<String> custom = new TreeSet<>();
            for (String st : s.stages.keySet()) {
                if (!st.equals(CURRENT) && !st.equals(PREVIOUS)) {
                    custom.add(st);
                }
            }
            for (String st : wanted) {
                if (!st.equals(CURRENT)) {
                    custom.add(st);
                }
            }
            if (custom.size() > maxStages - 2) {
                throw refuse(ErrorCode.STAGE_LIMIT_EXCEEDED);
            }
            long n = ++s.last;
            s.versions.put(n, new Version(n, nowMillis, value));
            if (wanted.contains(CURRENT)) {
                s.stages.put(PREVIOUS, new StageAt(s.stages.get(CURRENT).version(), nowMillis));
            }
            for (String st : wanted) {
                s.stages.put(st, new StageAt(n, nowMillis));
            }
            while (s.versions.size() > maxVersions) {
                Long oldestDeprecated = null;
                for (Long candidate : s.versions.keySet()) {
                    if (s.stagesOf(candidate).isEmpty()) {
                        oldestDeprecated = candidate;
                        break;
                    }
                }
                s.versions.remove(oldestDeprecated);
            }
            return s.showVersion(secret, s.versions.get(n)) + " " + describe(value);
        });
    }

    void getVersion(String project, String secret, String idOrLatest) {
        run(() -> {
            requireNames(project, secret);
            if (!"latest".equals(idOrLatest) && !isVersionId(idOrLatest)) {
                throw refuse(ErrorCode.INVALID_PARAMETER);
            }
            ModelSecret s = notPending(existing(project, secret));
            Version v = "latest".equals(idOrLatest) ? s.versions.get(s.stages.get(CURRENT).version())
                    : s.byId(idOrLatest);
            return s.showVersion(secret, v) + " " + describe(v.value());
        });
    }

    void getVersionByStage(String project, String secret, String stage) {
        run(() -> {
            requireNames(project, secret, stage);
            ModelSecret s = notPending(existing(project, secret));
            StageAt at = s.stages.get(stage);
            if (at == null) {
                throw refuse(ErrorCode.STAGE_NOT_FOUND);
            }
            Version v = s.versions.get(at.version());
            return s.showVersion(secret, v) + " " + describe(v.value());
        });
    }

    void listVersions(String project, String secret) {
        run(() -> {
            requireNames(project, secret);
            ModelSecret s = existing(project, secret);
            List<String> out = new ArrayList<>();
            s.versions.values().forEach(v -> out.add(s.showVersion(secret, v)));
            return out.toString();
        });
    }

    void getStage(String project, String secret, String stage) {
        run(() -> {
            requireNames(project, secret, stage);
            ModelSecret s = existing(project, secret);
            StageAt at = s.stages.get(stage);
            if (at == null) {
                throw refuse(ErrorCode.STAGE_NOT_FOUND);
            }
            return ModelSecret.showStage(secret, stage, at);
        });
    }

    /**
     * @param guard null for the unguarded update; otherwise the expectation (R20), itself possibly null
     * @param guarded whether the five-argument method is called
     */
    void updateStage(String project, String secret, String stage, String versionId, boolean guarded,
                     Optional<String> guard) {
        run(() -> {
            if (guarded) {
                requireGuard(guard);
            }
            requireNames(project, secret, stage);
            if (!isVersionId(versionId)) {
                throw refuse(ErrorCode.INVALID_PARAMETER);
            }
            if (stage.equals(PREVIOUS)) {
                throw refuse(ErrorCode.BUILT_IN_STAGE);
            }
            ModelSecret s = notPending(existing(project, secret));
            Version target = s.byId(versionId);
            StageAt holder = s.stages.get(stage);
            if (guarded) {
                String holderId = holder == null ? null : "v" + holder.version();
                if (!Objects.equals(guard.orElse(null), holderId)) {
                    throw refuse(ErrorCode.CONFLICT);
                }
            }
            if (holder == null && !stage.equals(CURRENT) && s.customCount() >= maxStages - 2) {
                throw refuse(ErrorCode.STAGE_LIMIT_EXCEEDED);
            }
            if (holder != null && holder.version() == target.number()) {
                return ModelSecret.showStage(secret, stage, holder);
            }
            if (stage.equals(CURRENT)) {
                s.stages.put(PREVIOUS, new StageAt(holder.version(), nowMillis));
            }
            StageAt at = new StageAt(target.number(), nowMillis);
            s.stages.put(stage, at);
            return ModelSecret.showStage(secret, stage, at);
        });
    }

    void deleteStage(String project, String secret, String stage) {
        run(() -> {
            requireNames(project, secret, stage);
            if (stage.equals(CURRENT) || stage.equals(PREVIOUS)) {
                throw refuse(ErrorCode.BUILT_IN_STAGE);
            }
            ModelSecret s = notPending(existing(project, secret));
            if (s.stages.remove(stage) == null) {
                throw refuse(ErrorCode.STAGE_NOT_FOUND);
            }
            return "deleted";
        });
    }

    void listStages(String project, String secret) {
        run(() -> {
            requireNames(project, secret);
            ModelSecret s = existing(project, secret);
            List<String> out = new ArrayList<>();
            s.stages.forEach((name, at) -> out.add(ModelSecret.showStage(secret, name, at)));
            return out.toString();
        });
    }

    void scheduleDeletion(String project, String secret, int days) {
        run(() -> {
            requireNames(project, secret);
            if (days < 7 || days > 30) {
                throw refuse(ErrorCode.INVALID_PARAMETER);
            }
            ModelSecret s = notPending(existing(project, secret));
            s.deletionMillis = nowMillis + days * 86_400_000L;
            lastDeadline = s.deletionMillis;
            return s.metadata(secret);
        });
    }

    void restoreSecret(String project, String secret) {
        run(() -> {
            requireNames(project, secret);
            ModelSecret s = existing(project, secret);
            s.deletionMillis = null;
            return s.metadata(secret);
        });
    }

    void getSecret(String project, String secret) {
        run(() -> {
            requireNames(project, secret);
            return existing(project, secret).metadata(secret);
        });
    }

    void listSecrets(String project) {
        run(() -> {
            requireNames(project);
            List<String> out = new ArrayList<>();
            secrets.forEach((key, s) -> {
                if (key.startsWith(project + "/")) {
                    out.add(s.metadata(key.substring(project.length() + 1)));
                }
            });
            return out.toString();
        });
    }

    void purgeExpired() {
        run(() -> "purged");
    }

    void toDeadline(long offset) {
        if (lastDeadline != null && lastDeadline + offset > nowMillis) {
            nowMillis = lastDeadline + offset;
        }
        run(() -> "advanced");
    }

    void advanceClock(long millis) {
        nowMillis += millis;
        run(() -> "advanced");
    }

    // ------------------------------------------------------------------ observation

    /** Builds a model from what the library shows, for comparison with the model's own state. */
    static ReferenceModel observed(Map<String, ModelSecret> secrets, String lastOutcome) {
        ReferenceModel m = new ReferenceModel(0, 0, 0);
        m.secrets.putAll(secrets);
        m.lastOutcome = lastOutcome;
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReferenceModel && secrets.equals(((ReferenceModel) o).secrets)
                && lastOutcome.equals(((ReferenceModel) o).lastOutcome);
    }

    @Override
    public int hashCode() {
        return Objects.hash(secrets, lastOutcome);
    }

    @Override
    public String toString() {
        return "{last outcome: " + lastOutcome + "; secrets: " + secrets + "}";
    }
}
