package io.secretstages.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretSnapshot;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The metadata document this store last read or wrote for each secret, with the {@code mod_revision} it was stored
 * at: the base a write is planned from when the manager's expected revision matches it, saving a read. Bounded: past
 * its size it starts over empty. A stale entry is harmless: the write compares the {@code mod_revision} and fails as
 * a lost race.
 */
final class LastDocuments {
    /** A document and the etcd revision that wrote it. */
    record Document(SecretSnapshot snapshot, long modRevision) {
        Cmp guard(ByteSequence secretKey) {
            return new Cmp(secretKey, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision));
        }
    }

    private final int maximumSize;
    private final ConcurrentHashMap<SecretKey, Document> documents = new ConcurrentHashMap<>();

    LastDocuments(int maximumSize) {
        this.maximumSize = maximumSize;
    }

    Document get(SecretKey key) {
        return documents.get(key);
    }

    void remember(Document document) {
        if (maximumSize == 0) {
            return;
        }
        if (documents.size() >= maximumSize) {
            documents.clear();
        }
        documents.merge(document.snapshot().key(), document,
                (old, now) -> old.modRevision() > now.modRevision() ? old : now);
    }

    void forget(SecretKey key) {
        documents.remove(key);
    }
}
