-- The key check value of the secret encryption key (issue 13): a constant sealed with the key on the first start
-- (AES-256-GCM, like the tenant secrets), verified on every start, so that a control plane whose key is not the one
-- this database's tenant secrets are sealed with refuses to start instead of failing on them one by one (or
-- sealing new ones under a second key). One row; it never holds the key, nor anything the key could be derived from.
CREATE TABLE secret_key_check (
    id          smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    check_value bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
