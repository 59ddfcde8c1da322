package io.secretstages.encryption;

import io.secretstages.spi.StageRepository;
import io.secretstages.store.jdbc.JdbcStageRepository;
import io.secretstages.tck.StageRepositoryContract;

import javax.sql.DataSource;
import java.util.function.Supplier;

/**
 * The whole contract kit on a plain store wrapped by {@link TestKeys#encrypted}. The plain stores run the kit at
 * full size; here the default run is shorter (-Psoak runs it whole).
 */
abstract class EncryptedStoreContract extends StageRepositoryContract {
    private final Supplier<StageRepository> plain;
    private final Supplier<StageRepository> otherNode;
    private final int fuzzOpsPerThread;
    private final int statefulExamples;

    /**
     * @param plain            a new plain store
     * @param otherNode        a second plain store over the same storage, or null if there is none
     * @param fuzzOpsPerThread the fuzz's operations per thread outside -Psoak
     * @param statefulExamples the model test's examples outside -Psoak
     */
    EncryptedStoreContract(Supplier<StageRepository> plain, Supplier<StageRepository> otherNode, int fuzzOpsPerThread,
                           int statefulExamples) {
        this.plain = plain;
        this.otherNode = otherNode;
        this.fuzzOpsPerThread = fuzzOpsPerThread;
        this.statefulExamples = statefulExamples;
    }

    /**
     * @param db        the database, its schema in place
     * @param otherNode another pool over the same database, for the second node
     */
    EncryptedStoreContract(DataSource db, DataSource otherNode) {
        this(() -> JdbcStageRepository.builder(db).build(), () -> JdbcStageRepository.builder(otherNode).build(),
                100, 25);
    }

    @Override
    protected final StageRepository newRepository() {
        return TestKeys.encrypted(plain.get());
    }

    @Override
    protected final StageRepository anotherRepositoryOverSameStorage(StageRepository first) {
        return otherNode == null ? null : TestKeys.encrypted(otherNode.get());
    }

    @Override
    protected final int fuzzOpsPerThread() {
        return TestValues.soak() ? super.fuzzOpsPerThread() : fuzzOpsPerThread;
    }

    @Override
    protected final int statefulExamples() {
        return TestValues.soak() ? super.statefulExamples() : statefulExamples;
    }
}
