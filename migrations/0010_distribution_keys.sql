-- Distribution keys: how a shared cost of a place is split between its estates.

CREATE TABLE distribution_keys (
    tenant_id         uuid        NOT NULL REFERENCES tenants (id),
    id                uuid        NOT NULL,
    name              text        NOT NULL,
    description       text,
    calculation_type  text        NOT NULL CHECK (calculation_type IN
        ('TANTIEMES', 'SURFACE', 'PARTS_EGALES', 'NOMBRE_OCCUPANTS', 'CONSOMMATION_MESUREE',
         'FORMULE_PERSONNALISEE')),
    -- Only for FORMULE_PERSONNALISEE; parsed and checked before it is stored.
    formula           text        CHECK (formula IS NULL OR calculation_type = 'FORMULE_PERSONNALISEE'),
    parameters        jsonb       NOT NULL DEFAULT '{}',
    validation_rules  jsonb       NOT NULL DEFAULT '{}',
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT distribution_keys_formula_required
        CHECK (calculation_type <> 'FORMULE_PERSONNALISEE' OR formula IS NOT NULL)
);
CREATE INDEX distribution_keys_name_idx ON distribution_keys (tenant_id, name, id);
SELECT enable_tenant_isolation('distribution_keys');
