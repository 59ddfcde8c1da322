package io.secretstages.spi;

import io.secretstages.Stage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * The prepared answers the in-memory store and the manager's cache serve getStage from (R17): for any set of stages,
 * a table answers exactly as the snapshot's stage map does, whether the caller's name is the stored instance or a
 * copy, and a prepared result can never disagree with its stage record.
 */
class StageTablesTest {
    private static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);
    private static final String[] NAMES = {"SYSCURRENT", "SYSPREVIOUS", "blue", "b0", "b1", "green", "a", "A"};

    /** A snapshot holding stage NAMES[i] on version versions[i] (0 = not held), optionally pending deletion. */
    private static SecretSnapshot snapshot(List<Integer> holders, boolean pending) {
        List<VersionRecord> versions = new ArrayList<>();
        for (long v = 1; v <= 5; v++) {
            versions.add(new VersionRecord(v, T0.plusMillis(v)));
        }
        Map<String, StageRecord> stages = new HashMap<>();
        for (int i = 0; i < holders.size() && i < NAMES.length; i++) {
            if (holders.get(i) > 0) {
                stages.put(NAMES[i], new StageRecord(NAMES[i], holders.get(i), T0.plusSeconds(i)));
            }
        }
        return new SecretSnapshot(new SecretKey("p", "s"), 3, 5, versions, stages, T0,
                pending ? T0.plusSeconds(86_400) : null);
    }

    @Test
    void aTableAnswersAsTheStageMapForEveryNameInstanceAndMiss() {
        qt().withExamples(300).forAll(lists().of(integers().between(0, 5)).ofSizeBetween(0, NAMES.length),
                integers().between(0, 1)).checkAssert((holders, pending) -> {
            SecretSnapshot s = snapshot(holders, pending == 1);
            Object[] table = StageTables.of(s);
            for (String name : List.of(NAMES[0], NAMES[2], NAMES[6], NAMES[7], "missing", "SYSCURRENT0")) {
                for (String asked : List.of(name, new String(name.toCharArray()))) {
                    StageLookup l = StageTables.find(table, asked);
                    StageRecord expected = s.stages().get(name);
                    assertTrue(l.secretExists());
                    assertEquals(s.deletionTime(), l.deletionTime(), name);
                    assertEquals(expected, l.stage(), name);
                    if (expected == null) {
                        assertNull(l.result(), name);
                    } else {
                        assertEquals(StageLookup.toStage("s", expected), l.result(), name);
                        assertSame(l, StageTables.find(table, asked), "built once, allocated never");
                    }
                }
            }
        });
    }

    @Test
    void aPreparedResultMustSayWhatItsStageRecordSays() {
        StageRecord r = new StageRecord("blue", 3, T0);
        new StageLookup(true, r, null, new Stage("blue", "s", "v3", T0)); // consistent: accepted
        for (Stage wrong : List.of(new Stage("green", "s", "v3", T0), new Stage("blue", "s", "v2", T0),
                new Stage("blue", "s", "v3", T0.plusMillis(1)))) {
            assertThrows(IllegalArgumentException.class, () -> new StageLookup(true, r, null, wrong), wrong::toString);
        }
        assertThrows(IllegalArgumentException.class,
                () -> new StageLookup(true, null, null, new Stage("blue", "s", "v3", T0)), "a result without a stage");
        assertThrows(IllegalArgumentException.class, () -> new StageLookup(false, r, null), "a stage of no secret");
    }
}
