package io.secretstages;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * R8 with caches: a secret that a cached snapshot says is past its deletion time is only treated as gone once the
 * store says so. (Before the redesign, a write planned from a cached snapshot threw SECRET_NOT_FOUND for a secret
 * another node had restored: this test failed on 546ae8f with that error.)
 */
class ExpiryConfirmationTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    private StageManager cachedNode(MapStore store, boolean readCache) {
        StageManager.Builder b = StageManager.builder().repository(store).clock(clock);
        return (readCache ? b.cache(CacheSettings.expireAfterWrite(Duration.ofDays(365))) : b).build();
    }

    private void restoredElsewhereAfterTheCacheSawItPending(StageManager cached, MapStore store) {
        StageManager other = StageManager.builder().repository(store).clock(clock).writeCacheSize(0).build();
        cached.createSecret("p", "s", SecretValue.ofString("one"));
        cached.scheduleDeletion("p", "s", 7);
        cached.getSecret("p", "s"); // the read cache holds the pending snapshot
        cached.restoreSecret("p", "s"); // the write cache holds... the restored one; so pend it again
        cached.scheduleDeletion("p", "s", 7); // both caches: pending until +7 days
        other.restoreSecret("p", "s");
        now.set(now.get().plus(Duration.ofDays(8)));
    }

    @Test
    void aWritePlannedFromAReadCacheDoesNotTakeARestoredSecretForExpired() {
        MapStore store = new MapStore();
        StageManager cached = cachedNode(store, true);
        restoredElsewhereAfterTheCacheSawItPending(cached, store);
        assertEquals("v2", cached.putVersion("p", "s", SecretValue.ofString("two")).id());
    }

    @Test
    void aWritePlannedFromTheWriteCacheDoesNotTakeARestoredSecretForExpired() {
        MapStore store = new MapStore();
        StageManager cached = cachedNode(store, false);
        restoredElsewhereAfterTheCacheSawItPending(cached, store);
        assertEquals("v1", cached.updateStage("p", "s", "blue", "v1").versionId());
        assertEquals("v1", cached.getStage("p", "s", "blue").versionId());
    }

    @Test
    void aRestoreFromACacheThatSaysExpiredFindsTheSecretInTheStore() {
        MapStore store = new MapStore();
        StageManager cached = cachedNode(store, true);
        restoredElsewhereAfterTheCacheSawItPending(cached, store);
        assertEquals(SecretState.ENABLED, cached.restoreSecret("p", "s").state());
        assertEquals(Optional.empty(), cached.getSecret("p", "s").deletionTime());
    }

    @Test
    void aSecretTheStoreConfirmsExpiredIsGoneAndPurgedByTheWrite() {
        MapStore store = new MapStore();
        StageManager cached = cachedNode(store, true);
        cached.createSecret("p", "s", SecretValue.ofString("one"));
        cached.scheduleDeletion("p", "s", 7);
        now.set(now.get().plus(Duration.ofDays(7)));
        StageException e = assertThrows(StageException.class,
                () -> cached.putVersion("p", "s", SecretValue.ofString("two")));
        assertEquals(ErrorCode.SECRET_NOT_FOUND, e.code());
        assertEquals(Optional.empty(), store.load(new io.secretstages.spi.SecretKey("p", "s")), "purged on the way");
        assertEquals("v1", cached.createSecret("p", "s", SecretValue.ofString("again")).id(), "the name is free");
    }
}
