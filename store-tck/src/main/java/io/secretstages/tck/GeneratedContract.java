package io.secretstages.tck;

import io.secretstages.StageManager;
import io.secretstages.spi.StageRepository;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.stateful.Sequential;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * Part of the contract kit ({@link StageRepositoryContract}, which a store's test extends): the generated checks, the stateful model test
 * against {@link ReferenceModel}, the bad-input fuzz and the concurrency fuzz (sizes: the fixture's hooks).
 */
public abstract class GeneratedContract extends SharedStorageContract {
    /** For the next part of the kit. */
    protected GeneratedContract() {
    }

    @Nested
    @DisplayName("I1-I5 stateful model test (QuickTheories)")
    class StatefulModel {
        private void check(int maxStages, int maxVersions, int examples) {
            qt().withExamples(examples).withShrinkCycles(200)
                    .forAll(lists().of(ModelCommands.commands()).ofSizeBetween(1, 60))
                    .checkAssert(commands -> {
                        MutableClock c = new MutableClock(START);
                        StageManager m = configure(StageManager.builder().repository(newRepository()).clock(c))
                                .maxStages(maxStages).maxVersions(maxVersions).build();
                        String prefix = newProjectId() + "-";
                        Sequential.modelCheck(new ReferenceModel(maxStages, maxVersions, START.toEpochMilli()),
                                commands, model -> new ModelCommands.Harness(m, c, prefix),
                                ModelCommands.Harness::observe);
                    });
        }

        @Test
        void randomCommandSequencesMatchTheReferenceModel_smallLimits() {
            check(4, 6, statefulExamples());
        }

        /**
         * The tightest limits a manager takes (R14: one custom stage; R15: four versions), so that sequences reach both
         * limits often: with (4, 6) an off-by-one in the custom-stage count went unnoticed for 300 examples.
         */
        @Test
        void randomCommandSequencesMatchTheReferenceModel_tightestLimits() {
            check(3, 4, Math.max(50, statefulExamples() / 2));
        }

        @Test
        void randomCommandSequencesMatchTheReferenceModel_defaultLimits() {
            check(12, 20, statefulExamples());
        }
    }

    @Nested
    @DisplayName("R5 bad-input fuzz")
    class BadInput {
        @Test
        void r5_generatedBadInputIsRefusedWithItsCodeAndChangesNothing() {
            int cases = Integer.getInteger("secretstages.badinput.cases", 10_000);
            long seed = System.nanoTime();
            var counts = new BadInputFuzz(manager, repository, project, seed).run(cases);
            System.out.printf("bad-input fuzz on %s: %d cases (seed %d) %s%n",
                    GeneratedContract.this.getClass().getSimpleName(), cases, seed, counts);
        }
    }

    @Nested
    @DisplayName("R21, R20, I1-I6 concurrency fuzz")
    class Concurrency {
        @Test
        void manyThreadsOnHotAndColdSecrets_exactCountsAndInvariants() throws Exception {
            List<StageManager> managers = new ArrayList<>();
            managers.add(manager);
            StageRepository second = anotherRepositoryOverSameStorage(underlying);
            if (second != null) {
                managers.add(StageManager.builder().repository(second).build());
            }
            long seed = System.nanoTime();
            ConcurrencyFuzz.Report r = new ConcurrencyFuzz(managers, project).run(fuzzThreads(), fuzzOpsPerThread(), seed);
            assertEquals((long) fuzzThreads() * fuzzOpsPerThread(), r.operations(), "seed " + seed);
            assertTrue(r.puts() > 0 && r.rotationWins() > 0, "the fuzz exercised puts and rotations: " + r);
            System.out.printf("concurrency fuzz on %s: %s%n", GeneratedContract.this.getClass().getSimpleName(), r);
        }
    }
}
