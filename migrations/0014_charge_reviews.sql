-- Charge reviews: the yearly reconciliation of a place's provisions against its expenses.
-- The figures are computed once and kept as they were sent: a VALIDATED review never changes.

CREATE TABLE charge_reviews (
    tenant_id     uuid        NOT NULL REFERENCES tenants (id),
    id            uuid        NOT NULL,
    place_id      uuid        NOT NULL,
    period_start  date        NOT NULL,
    period_end    date        NOT NULL,
    status        text        NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'VALIDATED')),
    result        jsonb       NOT NULL,
    created_at    timestamptz NOT NULL,
    validated_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT charge_reviews_place_id_fkey FOREIGN KEY (tenant_id, place_id)
        REFERENCES places (tenant_id, id),
    CONSTRAINT charge_reviews_period CHECK (period_end >= period_start),
    CONSTRAINT charge_reviews_validated CHECK ((status = 'VALIDATED') = (validated_at IS NOT NULL))
);
CREATE INDEX charge_reviews_place_idx ON charge_reviews (tenant_id, place_id, period_start, id);
SELECT enable_tenant_isolation('charge_reviews');
