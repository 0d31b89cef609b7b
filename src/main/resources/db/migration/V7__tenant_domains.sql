-- Custom domains of tenants (issue 19): the router serves each tenant at <subdomain>.<base domain> and at these.
-- A domain belongs to at most one tenant: the primary key is what makes a second claim a conflict (409), also
-- between two control planes racing, not a check made before the insert. Deleting a tenant's row frees its domains.
CREATE TABLE tenant_domains (
    domain     text        PRIMARY KEY CHECK (domain = lower(domain) AND length(domain) <= 253),
    tenant_id  text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX tenant_domains_tenant_idx ON tenant_domains (tenant_id);
