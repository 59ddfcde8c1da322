package io.secretstages;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A secret's own metadata: what {@link StageManager#getSecret} and {@link StageManager#listSecrets} return. Holds no
 * value, and stays readable while the secret is pending deletion (R8).
 *
 * @param name the secret's name
 * @param state {@link SecretState#ENABLED}, or {@link SecretState#PENDING_DELETION} while a deletion is scheduled
 * @param createTime when the secret was created, millisecond precision
 * @param deletionTime when the scheduled deletion takes effect (present exactly when pending deletion); at that
 *                     instant the secret is gone
 * @param description the secret's description (R23), {@code ""} for none, never null
 */
public record SecretMetadata(String name, SecretState state, Instant createTime, Optional<Instant> deletionTime,
                             String description) {
    /**
     * Checks for nulls and that the deletion time is present exactly when the secret is pending deletion.
     *
     * @param name the secret's name
     * @param state the lifecycle state
     * @param createTime when the secret was created
     * @param deletionTime when the scheduled deletion takes effect, if any
     * @param description the description (R23), {@code ""} for none
     */
    public SecretMetadata {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createTime, "createTime");
        Objects.requireNonNull(deletionTime, "deletionTime");
        Objects.requireNonNull(description, "description");
        if (deletionTime.isPresent() != (state == SecretState.PENDING_DELETION)) {
            throw new IllegalArgumentException("a deletion time goes with PENDING_DELETION, and only with it");
        }
    }

    /**
     * Metadata without a description ({@code ""}).
     *
     * @param name the secret's name
     * @param state the lifecycle state
     * @param createTime when the secret was created
     * @param deletionTime when the scheduled deletion takes effect, if any
     */
    public SecretMetadata(String name, SecretState state, Instant createTime, Optional<Instant> deletionTime) {
        this(name, state, createTime, deletionTime, "");
    }
}
