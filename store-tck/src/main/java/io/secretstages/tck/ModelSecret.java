package io.secretstages.tck;

import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.secretstages.tck.ModelInputs.refuse;

/**
 * One secret of the {@link ReferenceModel}: its versions and stages in plain sorted maps, and how the model writes
 * them into an operation's outcome. {@code last} (the highest id issued) is not observable directly and is left out
 * of equality; so are values while the secret is pending deletion (R8 hides them).
 */
final class ModelSecret {
    static final String CURRENT = "SYSCURRENT";
    static final String PREVIOUS = "SYSPREVIOUS";

    /** A version as the model keeps it. */
    record Version(long number, long createMillis, SecretValue value) {
    }

    /** A stage as the model keeps it. */
    record StageAt(long version, long updateMillis) {
    }

    long last;
    long createMillis;
    /** R8: when the scheduled deletion takes effect, or null. */
    Long deletionMillis;
    final TreeMap<Long, Version> versions = new TreeMap<>();
    final TreeMap<String, StageAt> stages = new TreeMap<>();

    ModelSecret copy() {
        ModelSecret c = new ModelSecret();
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

    /** @return the version with this id (R4), else VERSION_NOT_FOUND */
    Version byId(String id) {
        for (Version v : versions.values()) {
            if (("v" + v.number).equals(id)) {
                return v;
            }
        }
        throw refuse(ErrorCode.VERSION_NOT_FOUND);
    }

    /** @return how many custom stages the secret holds (R14) */
    int customCount() {
        int n = 0;
        for (String st : stages.keySet()) {
            if (!st.equals(CURRENT) && !st.equals(PREVIOUS)) {
                n++;
            }
        }
        return n;
    }

    /** @return a version as an outcome shows it */
    String showVersion(String secret, Version v) {
        return secret + ":v" + v.number + "@" + v.createMillis + stagesOf(v.number);
    }

    /** @return a stage as an outcome shows it */
    static String showStage(String secret, String stage, StageAt at) {
        return stage + ":" + secret + ":v" + at.version + "@" + at.updateMillis;
    }

    /** @return the secret's metadata as an outcome shows it (R8) */
    String metadata(String secret) {
        return secret + (deletionMillis == null ? " ENABLED" : " PENDING_DELETION") + " created@" + createMillis
                + (deletionMillis == null ? "" : " deletion@" + deletionMillis);
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
        if (!(o instanceof ModelSecret)) {
            return false;
        }
        ModelSecret other = (ModelSecret) o;
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
