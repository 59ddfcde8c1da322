package io.secretstages.junit;

import io.secretstages.ErrorCode;
import io.secretstages.SecretValue;
import io.secretstages.StageException;
import io.secretstages.StageManager;
import io.secretstages.Stages;
import io.secretstages.store.memory.InMemoryStageRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Uses the extension as a user would. */
@SecretStagesTest(start = "2030-05-06T07:08:09Z")
@Secret(name = "db-password", value = "pw-1", rotations = "pw-2")
class SecretStagesTestTest {
    private StageManager fromBeforeEach;

    @BeforeEach
    void setUp(StageManager stages) {
        fromBeforeEach = stages;
    }

    @Test
    void classSeedsAreThereAndTheClockStartsWhereAsked(StageManager stages, TestClock clock) {
        assertSame(fromBeforeEach, stages, "one manager per test, shared with lifecycle methods");
        assertEquals("v2", stages.getStage("test", "db-password", Stages.SYSCURRENT).versionId());
        assertEquals("pw-1", stages.getVersionByStage("test", "db-password", Stages.SYSPREVIOUS).value().string().orElseThrow());
        assertEquals(Instant.parse("2030-05-06T07:08:09Z"), clock.instant());
        clock.advance(Duration.ofMinutes(5));
        assertEquals(Instant.parse("2030-05-06T07:13:09Z"),
                stages.putVersion("test", "db-password", SecretValue.ofString("pw-3")).metadata().createTime());
    }

    @Test
    @Secret(project = "other", name = "api-key", value = "k1")
    void methodSeedsAddToClassSeeds(StageManager stages, InMemoryStageRepository store) {
        assertEquals("v1", stages.getVersion("other", "api-key", "latest").id());
        assertEquals(2, store.size());
    }

    @Test
    void everyTestStartsFresh(StageManager stages) {
        assertEquals(2, stages.listVersions("test", "db-password").size(), "the pw-3 put of another test is not here");
        StageException e = assertThrows(StageException.class, () -> stages.getStage("other", "api-key", Stages.SYSCURRENT));
        assertEquals(ErrorCode.SECRET_NOT_FOUND, e.code());
    }

    @Nested
    @SecretStagesTest(maxStages = 3, maxVersions = 4)
    class WithSmallLimits {
        @Test
        void limitsComeFromTheNearestAnnotation(StageManager stages) {
            assertEquals(3, stages.maxStages());
            assertEquals(4, stages.maxVersions());
        }
    }
}
