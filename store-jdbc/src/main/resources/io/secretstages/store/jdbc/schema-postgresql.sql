-- secret-stages schema for PostgreSQL 12 or later. Idempotent: safe to run again.
-- Table prefix "ss_": JdbcStageRepository.builder(...).tablePrefix("x_") replaces it when it applies this file.
-- Times are epoch milliseconds. Keys make I1 (a stage is on one existing version of its secret) and unique
-- version ids hold even if code were wrong.

CREATE TABLE IF NOT EXISTS ss_secrets (
    project_id     VARCHAR(64) NOT NULL,
    secret_name    VARCHAR(64) NOT NULL,
    revision       BIGINT      NOT NULL,
    last_version   BIGINT      NOT NULL,
    CONSTRAINT ss_secrets_pk PRIMARY KEY (project_id, secret_name)
);

CREATE TABLE IF NOT EXISTS ss_versions (
    project_id     VARCHAR(64)      NOT NULL,
    secret_name    VARCHAR(64)      NOT NULL,
    version_number BIGINT           NOT NULL,
    create_time    BIGINT           NOT NULL,
    is_string      BOOLEAN          NOT NULL,
    secret_value   BYTEA            NOT NULL,
    client_token   VARCHAR(64),
    CONSTRAINT ss_versions_pk PRIMARY KEY (project_id, secret_name, version_number),
    CONSTRAINT ss_versions_secret_fk FOREIGN KEY (project_id, secret_name)
        REFERENCES ss_secrets (project_id, secret_name)
);

CREATE TABLE IF NOT EXISTS ss_stages (
    project_id     VARCHAR(64) NOT NULL,
    secret_name    VARCHAR(64) NOT NULL,
    stage_name     VARCHAR(64) NOT NULL,
    version_number BIGINT      NOT NULL,
    update_time    BIGINT      NOT NULL,
    CONSTRAINT ss_stages_pk PRIMARY KEY (project_id, secret_name, stage_name),
    CONSTRAINT ss_stages_version_fk FOREIGN KEY (project_id, secret_name, version_number)
        REFERENCES ss_versions (project_id, secret_name, version_number)
);

-- Idempotent puts: a client token names at most one version of a secret (NULLs do not collide).
-- The ALTER upgrades a schema created before the column existed.
ALTER TABLE ss_versions ADD COLUMN IF NOT EXISTS client_token VARCHAR(64);

CREATE UNIQUE INDEX IF NOT EXISTS ss_versions_token_uk ON ss_versions (project_id, secret_name, client_token);
