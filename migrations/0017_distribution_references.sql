-- Distribution references: an estate's tantiemes, surface or occupants valid over a period, used
-- by calculations on a date within it instead of the estate's current value.

CREATE TABLE distribution_references (
    tenant_id   uuid          NOT NULL REFERENCES tenants (id),
    id          uuid          NOT NULL,
    estate_id   uuid          NOT NULL,
    kind        text          NOT NULL CHECK (kind IN ('TANTIEMES', 'SURFACE', 'OCCUPANTS')),
    value       numeric(14, 2) NOT NULL CHECK (value >= 0),
    valid_from  date          NOT NULL,
    valid_to    date,
    created_at  timestamptz   NOT NULL,
    updated_at  timestamptz   NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT distribution_references_estate_id_fkey FOREIGN KEY (tenant_id, estate_id)
        REFERENCES estates (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT distribution_references_period CHECK (valid_to IS NULL OR valid_to >= valid_from),
    -- One value per estate, kind and day.
    CONSTRAINT distribution_references_no_overlap EXCLUDE USING gist (
        tenant_id WITH =, estate_id WITH =, kind WITH =,
        daterange(valid_from, valid_to, '[]') WITH &&)
);
CREATE INDEX distribution_references_created_idx
    ON distribution_references (tenant_id, valid_from, id);
SELECT enable_tenant_isolation('distribution_references');
