-- The control planes running on this database, each with a fingerprint of its tier catalogue (issue 22): a new
-- instance whose catalogue differs from that of a live one refuses to start, instead of giving the same tier
-- different limits depending on which instance reconciled a tenant. Rows are kept fresh by a heartbeat; one not
-- seen for a minute is a dead instance's and no longer counts.
CREATE TABLE control_planes (
    instance         text        PRIMARY KEY,
    tier_fingerprint text        NOT NULL,
    tiers            text        NOT NULL,
    started_at       timestamptz NOT NULL DEFAULT now(),
    last_seen        timestamptz NOT NULL DEFAULT now()
);
