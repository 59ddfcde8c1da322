package io.secretstages.store.etcd;

import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRecord;
import io.secretstages.spi.VersionRecord;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

/** The metadata document's binary form: every snapshot decodes to itself, and the largest one stays small. */
class SnapshotCodecTest {
    private static final SecretKey KEY = new SecretKey("p", "s");

    private static Gen<Instant> instants() {
        return longs().between(-10_000_000_000L, 10_000_000_000L)
                .zip(integers().between(0, 999_999_999), Instant::ofEpochSecond);
    }

    private static Gen<String> names() {
        return strings().betweenCodePoints('-', 'z').ofLengthBetween(1, 64);
    }

    private static Gen<SecretSnapshot> snapshots() {
        return integers().between(0, 25).flatMap(versionCount -> integers().between(0, 14).flatMap(stageCount ->
                longs().between(1, Long.MAX_VALUE / 2).flatMap(revision -> instants().flatMap(created ->
                        booleans().all().zip(instants(), (scheduled, deletion) -> scheduled ? deletion : null)
                                .flatMap(deletion -> random -> {
                                    List<VersionRecord> versions = new ArrayList<>();
                                    long n = 0;
                                    for (int i = 0; i < versionCount; i++) {
                                        n += 1 + longs().between(0, 1000).generate(random);
                                        String token = booleans().all().generate(random)
                                                ? strings().allPossible().ofLengthBetween(0, 64).generate(random)
                                                : null;
                                        Instant expires = booleans().all().generate(random)
                                                ? instants().generate(random) : null;
                                        versions.add(new VersionRecord(n, instants().generate(random), token, expires));
                                    }
                                    Map<String, StageRecord> stages = new HashMap<>();
                                    for (int i = 0; i < stageCount; i++) {
                                        String name = names().generate(random);
                                        stages.put(name, new StageRecord(name, longs().between(1, n + 1).generate(random),
                                                instants().generate(random)));
                                    }
                                    String description = strings().allPossible().ofLengthBetween(0, 300).generate(random);
                                    return new SecretSnapshot(KEY, revision, n + longs().between(0, 5).generate(random),
                                            versions, stages, created, deletion, description);
                                })))));
    }

    @Test
    void everySnapshotDecodesToItself() {
        qt().withExamples(2_000).forAll(snapshots()).checkAssert(s -> {
            byte[] document = SnapshotCodec.encode(s);
            assertEquals(s, SnapshotCodec.decode(KEY, s.revision(), document));
            assertEquals(s.record(),
                    SnapshotCodec.decodeRecord(KEY, s.revision(), document));
        });
    }

    @Test
    void theLargestDocumentIsUnderSixKibibytes() {
        List<VersionRecord> versions = new ArrayList<>();
        Map<String, StageRecord> stages = new HashMap<>();
        Instant t = Instant.parse("2026-01-01T00:00:00.123Z");
        for (int i = 1; i <= 20; i++) {
            versions.add(new VersionRecord(1_000_000L + i, t, "t".repeat(64), t));
        }
        for (int i = 0; i < 12; i++) {
            String name = String.format("%064d", i);
            stages.put(name, new StageRecord(name, 1_000_001L + i, t));
        }
        byte[] document = SnapshotCodec.encode(new SecretSnapshot(KEY, 1, 1_000_020L, versions, stages, t, t,
                "\u20ac".repeat(682))); // 2,046 UTF-8 bytes (R23)
        assertTrue(document.length < 6 * 1024, "document of " + document.length + " bytes");
    }

    @Test
    void anUnknownFormatIsRefused() {
        byte[] document = SnapshotCodec.encode(new SecretSnapshot(KEY, 1, 1,
                List.of(new VersionRecord(1, Instant.EPOCH)), Map.of(), Instant.EPOCH, null));
        document[0] = 9;
        assertThrows(IllegalStateException.class, () -> SnapshotCodec.decode(KEY, 1, document));
    }
}
