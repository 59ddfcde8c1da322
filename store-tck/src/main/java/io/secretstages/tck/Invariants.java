package io.secretstages.tck;

import io.secretstages.ErrorCode;
import io.secretstages.Stage;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.VersionMetadata;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Checks docs/rules.md's invariants I1-I5 through the public API. */
public final class Invariants {
    private Invariants() {
    }

    /**
     * Checks I1-I5 on one consistent read ({@code listVersions}), safe to call while other threads write.
     *
     * @param m the manager to read through
     * @param project the project
     * @param secret the secret
     * @return the versions read, or null if the secret does not exist
     */
    public static List<VersionMetadata> checkVersions(StageManager m, String project, String secret) {
        List<VersionMetadata> versions;
        try {
            versions = m.listVersions(project, secret);
        } catch (StageException e) {
            if (e.code() == ErrorCode.SECRET_NOT_FOUND) {
                return null;
            }
            throw e;
        }
        String where = project + "/" + secret + " " + versions;
        assertFalse(versions.isEmpty(), "a secret has at least one version: " + where);
        Map<String, String> holder = new HashMap<>();
        long previous = 0;
        Set<String> ids = new HashSet<>();
        for (VersionMetadata v : versions) {
            assertEquals(secret, v.secretName(), where);
            assertTrue(v.id().matches("v[1-9][0-9]*"), "well-formed id: " + where);
            long n = Long.parseLong(v.id().substring(1));
            assertTrue(n > previous, "I5: ids unique and increasing: " + where);
            assertTrue(ids.add(v.id()), "I5: unique ids: " + where);
            previous = n;
            assertNotNull(v.createTime(), where);
            for (String s : v.stages()) {
                String other = holder.put(s, v.id());
                if (other != null) {
                    fail("I1/R11: stage " + s + " on two versions " + other + " and " + v.id() + ": " + where);
                }
            }
        }
        assertTrue(holder.containsKey(Stages.SYSCURRENT), "I2: SYSCURRENT present: " + where);
        if (holder.containsKey(Stages.SYSPREVIOUS)) {
            assertNotEquals(holder.get(Stages.SYSCURRENT), holder.get(Stages.SYSPREVIOUS), "I3: " + where);
        }
        assertTrue(holder.size() <= m.maxStages(), "I4: stage limit: " + where);
        assertTrue(versions.size() <= m.maxVersions(), "I4: version limit: " + where);
        return versions;
    }

    /**
     * Checks I1-I5 and that {@code listStages} agrees with {@code listVersions}. Only when no one writes the secret.
     *
     * @param m the manager to read through
     * @param project the project
     * @param secret the secret
     */
    public static void checkQuiescent(StageManager m, String project, String secret) {
        List<VersionMetadata> versions = checkVersions(m, project, secret);
        if (versions == null) {
            return;
        }
        Map<String, String> fromVersions = new HashMap<>();
        for (VersionMetadata v : versions) {
            for (String s : v.stages()) {
                fromVersions.put(s, v.id());
            }
        }
        List<Stage> stages = m.listStages(project, secret);
        Map<String, String> fromStages = new HashMap<>();
        String previousName = null;
        for (Stage s : stages) {
            assertEquals(secret, s.secretName());
            fromStages.put(s.name(), s.versionId());
            if (previousName != null) {
                assertTrue(previousName.compareTo(s.name()) < 0, "stages listed by name: " + stages);
            }
            previousName = s.name();
            assertEquals(0, s.updateTime().getNano() % 1_000_000, "R17: millisecond precision: " + s);
        }
        assertEquals(fromVersions, fromStages, "I1: stages and versions agree");
    }
}
