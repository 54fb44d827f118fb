-- API keys of tenants. Only an argon2 hash of the secret is stored.

CREATE TABLE api_keys (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id),
    id          uuid        NOT NULL,
    -- The public part of the token. Globally unique because it is how a presented token is
    -- found before its tenant is known; it carries no tenant data.
    key_id      text        NOT NULL CONSTRAINT api_keys_key_id_key UNIQUE,
    name        text        NOT NULL,
    role        text        NOT NULL CHECK (role IN ('OWNER', 'MANAGER', 'LESSEE')),
    scopes      text[]      NOT NULL DEFAULT '{}',
    lessee_id   uuid,
    secret_hash text        NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz,
    revoked_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    -- Composite with tenant_id: a key can never act for another tenant's lessee. A lessee's
    -- keys go with the lessee.
    CONSTRAINT api_keys_lessee_id_fkey FOREIGN KEY (tenant_id, lessee_id)
        REFERENCES lessees (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT api_keys_lessee_role CHECK ((role = 'LESSEE') = (lessee_id IS NOT NULL))
);
CREATE INDEX api_keys_created_idx ON api_keys (tenant_id, created_at, id);
CREATE INDEX api_keys_lessee_idx ON api_keys (tenant_id, lessee_id) WHERE lessee_id IS NOT NULL;
SELECT enable_tenant_isolation('api_keys');

-- Authentication looks a key up by its public id before any tenant is known. This function is
-- the only way the server's role reaches another tenant's key row, and only by exact key id.
CREATE FUNCTION auth_find_credential(p_key_id text)
    RETURNS TABLE (
        kind        text,
        tenant_id   uuid,
        id          uuid,
        role        text,
        scopes      text[],
        lessee_id   uuid,
        expires_at  timestamptz,
        revoked_at  timestamptz,
        secret_hash text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
        SELECT 'TENANT', k.tenant_id, k.id, k.role, k.scopes, k.lessee_id, k.expires_at,
               k.revoked_at, k.secret_hash
          FROM public.api_keys k
         WHERE k.key_id = p_key_id
        UNION ALL
        SELECT 'WORKER', NULL, w.id, 'WORKER', '{}'::text[], NULL, NULL, w.revoked_at,
               w.secret_hash
          FROM public.worker_keys w
         WHERE w.key_id = p_key_id
    $$;
REVOKE ALL ON FUNCTION auth_find_credential(text) FROM PUBLIC;

-- The function runs as the owner of api_keys, which FORCE ROW LEVEL SECURITY also binds:
-- this policy lets that owner (and no one else) read keys, so the lookup works where the owner
-- is not a superuser.
DO $$
BEGIN
    EXECUTE format(
        'CREATE POLICY credential_lookup ON api_keys FOR SELECT TO %I USING (true)', current_user);
END
$$;
