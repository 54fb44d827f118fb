-- The annexes attached to a lease: a catalog annex (a built-in text, a document generated from
-- the lease, an estate's diagnostic) or an upload of the manager's. What is required and still
-- missing is computed, never stored.

CREATE TABLE lease_annexes (
    tenant_id            uuid        NOT NULL REFERENCES tenants (id),
    id                   uuid        NOT NULL,
    lease_id             uuid        NOT NULL,
    -- NULL: a custom annex outside the catalog.
    code                 text        CHECK (code IN ('INFORMATION_NOTICE', 'ENTRY_CONDITION_REPORT',
        'DPE', 'LEAD', 'ASBESTOS', 'ELECTRICITY', 'GAS', 'RISKS', 'COOWNERSHIP_RULES',
        'FURNITURE_INVENTORY', 'INSURANCE_CERTIFICATE', 'RECOVERABLE_CHARGES')),
    title                text        NOT NULL,
    source               text        NOT NULL CHECK (source IN ('STATIC_FILE', 'GENERATED', 'USER_UPLOAD')),
    media_id             uuid,
    -- Where an estate's diagnostic came from: its end of validity follows it.
    diagnostic_id        uuid,
    energy_diagnosis_id  uuid,
    valid_until          date,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT lease_annexes_lease_id_fkey FOREIGN KEY (tenant_id, lease_id)
        REFERENCES leases (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT lease_annexes_media_id_fkey FOREIGN KEY (tenant_id, media_id)
        REFERENCES media (tenant_id, id),
    CONSTRAINT lease_annexes_diagnostic_id_fkey FOREIGN KEY (tenant_id, diagnostic_id)
        REFERENCES estate_diagnostics (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT lease_annexes_energy_diagnosis_id_fkey FOREIGN KEY (tenant_id, energy_diagnosis_id)
        REFERENCES energy_diagnoses (tenant_id, id) ON DELETE CASCADE,
    -- An upload has its file; a built-in or generated annex has none.
    CONSTRAINT lease_annexes_file CHECK ((source = 'USER_UPLOAD') = (media_id IS NOT NULL)),
    CONSTRAINT lease_annexes_catalog_source CHECK (source = 'USER_UPLOAD' OR code IS NOT NULL)
);
CREATE INDEX lease_annexes_lease_idx ON lease_annexes (tenant_id, lease_id, created_at, id);
-- Attaching the mandatory annexes twice attaches nothing twice.
CREATE UNIQUE INDEX lease_annexes_one_builtin ON lease_annexes (tenant_id, lease_id, code)
    WHERE source <> 'USER_UPLOAD';
CREATE UNIQUE INDEX lease_annexes_one_diagnostic ON lease_annexes (tenant_id, lease_id, diagnostic_id)
    WHERE diagnostic_id IS NOT NULL;
CREATE UNIQUE INDEX lease_annexes_one_energy ON lease_annexes (tenant_id, lease_id, energy_diagnosis_id)
    WHERE energy_diagnosis_id IS NOT NULL;
SELECT enable_tenant_isolation('lease_annexes');
