-- Electronic signature of a lease: the process with the document it fixed, its signers with
-- the evidence of their signatures, and the one-time codes sent to them (hashed).

CREATE TABLE signatures (
    tenant_id         uuid        NOT NULL REFERENCES tenants (id),
    id                uuid        NOT NULL,
    lease_id          uuid        NOT NULL,
    status            text        NOT NULL CHECK (status IN
        ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED', 'EXPIRED')),
    -- The document as fixed at initiation: its bytes, its hash, and its content (from which
    -- the signed copy with its audit page is rendered).
    document_sha256   text        NOT NULL CHECK (document_sha256 ~ '^[0-9a-f]{64}$'),
    document_pdf      bytea       NOT NULL,
    document_content  jsonb       NOT NULL,
    credit_transaction_id uuid    NOT NULL,
    expires_at        timestamptz NOT NULL,
    completed_at      timestamptz,
    cancelled_at      timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT signatures_lease_id_fkey FOREIGN KEY (tenant_id, lease_id)
        REFERENCES leases (tenant_id, id),
    CONSTRAINT signatures_credit_transaction_id_fkey FOREIGN KEY (tenant_id, credit_transaction_id)
        REFERENCES credit_transactions (tenant_id, id)
);
-- One open process per lease, whatever the concurrency.
CREATE UNIQUE INDEX signatures_one_open ON signatures (tenant_id, lease_id)
    WHERE status IN ('PENDING', 'IN_PROGRESS');
CREATE INDEX signatures_created_idx ON signatures (tenant_id, created_at, id);
CREATE INDEX signatures_lease_idx ON signatures (tenant_id, lease_id, created_at);
SELECT enable_tenant_isolation('signatures');

CREATE TABLE signature_signers (
    tenant_id          uuid        NOT NULL REFERENCES tenants (id),
    id                 uuid        NOT NULL,
    signature_id       uuid        NOT NULL,
    position           integer     NOT NULL,
    role               text        NOT NULL CHECK (role IN ('LESSEE', 'OWNER', 'GUARANTOR', 'AGENT')),
    party_id           uuid        NOT NULL,
    email              text        NOT NULL,
    phone              text,
    sign_order         integer     NOT NULL CHECK (sign_order BETWEEN 1 AND 100),
    status             text        NOT NULL CHECK (status IN ('PENDING', 'SIGNED', 'DECLINED')),
    status_at          timestamptz,
    -- The evidence of the signature.
    sign_method        text        CHECK (sign_method IN ('OTP', 'PROVIDER')),
    signed_ip          text,
    signed_user_agent  text,
    provider_reference text,
    updated_at         timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT signature_signers_signature_id_fkey FOREIGN KEY (tenant_id, signature_id)
        REFERENCES signatures (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT signature_signers_once UNIQUE (tenant_id, signature_id, role, party_id)
);
CREATE INDEX signature_signers_signature_idx ON signature_signers (tenant_id, signature_id, position);
SELECT enable_tenant_isolation('signature_signers');

CREATE TABLE signature_otps (
    tenant_id     uuid        NOT NULL REFERENCES tenants (id),
    id            uuid        NOT NULL,
    signer_id     uuid        NOT NULL,
    -- SHA-256 of the salt and the code: the code itself is never stored.
    salt          text        NOT NULL,
    code_hash     text        NOT NULL CHECK (code_hash ~ '^[0-9a-f]{64}$'),
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    attempts      integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    consumed_at   timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT signature_otps_signer_id_fkey FOREIGN KEY (tenant_id, signer_id)
        REFERENCES signature_signers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX signature_otps_signer_idx ON signature_otps (tenant_id, signer_id, created_at);
SELECT enable_tenant_isolation('signature_otps');

-- Workers act across tenants, before any tenant is known: these two functions are the only way
-- the server's role reaches another tenant's process, by exact id or by time of change, and
-- they answer ids and times only. They run as the owner of signatures, whom FORCE ROW LEVEL
-- SECURITY also binds: the policy below lets that owner (and no one else) read them.
CREATE INDEX signatures_changed_idx ON signatures (updated_at, id);

CREATE FUNCTION worker_signature_tenant(p_id uuid) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$ SELECT s.tenant_id FROM public.signatures s WHERE s.id = p_id $$;
REVOKE ALL ON FUNCTION worker_signature_tenant(uuid) FROM PUBLIC;

CREATE FUNCTION worker_signatures_changed(p_since timestamptz, p_limit integer)
    RETURNS TABLE (id uuid, tenant_id uuid, updated_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
        SELECT s.id, s.tenant_id, s.updated_at FROM public.signatures s
         WHERE s.updated_at > p_since ORDER BY s.updated_at, s.id LIMIT p_limit
    $$;
REVOKE ALL ON FUNCTION worker_signatures_changed(timestamptz, integer) FROM PUBLIC;

DO $$
BEGIN
    EXECUTE format(
        'CREATE POLICY worker_lookup ON signatures FOR SELECT TO %I USING (true)', current_user);
END
$$;
