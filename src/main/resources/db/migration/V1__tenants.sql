-- The control plane's own record: desired spec, observed status, orders, ownership of resources, secrets.

CREATE TABLE tenants (
    id                  text PRIMARY KEY,                -- the slug
    name                text        NOT NULL,
    tier                text        NOT NULL,
    status              text        NOT NULL,
    generation          bigint      NOT NULL DEFAULT 1,  -- bumped by every change of the desired spec
    observed_generation bigint      NOT NULL DEFAULT 0,  -- the generation the last reconcile acted on
    port                integer UNIQUE,
    conditions          jsonb       NOT NULL DEFAULT '[]',
    order_id            text,
    lease_owner         text,                            -- which reconciler holds the tenant, until lease_until
    lease_until         timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    order_id    text PRIMARY KEY,
    tenant_id   text        NOT NULL,
    channel     text        NOT NULL,
    name        text        NOT NULL,
    tier        text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- Written before a resource is created: what rollback and deprovisioning may remove, and nothing else.
CREATE TABLE tenant_resources (
    kind       text        NOT NULL,  -- database-role, database-schema, redis-user, container, secret-dir
    name       text        NOT NULL,
    tenant_id  text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, name)
);

-- Generated tenant credentials, encrypted with a key kept outside this database.
CREATE TABLE tenant_secrets (
    tenant_id  text  NOT NULL,
    name       text  NOT NULL,
    ciphertext bytea NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
