-- Worker keys can expire, and every instance hears at once of a key that stops authenticating.

ALTER TABLE worker_keys ADD COLUMN expires_at timestamptz;

-- The same lookup as before, with the worker key's expiry.
CREATE OR REPLACE FUNCTION auth_find_credential(p_key_id text)
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
        SELECT 'WORKER', NULL, w.id, 'WORKER', '{}'::text[], NULL, w.expires_at, w.revoked_at,
               w.secret_hash
          FROM public.worker_keys w
         WHERE w.key_id = p_key_id
    $$;
REVOKE ALL ON FUNCTION auth_find_credential(text) FROM PUBLIC;

-- A key deleted (with its lessee, by cascade) or changed (revoked, its expiry moved) is named on
-- the channel `faireplace_keys` when its transaction commits; every server instance listens and
-- drops it from its cache of verified keys. Only the public key id travels, never a tenant id.
CREATE FUNCTION notify_key_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_notify('faireplace_keys', OLD.key_id);
    RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_notify_change
    AFTER UPDATE OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION notify_key_change();

CREATE TRIGGER worker_keys_notify_change
    AFTER UPDATE OR DELETE ON worker_keys
    FOR EACH ROW EXECUTE FUNCTION notify_key_change();

-- A tenant's keys in force are counted before one is added (a cap per tenant).
CREATE INDEX api_keys_active_idx ON api_keys (tenant_id) WHERE revoked_at IS NULL;

-- Where each one-time code was sent: the signer's party's own e-mail and phone at that moment
-- (NULL for the codes sent before this was recorded).
ALTER TABLE signature_otps ADD COLUMN sent_to_email text, ADD COLUMN sent_to_phone text;
