-- secret-stages schema for PostgreSQL 12 or later. Idempotent: safe to run again.
-- Table prefix "ss_": JdbcStageRepository.builder(...).tablePrefix("x_") replaces it when it applies this file.
-- Names use the "C" collation, so that listing orders them as Java's String.compareTo does (queries say so too).
-- Times are epoch milliseconds. Keys make I1 (a stage is on one existing version of its secret) and unique
-- version ids hold even if code were wrong.

CREATE TABLE IF NOT EXISTS ss_secrets (
    project_id     VARCHAR(64) COLLATE "C" NOT NULL,
    secret_name    VARCHAR(64) COLLATE "C" NOT NULL,
    revision       BIGINT      NOT NULL,
    last_version   BIGINT      NOT NULL,
    create_time    BIGINT,
    deletion_time  BIGINT,
    description    VARCHAR(2048) DEFAULT '' NOT NULL,
    CONSTRAINT ss_secrets_pk PRIMARY KEY (project_id, secret_name)
);

CREATE TABLE IF NOT EXISTS ss_versions (
    project_id     VARCHAR(64) COLLATE "C" NOT NULL,
    secret_name    VARCHAR(64) COLLATE "C" NOT NULL,
    version_number BIGINT           NOT NULL,
    create_time    BIGINT           NOT NULL,
    is_string      BOOLEAN          NOT NULL,
    secret_value   BYTEA            NOT NULL,
    client_token   VARCHAR(64),
    expire_time    BIGINT,
    CONSTRAINT ss_versions_pk PRIMARY KEY (project_id, secret_name, version_number),
    CONSTRAINT ss_versions_secret_fk FOREIGN KEY (project_id, secret_name)
        REFERENCES ss_secrets (project_id, secret_name)
);

CREATE TABLE IF NOT EXISTS ss_stages (
    project_id     VARCHAR(64) COLLATE "C" NOT NULL,
    secret_name    VARCHAR(64) COLLATE "C" NOT NULL,
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

-- Scheduled deletion (R8): when the secret was created, and when its scheduled deletion takes effect (NULL: none).
-- The ALTERs upgrade a schema created before the columns existed; the UPDATE fills in create_time there.
ALTER TABLE ss_secrets ADD COLUMN IF NOT EXISTS create_time BIGINT;

ALTER TABLE ss_secrets ADD COLUMN IF NOT EXISTS deletion_time BIGINT;

UPDATE ss_secrets s SET create_time = (SELECT MIN(v.create_time) FROM ss_versions v
    WHERE v.project_id = s.project_id AND v.secret_name = s.secret_name) WHERE s.create_time IS NULL;

-- purgeExpired finds secrets due for deletion through this small index (only secrets pending deletion are in it).
CREATE INDEX IF NOT EXISTS ss_secrets_due_ix ON ss_secrets (deletion_time) WHERE deletion_time IS NOT NULL;

-- Description (R23) and version expiry time (R24, epoch milliseconds, NULL: none). The ALTERs upgrade a schema
-- created before the columns existed.
ALTER TABLE ss_secrets ADD COLUMN IF NOT EXISTS description VARCHAR(2048) DEFAULT '' NOT NULL;

ALTER TABLE ss_versions ADD COLUMN IF NOT EXISTS expire_time BIGINT;
