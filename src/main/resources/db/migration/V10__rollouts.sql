-- Issue 20: the version ledger and canary rollouts of the product image and the tenant schemas.

-- The fleet's current version: what new orders take. At most one row; none yet means the configured
-- tenantforge.runtime.image at tenant schema version 1 (what every tenant was given before this ledger existed).
CREATE TABLE fleet_version (
    id             smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    image          text        NOT NULL,
    schema_version text        NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Per tenant: the image it runs and the tenant schema version it is migrated to, read in one query for the fleet.
-- image NULL: the configured default image (tenants from before the ledger). pinned: left out of every rollout.
-- held_reason: the newest rollout failed for this tenant; it stays at its version until an operator acts.
CREATE TABLE tenant_versions (
    tenant_id      text        PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    image          text,
    schema_version text        NOT NULL,
    pinned         boolean     NOT NULL DEFAULT false,
    held_reason    text,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Tenants from before this ledger: all tenant migrations of the time (V1) and the default image.
INSERT INTO tenant_versions (tenant_id, image, schema_version)
SELECT id, NULL, '1' FROM tenants WHERE status <> 'DELETED';

-- A rollout: its request, its plan's rule and its state. One RUNNING or PAUSED at a time (the partial index).
CREATE TABLE rollouts (
    id                bigserial   PRIMARY KEY,
    image             text        NOT NULL,
    schema_version    text        NOT NULL,
    waves             jsonb       NOT NULL,
    max_unavailable   integer     NOT NULL,
    failure_threshold integer     NOT NULL,
    canary_rule       text        NOT NULL,
    state             text        NOT NULL,
    reason            text,
    current_wave      integer     NOT NULL DEFAULT 0,
    created_by        text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz
);
CREATE UNIQUE INDEX rollouts_one_active ON rollouts ((true)) WHERE state IN ('RUNNING', 'PAUSED');

-- Each tenant of a rollout: its wave, where it stands (step written before each effect, so a restarted control
-- plane observes and finishes or undoes it), the version it came from and the candidate container's port.
CREATE TABLE rollout_tenants (
    rollout_id     bigint      NOT NULL REFERENCES rollouts (id) ON DELETE CASCADE,
    tenant_id      text        NOT NULL,
    wave           integer     NOT NULL,
    position       integer     NOT NULL,
    step           text        NOT NULL,
    from_image     text,
    from_schema    text        NOT NULL,
    from_port      integer,
    candidate_port integer,
    reason         text,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (rollout_id, tenant_id)
);
CREATE INDEX rollout_tenants_order ON rollout_tenants (rollout_id, wave, position);
