package io.secretstages.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The one-line fake: every test of the annotated class (or the annotated test) gets a fresh
 * {@link io.secretstages.StageManager} over a new in-memory store, with a {@link TestClock} it can move. Declare
 * either as a test-method, constructor or lifecycle-method parameter. Seed secrets with {@link Secret}.
 *
 * <pre>{@code
 * @SecretStagesTest
 * class RotationTest {
 *     @Test
 *     @Secret(name = "db-password", value = "s3cret")
 *     void rotates(StageManager stages, TestClock clock) {
 *         stages.putVersion("test", "db-password", SecretValue.ofString("new"));
 *         ...
 *     }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SecretStagesExtension.class)
public @interface SecretStagesTest {
    /** @return the instant the clock starts at, ISO-8601 (default 2026-01-01T00:00:00Z) */
    String start() default "2026-01-01T00:00:00Z";

    /** @return the stage limit, built-ins included (R14) */
    int maxStages() default 12;

    /** @return the version limit (R15) */
    int maxVersions() default 20;
}
