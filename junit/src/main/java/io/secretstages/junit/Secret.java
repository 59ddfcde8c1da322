package io.secretstages.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A secret created before each test of a {@link SecretStagesTest}: its {@code v1} holds the value and SYSCURRENT,
 * and every further value in {@link #rotations()} is put as a new version (so the last one is SYSCURRENT). On the
 * class it applies to every test; on a method, to that test.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(Secrets.class)
public @interface Secret {
    /** @return the project (default {@code "test"}) */
    String project() default "test";

    /** @return the secret name */
    String name();

    /** @return the value of v1 */
    String value();

    /** @return values of further versions, put in order after v1 */
    String[] rotations() default {};
}
