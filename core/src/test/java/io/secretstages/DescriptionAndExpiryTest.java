package io.secretstages;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** R23 (a secret's description) and R24 (a version's expiry time), over core's MapStore (docs/rules.md). */
class DescriptionAndExpiryTest {
    private static final String P = "proj";
    private static final SecretValue V = SecretValue.ofString("value");
    private static final Instant T = Instant.parse("2030-01-02T03:04:05.678Z");

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final MapStore store = new MapStore();
    private final List<StageEvent> events = new CopyOnWriteArrayList<>();
    private final StageManager m = StageManager.builder().repository(store)
            .clock(CLOCK)
            .listener(events::add).build();

    /** A second manager over the same store, without any cache, so reads come from the store. */
    private final StageManager fresh = StageManager.builder().repository(store).clock(CLOCK).writeCacheSize(0)
            .build();

    @Test
    void r23_descriptionSetAtCreationAndUpdatedIsReadBack() {
        m.createSecret(P, "a", V, "first ünïcode");
        assertEquals("first ünïcode", fresh.getSecret(P, "a").description());
        m.createSecret(P, "b", V);
        assertEquals("", fresh.getSecret(P, "b").description());

        SecretMetadata updated = m.updateDescription(P, "b", "now described");
        assertEquals("now described", updated.description());
        assertEquals("now described", fresh.getSecret(P, "b").description());
        List<SecretMetadata> listed = fresh.listSecrets(P).secrets();
        assertEquals(List.of("first ünïcode", "now described"), listed.stream().map(SecretMetadata::description).toList());

        assertEquals(StageEvent.Operation.UPDATE_DESCRIPTION, events.get(events.size() - 1).operation());
        assertEquals(List.of(), events.get(events.size() - 1).stagesMoved());
        assertEquals("", m.updateDescription(P, "b", "").description());
        assertEquals("", fresh.getSecret(P, "b").description());
    }

    @Test
    void r23_descriptionLimitIs2048Utf8Bytes() {
        String max = "é".repeat(1024); // 2 bytes each
        m.createSecret(P, "a", V, max);
        assertEquals(max, fresh.getSecret(P, "a").description());
        int writes = store.writes.get();
        int loads = store.loads.get();
        invalid(() -> m.updateDescription(P, "a", max + "x"));
        invalid(() -> m.updateDescription(P, "a", null));
        invalid(() -> m.updateDescription(P, "a", "lone \uD800 surrogate"));
        invalid(() -> m.createSecret(P, "c", V, "x".repeat(2049)));
        invalid(() -> m.createSecret(P, "c", V, null));
        assertEquals(writes, store.writes.get(), "no write was attempted");
        assertEquals(loads, store.loads.get(), "the store was not even read");
        assertEquals(max, fresh.getSecret(P, "a").description());
    }

    @Test
    void r24_expiryTimeSetOnPutAndUpdatedIsReadBack() {
        m.createSecret(P, "a", V);
        SecretVersion v2 = m.putVersion(P, "a", V, Set.of(Stages.SYSCURRENT), Optional.empty(), Optional.of(T));
        assertEquals(Optional.of(T), v2.metadata().expireTime());
        assertEquals(Optional.of(T), fresh.getVersion(P, "a", "v2").metadata().expireTime());
        assertEquals(Optional.empty(), fresh.getVersion(P, "a", "v1").metadata().expireTime());

        Instant later = T.plusSeconds(60);
        VersionMetadata u = m.updateVersionExpiry(P, "a", "v1", Optional.of(later));
        assertEquals(Optional.of(later), u.expireTime());
        assertEquals(Set.of(Stages.SYSPREVIOUS), u.stages(), "metadata only: stages stay");
        assertEquals(StageEvent.Operation.UPDATE_VERSION, events.get(events.size() - 1).operation());
        List<VersionMetadata> listed = fresh.listVersions(P, "a");
        assertEquals(List.of(Optional.of(later), Optional.of(T)),
                listed.stream().map(VersionMetadata::expireTime).toList());

        assertEquals(Optional.empty(), m.updateVersionExpiry(P, "a", "v2", Optional.empty()).expireTime());
        assertEquals(Optional.empty(), fresh.getVersion(P, "a", "latest").metadata().expireTime());
        // R24: an expired version stays readable
        m.updateVersionExpiry(P, "a", "v2", Optional.of(Instant.EPOCH));
        assertEquals(V, fresh.getVersion(P, "a", "v2").value());
    }

    @Test
    void r24_rangeIs0To9999999999999MillisAndChecksComeFirst() {
        m.createSecret(P, "a", V);
        Instant max = Instant.ofEpochMilli(9_999_999_999_999L);
        assertEquals(Optional.of(max), m.updateVersionExpiry(P, "a", "v1", Optional.of(max)).expireTime());
        assertEquals(Optional.of(max), fresh.getVersion(P, "a", "v1").metadata().expireTime());
        int writes = store.writes.get();
        int loads = store.loads.get();
        invalid(() -> m.updateVersionExpiry(P, "a", "v1", Optional.of(max.plusMillis(1))));
        invalid(() -> m.updateVersionExpiry(P, "a", "v1", Optional.of(Instant.EPOCH.minusMillis(1))));
        invalid(() -> m.updateVersionExpiry(P, "a", "v1", null));
        invalid(() -> m.updateVersionExpiry(P, "a", "latest", Optional.of(T)));
        invalid(() -> m.putVersion(P, "a", V, Set.of(Stages.SYSCURRENT), Optional.empty(),
                Optional.of(max.plusMillis(1))));
        invalid(() -> m.putVersion(P, "a", V, Set.of(Stages.SYSCURRENT), Optional.empty(), null));
        invalid(() -> m.putVersion(P, "a", V, Set.of(Stages.SYSCURRENT), null, Optional.empty()));
        assertEquals(writes, store.writes.get(), "no write was attempted");
        assertEquals(loads, store.loads.get(), "the store was not even read");
        assertEquals(List.of("v1"), fresh.listVersions(P, "a").stream().map(VersionMetadata::id).toList());

        assertEquals(ErrorCode.VERSION_NOT_FOUND, assertThrows(StageException.class,
                () -> m.updateVersionExpiry(P, "a", "v7", Optional.of(T))).code());
        assertEquals(ErrorCode.SECRET_NOT_FOUND, assertThrows(StageException.class,
                () -> m.updateVersionExpiry(P, "nope", "v1", Optional.of(T))).code());
        assertEquals(ErrorCode.SECRET_NOT_FOUND, assertThrows(StageException.class,
                () -> m.updateDescription(P, "nope", "d")).code());
    }

    @Test
    void r8_bothAreRefusedWhilePendingDeletion() {
        m.createSecret(P, "a", V, "kept");
        m.updateVersionExpiry(P, "a", "v1", Optional.of(T));
        m.scheduleDeletion(P, "a");
        int writes = store.writes.get();
        assertEquals(ErrorCode.SECRET_PENDING_DELETION, assertThrows(StageException.class,
                () -> m.updateDescription(P, "a", "changed")).code());
        assertEquals(ErrorCode.SECRET_PENDING_DELETION, assertThrows(StageException.class,
                () -> m.updateVersionExpiry(P, "a", "v1", Optional.empty())).code());
        assertEquals(ErrorCode.SECRET_PENDING_DELETION, assertThrows(StageException.class,
                () -> m.putVersion(P, "a", V, Set.of(Stages.SYSCURRENT), Optional.empty(), Optional.of(T))).code());
        assertEquals(writes, store.writes.get());
        SecretMetadata pending = fresh.getSecret(P, "a");
        assertEquals(SecretState.PENDING_DELETION, pending.state());
        assertEquals("kept", pending.description(), "metadata stays readable (R8)");
        assertEquals(Optional.of(T), fresh.listVersions(P, "a").get(0).expireTime());
        m.restoreSecret(P, "a");
        assertEquals("kept", fresh.getSecret(P, "a").description());
        assertEquals("changed", m.updateDescription(P, "a", "changed").description());
    }

    private static void invalid(Executable call) {
        StageException e = assertThrows(StageException.class, call::run);
        assertEquals(ErrorCode.INVALID_PARAMETER, e.code());
    }

    /** A call expected to throw. */
    private interface Executable {
        void run();
    }
}
