package io.secretstages;

import java.time.Duration;

/**
 * The parts of one {@link StageManager}, wired from its {@link ManagerSettings}: one {@link StoreCalls} door to the
 * store, one {@link Snapshots} seam (store, read cache or write cache), and the reader, writer and purger over them
 * (the picture is in docs/architecture.md).
 *
 * @param rules the rules, with the settings' limits
 * @param snapshots where snapshots come from
 * @param reader the read side
 * @param writer the optimistic write
 * @param purger removal of secrets past their deletion time
 * @param calls every public call under the observer
 */
record ManagerAssembly(StageRules rules, Snapshots snapshots, Reader reader, OptimisticWriter writer, Purger purger,
                       ObservedCalls calls) {
    /** How long the write cache keeps a snapshot it was not asked for again. */
    private static final Duration WRITE_CACHE_TTL = Duration.ofSeconds(30);

    static ManagerAssembly of(ManagerSettings s) {
        StoreCalls store = new StoreCalls(s.repository());
        Snapshots snapshots;
        if (s.cache() != null) {
            snapshots = Snapshots.readCache(store, s.cache());
        } else if (s.writeCacheSize() > 0) {
            snapshots = Snapshots.writeCache(store,
                    CacheSettings.expireAfterWrite(WRITE_CACHE_TTL).maximumSize(s.writeCacheSize()));
        } else {
            snapshots = Snapshots.direct(store);
        }
        ChangeNotifier notifier = new ChangeNotifier(s.listeners(), s.clock());
        Purger purger = new Purger(store, snapshots, notifier, s.clock());
        return new ManagerAssembly(new StageRules(s.maxStages(), s.maxVersions()), snapshots,
                new Reader(snapshots, store, purger, s.clock(), s.callTimeout()),
                new OptimisticWriter(store, snapshots, purger, notifier, s.clock(), s.callTimeout()), purger,
                new ObservedCalls(SafeObserver.of(s.observer())));
    }
}
