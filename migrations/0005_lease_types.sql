-- Lease types: the platform's catalog of legal frames (Loi 89-462 and the Code de commerce),
-- copied into every tenant like property types, next to the tenant's own types.

CREATE TABLE lease_type_catalog (
    code                          text     PRIMARY KEY,
    name                          text     NOT NULL,
    furnished                     boolean  NOT NULL,
    default_duration_months       integer  NOT NULL,
    min_duration_months           integer  NOT NULL,
    max_duration_months           integer,
    max_deposit_months            numeric(4, 2),
    lessee_notice_months          integer  NOT NULL,
    lessee_reduced_notice_months  integer,
    owner_notice_months           integer  NOT NULL,
    renewable                     boolean  NOT NULL,
    rent_revision_allowed         boolean  NOT NULL,
    mandatory_annexes             text[]   NOT NULL
);

-- Unfurnished: 3 years (6 for a company owner), deposit 1 month, notice 3 months (1 in a zone
-- tendue or a listed case), owner 6 months before term. Furnished: 1 year, 2 months, 1 and 3.
-- Student: 9 months, not renewed, owner cannot give notice. Mobility: 1 to 10 months, no deposit,
-- no revision. Commercial: 9 years. Parking: free contract.
INSERT INTO lease_type_catalog VALUES
    ('UNFURNISHED', 'Unfurnished residential lease', false, 36, 36, NULL, 1, 3, 1, 6, true, true,
        '{INFORMATION_NOTICE,ENTRY_CONDITION_REPORT,DPE,LEAD,ASBESTOS,ELECTRICITY,GAS,RISKS,COOWNERSHIP_RULES,INSURANCE_CERTIFICATE}'),
    ('FURNISHED', 'Furnished residential lease', true, 12, 12, NULL, 2, 1, 1, 3, true, true,
        '{INFORMATION_NOTICE,ENTRY_CONDITION_REPORT,DPE,LEAD,ASBESTOS,ELECTRICITY,GAS,RISKS,COOWNERSHIP_RULES,FURNITURE_INVENTORY,INSURANCE_CERTIFICATE}'),
    ('STUDENT', 'Student furnished lease', true, 9, 9, 9, 2, 1, 1, 0, false, true,
        '{INFORMATION_NOTICE,ENTRY_CONDITION_REPORT,DPE,LEAD,ASBESTOS,ELECTRICITY,GAS,RISKS,COOWNERSHIP_RULES,FURNITURE_INVENTORY,INSURANCE_CERTIFICATE}'),
    ('MOBILITY', 'Mobility lease (bail mobilité)', true, 10, 1, 10, 0, 1, 1, 0, false, false,
        '{INFORMATION_NOTICE,ENTRY_CONDITION_REPORT,DPE,LEAD,ASBESTOS,ELECTRICITY,GAS,RISKS,COOWNERSHIP_RULES,FURNITURE_INVENTORY}'),
    ('COMMERCIAL', 'Commercial lease (3-6-9)', false, 108, 108, NULL, NULL, 6, NULL, 6, true, true,
        '{ENTRY_CONDITION_REPORT,DPE,RISKS}'),
    ('PARKING', 'Parking space lease', false, 12, 1, NULL, NULL, 1, NULL, 1, true, true,
        '{}');

CREATE TABLE lease_types (
    tenant_id                     uuid        NOT NULL REFERENCES tenants (id),
    id                            uuid        NOT NULL,
    code                          text        NOT NULL,
    name                          text        NOT NULL,
    furnished                     boolean     NOT NULL,
    default_duration_months       integer     NOT NULL CHECK (default_duration_months > 0),
    min_duration_months           integer     NOT NULL CHECK (min_duration_months > 0),
    max_duration_months           integer     CHECK (max_duration_months > 0),
    max_deposit_months            numeric(4, 2) CHECK (max_deposit_months >= 0),
    lessee_notice_months          integer     NOT NULL CHECK (lessee_notice_months >= 0),
    lessee_reduced_notice_months  integer     CHECK (lessee_reduced_notice_months >= 0),
    owner_notice_months           integer     NOT NULL CHECK (owner_notice_months >= 0),
    renewable                     boolean     NOT NULL,
    rent_revision_allowed         boolean     NOT NULL,
    mandatory_annexes             text[]      NOT NULL DEFAULT '{}',
    is_system                     boolean     NOT NULL DEFAULT false,
    created_at                    timestamptz NOT NULL DEFAULT now(),
    updated_at                    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT lease_types_code_key UNIQUE (tenant_id, code),
    CONSTRAINT lease_types_durations CHECK (
        min_duration_months <= default_duration_months
        AND (max_duration_months IS NULL OR default_duration_months <= max_duration_months))
);
CREATE INDEX lease_types_created_idx ON lease_types (tenant_id, created_at, id);
SELECT enable_tenant_isolation('lease_types');

-- Copies the catalog into a tenant (idempotent), with the caller's rights.
CREATE FUNCTION seed_lease_types(p_tenant uuid) RETURNS void
    LANGUAGE sql
    AS $$
        INSERT INTO lease_types (tenant_id, id, code, name, furnished, default_duration_months,
            min_duration_months, max_duration_months, max_deposit_months, lessee_notice_months,
            lessee_reduced_notice_months, owner_notice_months, renewable, rent_revision_allowed,
            mandatory_annexes, is_system)
        SELECT p_tenant, gen_random_uuid(), c.code, c.name, c.furnished, c.default_duration_months,
            c.min_duration_months, c.max_duration_months, c.max_deposit_months,
            c.lessee_notice_months, c.lessee_reduced_notice_months, c.owner_notice_months,
            c.renewable, c.rent_revision_allowed, c.mandatory_annexes, true
          FROM lease_type_catalog c
        ON CONFLICT (tenant_id, code) DO NOTHING
    $$;

-- Tenants created before this migration get the catalog too (see 0004 for why RLS is lifted).
ALTER TABLE tenants NO FORCE ROW LEVEL SECURITY;
ALTER TABLE lease_types NO FORCE ROW LEVEL SECURITY;
SELECT seed_lease_types(id) FROM tenants;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
ALTER TABLE lease_types FORCE ROW LEVEL SECURITY;
