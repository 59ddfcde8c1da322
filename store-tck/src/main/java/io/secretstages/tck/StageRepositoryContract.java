package io.secretstages.tck;

import io.secretstages.StageManager;
import io.secretstages.spi.StageRepository;

/**
 * The contract every {@link StageRepository} must honour, as executable tests. A store runs the whole kit by
 * extending this class and implementing {@link #newRepository()}; a store over shared storage (a database) also
 * overrides {@link #anotherRepositoryOverSameStorage(StageRepository)}, and {@link #configure} builds the kit's
 * managers another way (with a cache, say).
 *
 * <p>The kit comes in parts, each a class of this chain, read from the store outwards:
 * <ol>
 *   <li>{@link ContractFixture}: the per-test repository, clock, manager and project, the hooks, the helpers;</li>
 *   <li>{@link SpiContract}: the SPI called directly (stale revisions, atomic and racing applies, guarded deletes and
 *       rewrites, listing) and store failures;</li>
 *   <li>{@link SecretRuleContract} and {@link StageRuleContract}: the rule suites of docs/rules.md through a
 *       {@link StageManager} over the store;</li>
 *   <li>{@link LifecycleContract}: scheduled deletion, restore, purging (R8) and listing;</li>
 *   <li>{@link SharedStorageContract}: two repositories over one storage;</li>
 *   <li>{@link GeneratedContract}: the stateful model test, the bad-input fuzz and the concurrency fuzz.</li>
 * </ol>
 * Every test works in a project of its own, so stores over shared storage need no cleaning between tests. Test
 * names cite docs/rules.md's rule numbers.
 */
public abstract class StageRepositoryContract extends GeneratedContract {
    /** For a store's test class. */
    protected StageRepositoryContract() {
    }
}
