package io.secretstages.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.secretstages.SecretValue;
import io.secretstages.spi.NewVersion;
import io.secretstages.spi.SecretChange;
import io.secretstages.spi.SecretKey;
import io.secretstages.spi.SecretRecord;
import io.secretstages.spi.SecretSnapshot;
import io.secretstages.spi.StageRepository;
import io.secretstages.spi.StoreException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * A {@link StageRepository} on an etcd cluster (v3 API, through a jetcd {@link Client}): every secret survives the
 * loss of a minority of members, and many nodes share it as one store.
 *
 * <pre>{@code
 * Client client = Client.builder().endpoints("http://10.0.0.1:2379", "http://10.0.0.2:2379", "http://10.0.0.3:2379").build();
 * StageManager stages = StageManager.builder()
 *         .repository(EtcdStageRepository.builder(client).keyPrefix("ss/").build())
 *         .build();
 * }</pre>
 *
 * <h2>Key layout</h2>
 * All keys are under the prefix (default {@code "ss/"}); project and secret names never contain {@code '/'} (R1, R2).
 * <ul>
 *   <li>{@code ss/s/<project>/<secret>}: the secret's metadata and stages, one small binary document (versions
 *       without values, stages, times, description, last version number). Its etcd {@code mod_revision} is the
 *       secret's revision, which every write compares.</li>
 *   <li>{@code ss/v/<project>/<secret>/<n>}: the value of version {@code n}, written once, in the transaction that
 *       adds the version, and deleted in the one that removes it.</li>
 *   <li>{@code ss/d/<deletion time>/<project>/<secret>}: one empty key per secret pending deletion (R8), ordered
 *       by time, written and removed in the transaction that sets or clears the deletion time, so that
 *       {@link #listDeletionsDue} reads a range instead of every secret.</li>
 * </ul>
 *
 * <h2>Requests</h2>
 * Every write is one etcd transaction: compare the metadata key's {@code mod_revision} (or its absence, when
 * creating), then put the new document, put the new value, delete removed values and move the deletion key; or do
 * nothing. Reads are linearizable (etcd's default): a read after a write acknowledged anywhere in the cluster sees
 * it. {@link #load} is one get, {@link #loadValue} one get, {@link #listSecrets} one range read per 200 secrets.
 * A write never reads first: the change carries the snapshot it was planned from and the one it produces, and the
 * store writes the latter guarded by the former's revision. A revision is a {@code mod_revision}, unique in the
 * cluster, so a secret deleted and created again never matches a revision read before.
 *
 * <h2>Sizes (etcd's limits)</h2>
 * A transaction holds a handful of operations: the document, the new value, the values of evicted versions (usually
 * one) and the deletion key; a rewrite of 20 values holds 21 (default limit {@code --max-txn-ops 128}). The largest
 * request is a rewrite of 20 values of 32 KiB, about 660 KiB (limit {@code --max-request-bytes}, 1.5 MiB by
 * default). A secret with 20
 * versions of 32 KiB occupies about 660 KiB of keys; etcd also keeps old revisions until compacted, so run etcd with
 * {@code --auto-compaction-retention} and size {@code --quota-backend-bytes} (2 GiB by default) for your secrets.
 *
 * <h2>Failures</h2>
 * Every request has a client-side deadline ({@link Builder#requestTimeout}, default 5 s): without one, a jetcd call
 * waits forever when every member is down or frozen. A failed or timed-out read is a {@link StoreException}; a
 * transaction that failed after it may have reached the cluster (a timeout, a lost connection, a leader change) is a
 * {@link StoreException#ambiguous() ambiguous} {@link StoreException} (the manager reports an ambiguous
 * {@code STORE_FAILURE}; read to learn the outcome, or retry an idempotent put with its client token).
 *
 * <p>The client stays the caller's: this store never closes it.
 */
public final class EtcdStageRepository implements StageRepository {
    /** Keys per range read: a page of documents stays far below gRPC's 4 MiB message limit. */
    private static final int RANGE_PAGE = 200;
    /** Gets per multi-get transaction, below etcd's default of 128 operations. */
    private static final int GETS_PER_TXN = 100;
    private static final ByteSequence EMPTY = ByteSequence.EMPTY;

    private final KV kv;
    private final KeyLayout keys;
    private final BoundedCalls calls;

    private EtcdStageRepository(Builder b) {
        this.kv = b.client.getKVClient();
        this.keys = new KeyLayout(b.keyPrefix);
        this.calls = new BoundedCalls(b.requestTimeout);
    }

    /**
     * @param client a jetcd client of the cluster; the store uses its KV service and never closes it
     * @return a builder
     */
    public static Builder builder(Client client) {
        return new Builder(client);
    }

    /** Builds an {@link EtcdStageRepository}. */
    public static final class Builder {
        private final Client client;
        private String keyPrefix = "ss/";
        private Duration requestTimeout = Duration.ofSeconds(5);

        private Builder(Client client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        /**
         * @param keyPrefix the prefix of every key this store writes (default {@code "ss/"}); stores with different
         *                  prefixes share a cluster without seeing each other
         * @return this builder
         */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
            return this;
        }

        /**
         * @param requestTimeout the client-side deadline of each etcd request (default 5 s); positive. Keep it above
         *                       etcd's election timeout, so that a leader change costs a retry, not a failure.
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            if (requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
            }
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** @return the store */
        public EtcdStageRepository build() {
            return new EtcdStageRepository(this);
        }
    }

    @Override
    public Optional<SecretSnapshot> load(SecretKey key) {
        GetResponse r = calls.read(kv.get(keys.secret(key)), "read of secret " + name(key));
        if (r.getKvs().isEmpty()) {
            return Optional.empty();
        }
        KeyValue doc = r.getKvs().get(0);
        return Optional.of(SnapshotCodec.decode(key, doc.getModRevision(), doc.getValue().getBytes()));
    }

    @Override
    public Optional<SecretValue> loadValue(SecretSnapshot snapshot, long versionNumber) {
        SecretKey key = snapshot.key();
        GetResponse r = calls.read(kv.get(keys.value(key, versionNumber)),
                "read of the value of " + name(key) + " v" + versionNumber);
        // a value key created after the snapshot's revision (a cluster-wide mod_revision) belongs to a secret created
        // again since: not the snapshot's version (a re-wrap rewrites the key and keeps its create_revision)
        if (r.getKvs().isEmpty() || r.getKvs().get(0).getCreateRevision() > snapshot.revision()) {
            return Optional.empty();
        }
        byte[] stored = r.getKvs().get(0).getValue().getBytes();
        byte[] value = new byte[stored.length - 1];
        System.arraycopy(stored, 1, value, 0, value.length);
        return Optional.of(SecretValue.fromBytes(stored[0] == 1, value));
    }

    @Override
    public OptionalLong apply(SecretChange change) {
        SecretKey key = change.key();
        SecretSnapshot base = change.base();
        SecretSnapshot result = change.result();
        List<Op> ops = new ArrayList<>();
        ops.add(Op.put(keys.secret(key), ByteSequence.from(SnapshotCodec.encode(result)), PutOption.DEFAULT));
        if (change.newVersion().isPresent()) {
            NewVersion v = change.newVersion().get();
            ops.add(Op.put(keys.value(key, v.number()), storedValue(v.value()), PutOption.DEFAULT));
        }
        for (long removed : change.removedVersions()) {
            ops.add(Op.delete(keys.value(key, removed), DeleteOption.DEFAULT));
        }
        Instant before = base == null ? null : base.deletionTime();
        Instant after = result.deletionTime();
        if (!Objects.equals(before, after)) { // etcd refuses a put and a delete of one key in one transaction
            if (before != null) {
                ops.add(Op.delete(keys.deletion(before, key), DeleteOption.DEFAULT));
            }
            if (after != null) {
                ops.add(Op.put(keys.deletion(after, key), EMPTY, PutOption.DEFAULT));
            }
        }
        return commit(guard(key, base), ops, "transaction on secret " + name(key));
    }

    @Override
    public boolean delete(SecretSnapshot base) {
        SecretKey key = base.key();
        List<Op> ops = new ArrayList<>();
        ops.add(Op.delete(keys.secret(key), DeleteOption.DEFAULT));
        ops.add(Op.delete(keys.values(key), DeleteOption.builder().isPrefix(true).build()));
        if (base.deletionTime() != null) {
            ops.add(Op.delete(keys.deletion(base.deletionTime(), key), DeleteOption.DEFAULT));
        }
        return commit(guard(key, base), ops, "deletion of secret " + name(key)).isPresent();
    }

    @Override
    public OptionalLong rewriteValues(SecretSnapshot base, Map<Long, SecretValue> values) {
        base.checkRewrite(values);
        SecretKey key = base.key();
        List<Op> ops = new ArrayList<>();
        // the same document again: its mod_revision, the secret's revision, changes with the values
        ops.add(Op.put(keys.secret(key), ByteSequence.from(SnapshotCodec.encode(base)), PutOption.DEFAULT));
        for (Map.Entry<Long, SecretValue> e : values.entrySet()) {
            ops.add(Op.put(keys.value(key, e.getKey()), storedValue(e.getValue()), PutOption.DEFAULT));
        }
        return commit(guard(key, base), ops, "rewrite of the values of secret " + name(key));
    }

    @Override
    public List<SecretRecord> listSecrets(String projectId, String afterName, Instant activeAt, int limit) {
        List<SecretRecord> out = new ArrayList<>(Math.min(limit, RANGE_PAGE));
        ByteSequence from = keys.secretsFrom(projectId, afterName);
        ByteSequence end = keys.secretsEnd(projectId);
        while (true) {
            GetResponse page = calls.read(kv.get(from, GetOption.builder().withRange(end).withLimit(RANGE_PAGE).build()),
                    "listing of project " + projectId);
            String lastName = null;
            for (KeyValue doc : page.getKvs()) {
                lastName = keys.secretNameOf(doc.getKey(), projectId);
                SecretRecord r = SnapshotCodec.decodeRecord(new SecretKey(projectId, lastName), doc.getModRevision(),
                        doc.getValue().getBytes());
                if (r.deletionTime() == null || r.deletionTime().isAfter(activeAt)) {
                    out.add(r);
                    if (out.size() == limit) {
                        return out;
                    }
                }
            }
            if (!page.isMore() || lastName == null) {
                return out;
            }
            from = keys.secretsFrom(projectId, lastName);
        }
    }

    /**
     * Key order is not id order: a project's keys ({@code <id>/...}) sort after those of the ids that extend it
     * with {@code '-'} ({@code <id>-x/...}), as {@code '-'} sorts below {@code '/'}. So the projects are collected in
     * key order (keys only, skipping the rest of each project's keys), then the ids that are a collected id cut
     * just before one of its {@code '-'} (the only ids that can sort earlier yet lie further on) are looked up
     * (one transaction of prefix counts), and the union is sorted and cut to the limit.
     */
    @Override
    public List<String> listProjects(String afterProjectId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        TreeSet<String> found = new TreeSet<>();
        ByteSequence from = keys.projectsFrom(afterProjectId);
        ByteSequence end = keys.projectsEnd();
        while (found.size() < limit) {
            GetResponse page = calls.read(kv.get(from, GetOption.builder().withRange(end).withKeysOnly(true)
                    .withLimit(RANGE_PAGE).build()), "listing of projects");
            String last = null;
            for (KeyValue k : page.getKvs()) {
                last = keys.projectOf(k.getKey());
                if (afterProjectId == null || last.compareTo(afterProjectId) > 0) {
                    found.add(last);
                }
            }
            if (!page.isMore() || last == null) {
                break;
            }
            from = keys.secretsEnd(last); // past the rest of the last project's keys
        }
        List<String> cuts = new ArrayList<>();
        for (String id : found) {
            for (int i = id.indexOf('-'); i > 0; i = id.indexOf('-', i + 1)) {
                String cut = id.substring(0, i);
                if (!found.contains(cut) && (afterProjectId == null || cut.compareTo(afterProjectId) > 0)
                        && !cuts.contains(cut)) {
                    cuts.add(cut);
                }
            }
        }
        for (int i = 0; i < cuts.size(); i += GETS_PER_TXN) {
            List<String> chunk = cuts.subList(i, Math.min(cuts.size(), i + GETS_PER_TXN));
            Op[] counts = new Op[chunk.size()];
            for (int j = 0; j < counts.length; j++) {
                counts[j] = Op.get(keys.projectKeys(chunk.get(j)), GetOption.builder()
                        .withRange(keys.secretsEnd(chunk.get(j))).withCountOnly(true).build());
            }
            List<GetResponse> answers = calls.read(kv.txn().Then(counts).commit(), "listing of projects")
                    .getGetResponses();
            for (int j = 0; j < answers.size(); j++) {
                if (answers.get(j).getCount() > 0) {
                    found.add(chunk.get(j));
                }
            }
        }
        List<String> out = new ArrayList<>(Math.min(limit, found.size()));
        for (String id : found) {
            if (out.size() == limit) {
                break;
            }
            out.add(id);
        }
        return out;
    }

    @Override
    public List<SecretRecord> listDeletionsDue(Instant asOf, int limit) {
        GetResponse due = calls.read(kv.get(keys.deletionsStart(), GetOption.builder()
                .withRange(keys.deletionsDueEnd(asOf)).withKeysOnly(true).withLimit(limit).build()),
                "listing of deletions due");
        List<SecretKey> secrets = new ArrayList<>(due.getKvs().size());
        for (KeyValue k : due.getKvs()) {
            secrets.add(keys.secretOfDeletion(k.getKey()));
        }
        List<SecretRecord> out = new ArrayList<>(secrets.size());
        for (int i = 0; i < secrets.size(); i += GETS_PER_TXN) {
            List<SecretKey> chunk = secrets.subList(i, Math.min(secrets.size(), i + GETS_PER_TXN));
            Op[] gets = new Op[chunk.size()];
            for (int j = 0; j < gets.length; j++) {
                gets[j] = Op.get(keys.secret(chunk.get(j)), GetOption.DEFAULT);
            }
            TxnResponse docs = calls.read(kv.txn().Then(gets).commit(), "read of secrets pending deletion");
            List<GetResponse> answers = docs.getGetResponses();
            for (int j = 0; j < answers.size(); j++) {
                if (answers.get(j).getKvs().isEmpty()) {
                    continue; // deleted since the index was read
                }
                KeyValue doc = answers.get(j).getKvs().get(0);
                SecretRecord r = SnapshotCodec.decodeRecord(chunk.get(j), doc.getModRevision(), doc.getValue().getBytes());
                if (r.deletionTime() != null && !r.deletionTime().isAfter(asOf)) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /** @return the comparison a write to the secret makes: still at {@code base}'s revision, or absent */
    private Cmp guard(SecretKey key, SecretSnapshot base) {
        return base == null ? new Cmp(keys.secret(key), Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(keys.secret(key), Cmp.Op.EQUAL, CmpTarget.modRevision(base.revision()));
    }

    /** @return the revision the transaction wrote at, or empty if its comparison failed (a lost race) */
    private OptionalLong commit(Cmp guard, List<Op> ops, String what) {
        TxnResponse r = calls.write(kv.txn().If(guard).Then(ops.toArray(new Op[0])).commit(), what);
        return r.isSucceeded() ? OptionalLong.of(r.getHeader().getRevision()) : OptionalLong.empty();
    }

    private static ByteSequence storedValue(SecretValue value) {
        byte[] bytes = value.toBytes();
        byte[] stored = new byte[bytes.length + 1];
        stored[0] = (byte) (value.isString() ? 1 : 0);
        System.arraycopy(bytes, 0, stored, 1, bytes.length);
        return ByteSequence.from(stored);
    }

    private static String name(SecretKey key) {
        return key.projectId() + "/" + key.secretName();
    }

    @Override
    public String toString() {
        return "EtcdStageRepository[prefix=" + keys.prefix() + "]";
    }
}
