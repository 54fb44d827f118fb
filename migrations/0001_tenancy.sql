-- Tenancy: the isolation boundary of all data, enforced a second time by row-level security.
--
-- The server sets `app.tenant_id` for the length of one transaction (set_config(..., true)).
-- Policies compare each row's tenant_id with it; when it is unset or empty the comparison is
-- NULL and no row is visible or writable: the policies fail closed.

CREATE FUNCTION app_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;

COMMENT ON FUNCTION app_current_tenant() IS
    'The tenant of the current transaction, or NULL when none is set (policies then match nothing).';

-- Turns on tenant isolation for a table that has a tenant_id column: RLS enabled and forced
-- (so that even the table owner is subject to it), and one policy for every command.
CREATE FUNCTION enable_tenant_isolation(tbl regclass) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format(
        'CREATE POLICY tenant_isolation ON %s USING (tenant_id = app_current_tenant()) '
        'WITH CHECK (tenant_id = app_current_tenant())', tbl);
END
$$;

CREATE TABLE tenants (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
    USING (id = app_current_tenant())
    WITH CHECK (id = app_current_tenant());

-- Platform keys of the serverless workers: not tenant data, so no tenant_id and no policy.
CREATE TABLE worker_keys (
    id          uuid        PRIMARY KEY,
    key_id      text        NOT NULL CONSTRAINT worker_keys_key_id_key UNIQUE,
    name        text        NOT NULL,
    secret_hash text        NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
