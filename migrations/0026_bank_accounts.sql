-- Bank accounts: the agency's, its owners' and the one holding lessees' deposits.

CREATE TABLE bank_accounts (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id),
    id          uuid        NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('AGENCY', 'OWNER', 'DEPOSITS')),
    label       text        NOT NULL,
    holder      text        NOT NULL,
    iban        text        NOT NULL,
    bic         text,
    owner_id    uuid,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT bank_accounts_iban_key UNIQUE (tenant_id, iban),
    CONSTRAINT bank_accounts_owner_id_fkey FOREIGN KEY (tenant_id, owner_id)
        REFERENCES owners (tenant_id, id),
    CONSTRAINT bank_accounts_owner_iff_owner_kind CHECK ((kind = 'OWNER') = (owner_id IS NOT NULL))
);
CREATE INDEX bank_accounts_created_idx ON bank_accounts (tenant_id, created_at, id);
CREATE INDEX bank_accounts_owner_idx ON bank_accounts (tenant_id, owner_id);
SELECT enable_tenant_isolation('bank_accounts');
