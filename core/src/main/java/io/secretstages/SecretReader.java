package io.secretstages;

import java.util.List;

/**
 * The read side of {@link StageOperations}: what code that only uses secrets needs, so that it can be handed no more
 * than that (a {@link StageManager} is one; inject this type where nothing may change a secret).
 *
 * <p>Every read sees one atomic state of the secret (R21). Reads of values ({@link #getVersion},
 * {@link #getVersionByStage}) are refused with SECRET_PENDING_DELETION while a deletion is scheduled; metadata, stages
 * and version lists stay readable (R8). A secret past its deletion time is SECRET_NOT_FOUND for every read. A
 * {@link StageManager} built with a {@link CacheSettings read cache} may serve another node's write late, within the
 * cache's staleness bound, and its own writes at once; refusals follow R22's precedence (docs/rules.md).
 */
public interface SecretReader {
    /** {@link #listSecrets(String)}: the page size when none is given. */
    int DEFAULT_LIST_LIMIT = 50;
    /** {@link #listSecrets(String, String, int)}: the largest page. */
    int MAX_LIST_LIMIT = 1000;

    /** @return the most stages a secret holds, built-ins included (R14) */
    int maxStages();

    /** @return the most versions a secret keeps (R15) */
    int maxVersions();

    /**
     * Reads a secret's metadata (name, state, create time, deletion time; R8, R23), also while pending deletion.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @return the metadata
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; STORE_FAILURE
     */
    SecretMetadata getSecret(String projectId, String secretName);

    /**
     * {@link #listSecrets(String, String, int)}: the first {@value #DEFAULT_LIST_LIMIT}.
     *
     * @param projectId the project (R1)
     * @return the first page
     * @throws StageException INVALID_PARAMETER; STORE_FAILURE
     */
    SecretPage listSecrets(String projectId);

    /**
     * One page of a project's secrets in {@link String#compareTo} order; pass a page's
     * {@link SecretPage#nextMarker()} to get the next. Pending secrets are listed with their state, those past their
     * deletion time are not; each entry is read atomically.
     *
     * @param projectId the project (R1)
     * @param marker null for the first page, else a secret name (R2, need not exist) the page starts after
     * @param limit 1 to {@value #MAX_LIST_LIMIT}
     * @return the page
     * @throws StageException INVALID_PARAMETER; STORE_FAILURE
     */
    SecretPage listSecrets(String projectId, String marker, int limit);

    /**
     * Reads a version with its value by id, or {@code latest}: the SYSCURRENT holder (R16).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param versionIdOrLatest a version id such as {@code "v3"} (R4), or {@code "latest"}
     * @return the version
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; SECRET_PENDING_DELETION (R8); VERSION_NOT_FOUND;
     *                        STORE_FAILURE
     */
    SecretVersion getVersion(String projectId, String secretName, String versionIdOrLatest);

    /**
     * Reads the version holding a stage, with its value (R16).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param stageName the stage (R3)
     * @return the version
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; SECRET_PENDING_DELETION (R8); STAGE_NOT_FOUND;
     *                        STORE_FAILURE
     */
    SecretVersion getVersionByStage(String projectId, String secretName, String stageName);

    /**
     * {@link #listVersions(String, String, boolean)} with the deprecated versions.
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @return an unmodifiable list, {@code v2} before {@code v10}
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; STORE_FAILURE
     */
    List<VersionMetadata> listVersions(String projectId, String secretName);

    /**
     * Lists a secret's versions without values in version-number order (R16), optionally without the deprecated
     * ones (holding no stage, R15).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param includeDeprecated whether versions holding no stage are listed
     * @return an unmodifiable list
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; STORE_FAILURE
     */
    List<VersionMetadata> listVersions(String projectId, String secretName, boolean includeDeprecated);

    /**
     * Reads a stage: its holder and when it was attached (R17).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @param stageName the stage (R3)
     * @return the stage
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; STAGE_NOT_FOUND; STORE_FAILURE
     */
    Stage getStage(String projectId, String secretName, String stageName);

    /**
     * Lists a secret's stages by name ({@link String#compareTo}).
     *
     * @param projectId the project (R1)
     * @param secretName the secret (R2)
     * @return an unmodifiable list
     * @throws StageException INVALID_PARAMETER; SECRET_NOT_FOUND; STORE_FAILURE
     */
    List<Stage> listStages(String projectId, String secretName);
}
