-- Backups, restores and credential rotations of one tenant (issue 21). The backups themselves are in the backup store
-- (tenantforge.backup.dir, sealed with the secret key); these rows say which exist, and how each restore got on, so
-- that a control plane that died mid-restore is finished or undone by the next one (never a mix of old and new).

CREATE TABLE tenant_backups (
    id             text PRIMARY KEY,                 -- <UTC time>-<random hex>, the backup's folder in the store
    tenant_id      text        NOT NULL,
    trigger        text        NOT NULL,             -- api | schedule
    created_at     timestamptz NOT NULL,
    schema_version text        NOT NULL,
    size_bytes     bigint      NOT NULL,
    row_count      bigint      NOT NULL,
    key_count      bigint      NOT NULL
);
CREATE INDEX tenant_backups_tenant ON tenant_backups (tenant_id, created_at DESC);

-- One row per restore; phase = the last step done: STAGING, STAGED, PARKED, RESTORED, SWAPPED, then DONE, UNDONE
-- or STUCK (an operator must look: the reason says why).
CREATE TABLE tenant_restores (
    id            bigserial PRIMARY KEY,
    tenant_id     text        NOT NULL,
    backup_id     text        NOT NULL,
    source_tenant text        NOT NULL,
    phase         text        NOT NULL,
    reason        text,
    started_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
-- never two unfinished restores of one tenant
CREATE UNIQUE INDEX tenant_restores_open ON tenant_restores (tenant_id) WHERE finished_at IS NULL;

-- Clones waiting for their data: a tenant ordered with "from":{"tenant","backup"} is provisioned like any other, then
-- seeded from that backup (a restore into it); state PENDING, SEEDED or FAILED (reason).
CREATE TABLE tenant_seeds (
    tenant_id     text PRIMARY KEY,
    source_tenant text        NOT NULL,
    backup_id     text        NOT NULL,
    state         text        NOT NULL DEFAULT 'PENDING',
    reason        text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);

-- The newest outcome of each tenant's backups (metrics, /actuator/health).
CREATE TABLE tenant_backup_outcomes (
    tenant_id       text PRIMARY KEY,
    last_success_at timestamptz,
    last_failure_at timestamptz,
    last_failure    text,
    last_trigger    text,
    last_rotated_at timestamptz           -- the newest credential rotation
);
