package io.secretstages.spi;

import io.secretstages.Stages;

/**
 * Prepared answers to {@link StageRepository#loadStage} for one revision of one secret, for stores that keep
 * snapshots in memory (and for the manager's cache): built once, then each read scans a flat array (a secret holds
 * at most a dozen stages, R14), allocates nothing and touches three objects: the array, the answer and, if the
 * caller's stage name is another instance than the stored one, the two names.
 *
 * <p>A table is an opaque array: build it with {@link #of(SecretSnapshot)}, read it with
 * {@link #find(Object[], String)}, never change it. It is immutable once built, so a racy publication (a volatile
 * field set by whichever reader built it first) is safe.
 */
public final class StageTables {
    private StageTables() {
    }

    /**
     * @param snapshot one revision of a secret
     * @return its table: each stage's name and answer (with the {@link StageLookup#result() result} prepared), then
     *         the answer for a stage no version holds
     */
    public static Object[] of(SecretSnapshot snapshot) {
        String secretName = snapshot.key().secretName();
        java.time.Instant deletion = snapshot.deletionTime();
        Object[] table = new Object[2 * snapshot.stages().size() + 1];
        int i = 0;
        for (StageRecord r : snapshot.stages().values()) {
            table[i++] = canonical(r.name());
            table[i++] = new StageLookup(true, r, deletion, StageLookup.toStage(secretName, r));
        }
        table[i] = StageLookup.of(null, deletion);
        return table;
    }

    /** The built-in names as the constants (a store may return other instances): callers pass the constants. */
    private static String canonical(String name) {
        return Stages.SYSCURRENT.equals(name) ? Stages.SYSCURRENT
                : Stages.SYSPREVIOUS.equals(name) ? Stages.SYSPREVIOUS : name;
    }

    /**
     * @param table a table from {@link #of(SecretSnapshot)}
     * @param stageName a stage name
     * @return the answer for that stage
     */
    public static StageLookup find(Object[] table, String stageName) {
        int last = table.length - 1;
        for (int i = 0; i < last; i += 2) {
            if (table[i] == stageName) { // the same instance, such as a constant: no string is read
                return (StageLookup) table[i + 1];
            }
        }
        for (int i = 0; i < last; i += 2) {
            if (table[i].equals(stageName)) {
                return (StageLookup) table[i + 1];
            }
        }
        return (StageLookup) table[last];
    }
}
