-- secret-stages schema for SQLite 3.35 or later (WAL mode, foreign_keys on). Idempotent: safe to run again.
-- Table prefix "ss_": JdbcStageRepository.builder(...).tablePrefix("x_") replaces it when it applies this file.
-- Times are epoch milliseconds. Keys make I1 (a stage is on one existing version of its secret) and unique
-- version ids hold even if code were wrong. Names compare with the default BINARY collation (byte order).

CREATE TABLE IF NOT EXISTS ss_secrets (
    project_id     VARCHAR(64) NOT NULL,
    secret_name    VARCHAR(64) NOT NULL,
    revision       BIGINT      NOT NULL,
    last_version   BIGINT      NOT NULL,
    create_time    BIGINT,
    deletion_time  BIGINT,
    description    VARCHAR(2048) DEFAULT '' NOT NULL,
    CONSTRAINT ss_secrets_pk PRIMARY KEY (project_id, secret_name)
);

CREATE TABLE IF NOT EXISTS ss_versions (
    project_id     VARCHAR(64) NOT NULL,
    secret_name    VARCHAR(64) NOT NULL,
    version_number BIGINT      NOT NULL,
    create_time    BIGINT      NOT NULL,
    is_string      BOOLEAN     NOT NULL,
    secret_value   BLOB        NOT NULL,
    client_token   VARCHAR(64),
    expire_time    BIGINT,
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
CREATE UNIQUE INDEX IF NOT EXISTS ss_versions_token_uk ON ss_versions (project_id, secret_name, client_token);

-- SQLite indexes foreign keys only if asked: the stage rows of a version, checked when a version is removed.
CREATE INDEX IF NOT EXISTS ss_stages_version_ix ON ss_stages (project_id, secret_name, version_number);

-- purgeExpired finds secrets due for deletion through this small index (only secrets pending deletion are in it).
CREATE INDEX IF NOT EXISTS ss_secrets_due_ix ON ss_secrets (deletion_time) WHERE deletion_time IS NOT NULL;

-- Description (R23) and version expiry time (R24, epoch milliseconds, NULL: none). The ALTERs upgrade a schema
-- created before the columns existed (SQLite has no IF NOT EXISTS for columns: the repository runs an ADD COLUMN only
-- when the table lacks the column).
ALTER TABLE ss_secrets ADD COLUMN description VARCHAR(2048) DEFAULT '' NOT NULL;

ALTER TABLE ss_versions ADD COLUMN expire_time BIGINT;
