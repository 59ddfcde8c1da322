package io.secretstages;

import java.util.Set;

/**
 * A version with its value (R16). Its {@code toString()} never shows the value.
 *
 * @param metadata the version's id, secret name, create time and stages
 * @param value the value, exactly as it was given (R7)
 */
public record SecretVersion(VersionMetadata metadata, SecretValue value) {
    /** @return the version id, {@code metadata().id()} */
    public String id() {
        return metadata.id();
    }

    /** @return the stages the version holds, {@code metadata().stages()} */
    public Set<String> stages() {
        return metadata.stages();
    }
}
