package io.secretstages.tck;

import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An independent, deliberately plain implementation of docs/rules.md used as the oracle of the stateful test: mutable
 * sorted maps, regular expressions, no shared code with the library. Its state is copied per step
 * ({@link #copy()}), and {@link #equals(Object)} compares only what the public API can observe (the versions with
 * their values, create times and stages, and the stage update times) plus the outcome of the last operation.
 */
public final class ReferenceModel {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern VERSION_ID = Pattern.compile("v[0-9]{1,63}");
    private static final String CURRENT = "SYSCURRENT";
    private static final String PREVIOUS = "SYSPREVIOUS";

    /** A version as the model keeps it. */
    record Version(long number, long createMillis, SecretValue value) {
    }

    /** A stage as the model keeps it. */
    record StageAt(long version, long updateMillis) {
    }

    /**
     * One secret. {@code last} (the highest id issued) is not observable directly and is left out of equality; so
     * are values while the secret is pending deletion (R8 hides them).
     */
    static final class Secret {
        long last;
        long createMillis;
        /** R8: when the scheduled deletion takes effect, or null. */
        Long deletionMillis;
        final TreeMap<Long, Version> versions = new TreeMap<>();
        final TreeMap<String, StageAt> stages = new TreeMap<>();

        Secret copy() {
            Secret c = new Secret();
            c.last = last;
            c.createMillis = createMillis;
            c.deletionMillis = deletionMillis;
            c.versions.putAll(versions);
            c.stages.putAll(stages);
            return c;
        }

        TreeSet<String> stagesOf(long version) {
            TreeSet<String> out = new TreeSet<>();
            stages.forEach((name, at) -> {
                if (at.version == version) {
                    out.add(name);
                }
            });
            return out;
        }

        /** The versions as the API shows them: without values while pending deletion (R8). */
        private Map<Long, ?> visibleVersions() {
            if (deletionMillis == null) {
                return versions;
            }
            TreeMap<Long, Long> out = new TreeMap<>();
            versions.forEach((n, v) -> out.put(n, v.createMillis));
            return out;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Secret)) {
                return false;
            }
            Secret other = (Secret) o;
            return createMillis == other.createMillis && Objects.equals(deletionMillis, other.deletionMillis)
                    && visibleVersions().equals(other.visibleVersions()) && stages.equals(other.stages);
        }

        @Override
        public int hashCode() {
            return Objects.hash(createMillis, deletionMillis, stages);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("created@" + createMillis);
            if (deletionMillis != null) {
                sb.append(" pending until ").append(deletionMillis);
            }
            versions.forEach((n, v) -> sb.append(" v").append(n).append('@').append(v.createMillis)
                    .append(stagesOf(n)));
            stages.forEach((name, at) -> sb.append(' ').append(name).append("=v").append(at.version).append('@')
                    .append(at.updateMillis));
            return sb.toString();
        }
    }

    private final int maxStages;
    private final int maxVersions;
    /** Keyed by "project/secret". */
    final TreeMap<String, Secret> secrets = new TreeMap<>();
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

    /** A refusal of the model. */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final ErrorCode code;

        Refusal(ErrorCode code) {
            super(code.name(), null, false, false);
            this.code = code;
        }
    }

    private static Refusal refuse(ErrorCode code) {
        return new Refusal(code);
    }

    private static boolean name(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    private static void requireNames(String... names) {
        for (String n : names) {
            if (!name(n)) {
                throw refuse(ErrorCode.INVALID_PARAMETER);
            }
        }
    }

    private static void requireValue(SecretValue v) {
        if (v == null) {
            throw refuse(ErrorCode.INVALID_PARAMETER);
        }
        int size;
        if (v.string().isPresent()) {
            String s = v.string().get();
            if (!StandardCharsets.UTF_8.newEncoder().canEncode(s)) {
                throw refuse(ErrorCode.INVALID_PARAMETER);
            }
            size = s.getBytes(StandardCharsets.UTF_8).length;
        } else {
            size = v.binary().orElseThrow().length;
        }
        if (size > 32768) {
            throw refuse(ErrorCode.INVALID_PARAMETER);
        }
    }

    private Secret existing(String project, String secret) {
        Secret s = secrets.get(project + "/" + secret);
        if (s == null) {
            throw refuse(ErrorCode.SECRET_NOT_FOUND);
        }
        return s;
    }

    /** R8, R22: a change (or a value read) on a secret pending deletion, after SECRET_NOT_FOUND. */
    private static Secret notPending(Secret s) {
        if (s.deletionMillis != null) {
            throw refuse(ErrorCode.SECRET_PENDING_DELETION);
        }
        return s;
    }

    /** R8: from its deletion time on, a secret is gone. */
    private void expire() {
        secrets.values().removeIf(s -> s.deletionMillis != null && s.deletionMillis <= nowMillis);
    }

    private static Version byId(Secret s, String id) {
        for (Version v : s.versions.values()) {
            if (("v" + v.number).equals(id)) {
                return v;
            }
        }
        throw refuse(ErrorCode.VERSION_NOT_FOUND);
    }

    private int customCount(Secret s) {
        int n = 0;
        for (String st : s.stages.keySet()) {
            if (!st.equals(CURRENT) && !st.equals(PREVIOUS)) {
                n++;
            }
        }
        return n;
    }

    private static String version(String secret, Secret s, Version v) {
        return secret + ":v" + v.number + "@" + v.createMillis + s.stagesOf(v.number);
    }

    private static String describe(SecretValue v) {
        return v.string().map(x -> "s'" + x.length() + ":" + x.hashCode())
                .orElseGet(() -> "b" + java.util.Arrays.toString(v.binary().orElseThrow()).hashCode());
    }

    /** Runs {@code op} and records its outcome as the library's harness does. */
    private void run(java.util.function.Supplier<String> op) {
        expire();
        try {
            lastOutcome = "ok " + op.get();
        } catch (Refusal r) {
            lastOutcome = "error " + r.code;
        }
    }

    // ------------------------------------------------------------------ operations

    void createSecret(String project, String secret, SecretValue value) {
        run(() -> {
            requireNames(project, secret);
            requireValue(value);
            Secret existing = secrets.get(project + "/" + secret);
            if (existing != null) {
                notPending(existing);
                throw refuse(ErrorCode.SECRET_ALREADY_EXISTS);
            }
            Secret s = new Secret();
            s.last = 1;
            s.createMillis = nowMillis;
            s.versions.put(1L, new Version(1, nowMillis, value));
            s.stages.put(CURRENT, new StageAt(1, nowMillis));
            secrets.put(project + "/" + secret, s);
            return version(secret, s, s.versions.get(1L)) + " " + describe(value);
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
            Secret s = notPending(existing(project, secret));
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
                s.stages.put(PREVIOUS, new StageAt(s.stages.get(CURRENT).version, nowMillis));
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
            return version(secret, s, s.versions.get(n)) + " " + describe(value);
        });
    }

    void getVersion(String project, String secret, String idOrLatest) {
        run(() -> {
            requireNames(project, secret);
            if (!"latest".equals(idOrLatest) && (idOrLatest == null || !VERSION_ID.matcher(idOrLatest).matches())) {
                throw refuse(ErrorCode.INVALID_PARAMETER);
            }
            Secret s = notPending(existing(project, secret));
            Version v = "latest".equals(idOrLatest) ? s.versions.get(s.stages.get(CURRENT).version) : byId(s, idOrLatest);
            return version(secret, s, v) + " " + describe(v.value);
        });
    }

    void getVersionByStage(String project, String secret, String stage) {
        run(() -> {
            requireNames(project, secret, stage);
            Secret s = notPending(existing(project, secret));
            StageAt at = s.stages.get(stage);
            if (at == null) {
                throw refuse(ErrorCode.STAGE_NOT_FOUND);
            }
            Version v = s.versions.get(at.version);
            return version(secret, s, v) + " " + describe(v.value);
        });
    }

    void listVersions(String project, String secret) {
        run(() -> {
            requireNames(project, secret);
            Secret s = existing(project, secret);
            List<String> out = new ArrayList<>();
            s.versions.values().forEach(v -> out.add(version(secret, s, v)));
            return out.toString();
        });
    }

    void getStage(String project, String secret, String stage) {
        run(() -> {
            requireNames(project, secret, stage);
            Secret s = existing(project, secret);
            StageAt at = s.stages.get(stage);
            if (at == null) {
                throw refuse(ErrorCode.STAGE_NOT_FOUND);
            }
            return stage(secret, stage, at);
        });
    }

    private static String stage(String secret, String stage, StageAt at) {
        return stage + ":" + secret + ":v" + at.version + "@" + at.updateMillis;
    }

    /**
     * @param guard null for the unguarded update; otherwise the expectation (R20), itself possibly null
     * @param guarded whether the five-argument method is called
     */
    void updateStage(String project, String secret, String stage, String versionId, boolean guarded,
                     Optional<String> guard) {
        run(() -> {
            if (guarded && (guard == null || (guard.isPresent() && !VERSION_ID.matcher(guard.get()).matches()))) {
                throw refuse(ErrorCode.INVALID_PARAMETER);
            }
            requireNames(project, secret, stage);
            if (versionId == null || !VERSION_ID.matcher(versionId).matches()) {
                throw refuse(ErrorCode.INVALID_PARAMETER);
            }
            if (stage.equals(PREVIOUS)) {
                throw refuse(ErrorCode.BUILT_IN_STAGE);
            }
            Secret s = notPending(existing(project, secret));
            Version target = byId(s, versionId);
            StageAt holder = s.stages.get(stage);
            if (guarded) {
                String holderId = holder == null ? null : "v" + holder.version;
                if (!Objects.equals(guard.orElse(null), holderId)) {
                    throw refuse(ErrorCode.CONFLICT);
                }
            }
            if (holder == null && !stage.equals(CURRENT) && customCount(s) >= maxStages - 2) {
                throw refuse(ErrorCode.STAGE_LIMIT_EXCEEDED);
            }
            if (holder != null && holder.version == target.number) {
                return stage(secret, stage, holder);
            }
            if (stage.equals(CURRENT)) {
                s.stages.put(PREVIOUS, new StageAt(holder.version, nowMillis));
            }
            StageAt at = new StageAt(target.number, nowMillis);
            s.stages.put(stage, at);
            return stage(secret, stage, at);
        });
    }

    void deleteStage(String project, String secret, String stage) {
        run(() -> {
            requireNames(project, secret, stage);
            if (stage.equals(CURRENT) || stage.equals(PREVIOUS)) {
                throw refuse(ErrorCode.BUILT_IN_STAGE);
            }
            Secret s = notPending(existing(project, secret));
            if (s.stages.remove(stage) == null) {
                throw refuse(ErrorCode.STAGE_NOT_FOUND);
            }
            return "deleted";
        });
    }

    void listStages(String project, String secret) {
        run(() -> {
            requireNames(project, secret);
            Secret s = existing(project, secret);
            List<String> out = new ArrayList<>();
            s.stages.forEach((name, at) -> out.add(stage(secret, name, at)));
            return out.toString();
        });
    }

    private static String metadata(String secret, Secret s) {
        return secret + (s.deletionMillis == null ? " ENABLED" : " PENDING_DELETION") + " created@" + s.createMillis
                + (s.deletionMillis == null ? "" : " deletion@" + s.deletionMillis);
    }

    void scheduleDeletion(String project, String secret, int days) {
        run(() -> {
            requireNames(project, secret);
            if (days < 7 || days > 30) {
                throw refuse(ErrorCode.INVALID_PARAMETER);
            }
            Secret s = notPending(existing(project, secret));
            s.deletionMillis = nowMillis + days * 86_400_000L;
            lastDeadline = s.deletionMillis;
            return metadata(secret, s);
        });
    }

    void restoreSecret(String project, String secret) {
        run(() -> {
            requireNames(project, secret);
            Secret s = existing(project, secret);
            s.deletionMillis = null;
            return metadata(secret, s);
        });
    }

    void getSecret(String project, String secret) {
        run(() -> {
            requireNames(project, secret);
            return metadata(secret, existing(project, secret));
        });
    }

    void listSecrets(String project) {
        run(() -> {
            requireNames(project);
            List<String> out = new ArrayList<>();
            secrets.forEach((key, s) -> {
                if (key.startsWith(project + "/")) {
                    out.add(metadata(key.substring(project.length() + 1), s));
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
    static ReferenceModel observed(Map<String, Secret> secrets, String lastOutcome) {
        ReferenceModel m = new ReferenceModel(0, 0, 0);
        m.secrets.putAll(secrets);
        m.lastOutcome = lastOutcome;
        return m;
    }

    static String describeValue(SecretValue v) {
        return describe(v);
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
