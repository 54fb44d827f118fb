-- Place services: what a building offers and, when lessees pay for it, under which charge
-- category and with which default distribution key.

CREATE TABLE place_services (
    tenant_id                    uuid        NOT NULL REFERENCES tenants (id),
    id                           uuid        NOT NULL,
    place_id                     uuid        NOT NULL,
    name                         text        NOT NULL,
    description                  text,
    is_chargeable                boolean     NOT NULL,
    category_id                  uuid,
    space_type                   text        NOT NULL CHECK (space_type IN ('INDOOR_COMMON',
        'OUTDOOR_COMMON', 'PRIVATE', 'TECHNICAL', 'GARDEN', 'PARKING', 'TELECOM_SERVICES')),
    default_distribution_key_id  uuid,
    created_at                   timestamptz NOT NULL,
    updated_at                   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT place_services_place_id_fkey FOREIGN KEY (tenant_id, place_id)
        REFERENCES places (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT place_services_category_id_fkey FOREIGN KEY (tenant_id, category_id)
        REFERENCES charge_categories (tenant_id, id),
    CONSTRAINT place_services_default_distribution_key_id_fkey
        FOREIGN KEY (tenant_id, default_distribution_key_id)
        REFERENCES distribution_keys (tenant_id, id),
    -- Chargeable exactly when billed: a category and a default key, or neither.
    CONSTRAINT place_services_billing CHECK (
        (is_chargeable AND category_id IS NOT NULL AND default_distribution_key_id IS NOT NULL)
        OR (NOT is_chargeable AND category_id IS NULL AND default_distribution_key_id IS NULL))
);
CREATE INDEX place_services_place_idx ON place_services (tenant_id, place_id, name, id);
SELECT enable_tenant_isolation('place_services');
