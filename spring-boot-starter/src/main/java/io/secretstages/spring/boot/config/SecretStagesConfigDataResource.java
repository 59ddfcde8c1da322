package io.secretstages.spring.boot.config;

import org.springframework.boot.context.config.ConfigDataResource;

import java.util.Objects;

/**
 * One secret named in {@code spring.config.import=secret-stages:project/secret[?stage=NAME]}: the version holding
 * the stage ({@code SYSCURRENT} unless another is named) is read when the configuration loads.
 */
public final class SecretStagesConfigDataResource extends ConfigDataResource {
    private final String projectId;
    private final String secretName;
    private final String stage;

    /**
     * @param projectId the project
     * @param secretName the secret
     * @param stage the stage whose version is read
     * @param optional whether a missing secret or stage is ignored ({@code optional:} locations)
     */
    public SecretStagesConfigDataResource(String projectId, String secretName, String stage, boolean optional) {
        super(optional);
        this.projectId = Objects.requireNonNull(projectId, "projectId");
        this.secretName = Objects.requireNonNull(secretName, "secretName");
        this.stage = Objects.requireNonNull(stage, "stage");
    }

    /** @return the project */
    public String projectId() {
        return projectId;
    }

    /** @return the secret */
    public String secretName() {
        return secretName;
    }

    /** @return the stage whose version is read */
    public String stage() {
        return stage;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretStagesConfigDataResource r && r.projectId.equals(projectId)
                && r.secretName.equals(secretName) && r.stage.equals(stage);
    }

    @Override
    public int hashCode() {
        return Objects.hash(projectId, secretName, stage);
    }

    /** @return the location form, such as {@code secret-stages:payments/db?stage=SYSCURRENT} (never a value) */
    @Override
    public String toString() {
        return SecretStagesConfigDataLocationResolver.PREFIX + projectId + "/" + secretName + "?stage=" + stage;
    }
}
