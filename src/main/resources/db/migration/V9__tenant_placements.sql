-- Where each tenant's container runs (the Swarm driver: a node of the swarm), as the newest health sweep saw it.
-- Written by the sweep in one statement per sweep, read by the tenant API (`node`); no row: not known, or one engine.
CREATE TABLE tenant_placements (
    tenant_id text PRIMARY KEY,
    node      text NOT NULL,
    seen_at   timestamptz NOT NULL DEFAULT now()
);
