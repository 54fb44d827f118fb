-- Charge expenses: what a place spent, per category, over a period.

CREATE TABLE charge_expenses (
    tenant_id            uuid          NOT NULL REFERENCES tenants (id),
    id                   uuid          NOT NULL,
    place_id             uuid          NOT NULL,
    category_id          uuid          NOT NULL,
    service_id           uuid,
    amount               numeric(14, 2) NOT NULL CHECK (amount > 0),
    period_start         date          NOT NULL,
    period_end           date          NOT NULL,
    supplier             text,
    media_id             uuid,
    distribution_key_id  uuid          NOT NULL,
    created_at           timestamptz   NOT NULL,
    updated_at           timestamptz   NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT charge_expenses_place_id_fkey FOREIGN KEY (tenant_id, place_id)
        REFERENCES places (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT charge_expenses_category_id_fkey FOREIGN KEY (tenant_id, category_id)
        REFERENCES charge_categories (tenant_id, id),
    CONSTRAINT charge_expenses_service_id_fkey FOREIGN KEY (tenant_id, service_id)
        REFERENCES place_services (tenant_id, id) ON DELETE SET NULL (service_id),
    CONSTRAINT charge_expenses_media_id_fkey FOREIGN KEY (tenant_id, media_id)
        REFERENCES media (tenant_id, id) ON DELETE SET NULL (media_id),
    CONSTRAINT charge_expenses_distribution_key_id_fkey FOREIGN KEY (tenant_id, distribution_key_id)
        REFERENCES distribution_keys (tenant_id, id),
    CONSTRAINT charge_expenses_period CHECK (period_end >= period_start)
);
CREATE INDEX charge_expenses_place_idx ON charge_expenses (tenant_id, place_id, period_start, id);
SELECT enable_tenant_isolation('charge_expenses');
