-- Lifecycle: the desired state next to the spec, retry bookkeeping, and reconcile locks by advisory lock
-- (released by PostgreSQL when a crashed control plane's connection dies) instead of a lease.
ALTER TABLE tenants
    ADD COLUMN desired_state         text        NOT NULL DEFAULT 'ACTIVE', -- ACTIVE, SUSPENDED or DELETED
    ADD COLUMN attempts              integer     NOT NULL DEFAULT 0,        -- failed reconciles of this generation
    ADD COLUMN next_attempt_at       timestamptz NOT NULL DEFAULT now(),    -- backoff: not reconciled before
    ADD COLUMN generation_changed_at timestamptz NOT NULL DEFAULT now(),    -- start of the reconcile deadline
    ADD COLUMN activated_at          timestamptz,                           -- first time ACTIVE; null: never was
    DROP COLUMN lease_owner,
    DROP COLUMN lease_until;

CREATE INDEX tenants_due_idx ON tenants (next_attempt_at) WHERE observed_generation < generation;
