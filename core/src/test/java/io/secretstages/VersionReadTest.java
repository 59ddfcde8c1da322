package io.secretstages;

import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRecord;
import io.secretstages.spi.VersionRead;
import io.secretstages.spi.VersionRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * R16's version read through the SPI's {@link VersionRead}: the reference semantics over a snapshot, the record's
 * shapes, and the manager reading again when a store's two reads (metadata, then value) straddle a write that
 * removed the version (R15).
 */
class VersionReadTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private static final SecretKey KEY = new SecretKey("p", "s");
    private static final SecretSnapshot SNAPSHOT = new SecretSnapshot(KEY, 7, 3,
            List.of(new VersionRecord(1, T), new VersionRecord(2, T.plusSeconds(1)), new VersionRecord(3, T.plusSeconds(2))),
            Map.of("SYSPREVIOUS", new StageRecord("SYSPREVIOUS", 2, T), "SYSCURRENT", new StageRecord("SYSCURRENT", 3, T),
                    "blue", new StageRecord("blue", 3, T), "green", new StageRecord("green", 2, T)),
            T, null);

    @Test
    void theReferenceSemanticsGiveTheVersionByNumberOrStageWithTheStagesItHolds() {
        VersionRead latest = VersionRead.in(SNAPSHOT, "SYSCURRENT", 0, n -> Optional.of(SecretValue.ofString("v" + n)));
        assertEquals(SNAPSHOT.record(), latest.secret());
        assertEquals(SNAPSHOT.version(3).orElseThrow(), latest.version());
        assertEquals(Set.of("SYSCURRENT", "blue"), latest.stages());
        assertEquals(SecretValue.ofString("v3"), latest.value());
        VersionRead byNumber = VersionRead.in(SNAPSHOT, null, 2, n -> Optional.of(SecretValue.ofString("v" + n)));
        assertEquals(Set.of("SYSPREVIOUS", "green"), byNumber.stages());
        VersionRead unheld = VersionRead.in(SNAPSHOT, null, 1, n -> Optional.of(SecretValue.ofString("v" + n)));
        assertEquals(Set.of(), unheld.stages(), "a deprecated version holds no stage");
        for (VersionRead none : List.of(VersionRead.in(SNAPSHOT, "red", 0, n -> { throw new AssertionError("read"); }),
                VersionRead.in(SNAPSHOT, null, 9, n -> { throw new AssertionError("read"); }))) {
            assertNull(none.version(), "no such stage or version: no version, and no value read");
            assertNull(none.value());
        }
        VersionRead removed = VersionRead.in(SNAPSHOT, null, 3, n -> Optional.empty());
        assertEquals(3, removed.version().number());
        assertNull(removed.value(), "removed since the snapshot: a version without a value");
    }

    @Test
    void aReadHasNoStagesNorValueWithoutAVersionAndNeverPrintsItsValue() {
        assertThrows(IllegalArgumentException.class,
                () -> new VersionRead(SNAPSHOT.record(), null, Set.of("blue"), null));
        assertThrows(IllegalArgumentException.class,
                () -> new VersionRead(SNAPSHOT.record(), null, Set.of(), SecretValue.ofString("x")));
        VersionRead r = new VersionRead(SNAPSHOT.record(), SNAPSHOT.version(3).orElseThrow(), Set.of("SYSCURRENT"),
                SecretValue.ofString("hunter2-secret"));
        assertFalse(r.toString().contains("hunter2"), r.toString());
    }

    @Test
    void aVersionRemovedBetweenTheSnapshotAndTheValueReadIsReadAgain() {
        MapStore store = new MapStore();
        StageManager m = StageManager.builder().repository(store).maxStages(2).maxVersions(3).writeCacheSize(0)
                .build();
        m.createSecret("p", "s", SecretValue.ofString("one"));
        m.putVersion("p", "s", SecretValue.ofString("two"));
        m.putVersion("p", "s", SecretValue.ofString("three"));
        store.beforeNextValueRead = () -> { // after the snapshot naming v3 SYSCURRENT; evicts v3 (R15)
            for (String v : List.of("four", "five", "six")) {
                m.putVersion("p", "s", SecretValue.ofString(v));
            }
        };
        int loadsBefore = store.loads.get();
        SecretVersion latest = m.getVersion("p", "s", "latest");
        assertEquals("v6", latest.metadata().id(), "the holder read again, not v3 and not VERSION_NOT_FOUND");
        assertEquals(SecretValue.ofString("six"), latest.value());
        assertEquals(Set.of("SYSCURRENT"), latest.metadata().stages());
        assertEquals(2 + 3, store.loads.get() - loadsBefore,
                "two snapshot reads for the version read (the second after the eviction), one per put to plan it");
    }
}
