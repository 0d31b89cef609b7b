-- The product's baseline schema for one tenant. Runs as the tenant role with search_path set to its schema:
-- never name a schema here.

CREATE TABLE customers (
    id         bigserial PRIMARY KEY,
    name       text        NOT NULL,
    email      text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE invoices (
    id          bigserial PRIMARY KEY,
    customer_id bigint        NOT NULL REFERENCES customers (id),
    amount      numeric(12, 2) NOT NULL CHECK (amount >= 0),
    issued_at   timestamptz   NOT NULL DEFAULT now(),
    paid_at     timestamptz
);

CREATE INDEX invoices_customer_id_idx ON invoices (customer_id);

CREATE TABLE settings (
    key   text PRIMARY KEY,
    value jsonb NOT NULL
);
