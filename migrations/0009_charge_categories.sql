-- Charge categories: the Décret 87-713 heading of a recoverable charge, the part the lessee
-- bears, its maintenance and its alerts.

CREATE TABLE charge_categories (
    tenant_id                        uuid          NOT NULL REFERENCES tenants (id),
    id                               uuid          NOT NULL,
    name                             text          NOT NULL,
    category_type                    text          NOT NULL CHECK (category_type IN
        ('ELEVATOR', 'WATER_HEATING', 'INDIVIDUAL_INSTALLATIONS', 'COMMON_AREAS', 'OUTDOOR_AREAS',
         'HYGIENE', 'EQUIPMENT', 'TAXES', 'BUILDING_STAFF', 'OTHER')),
    recovery_rate                    numeric(5, 2) NOT NULL DEFAULT 100
        CHECK (recovery_rate BETWEEN 0 AND 100),
    description                      text,
    legal_reference                  text,
    maintenance_provider_contact_id  uuid,
    maintenance_contract_reference   text,
    maintenance_frequency            text,
    maintenance_notes                text,
    notification_threshold           numeric(5, 2) CHECK (notification_threshold BETWEEN 0 AND 100),
    notification_frequency           text
        CHECK (notification_frequency ~ '^\d+\s+(day|week|month|year)s?$'),
    created_at                       timestamptz   NOT NULL,
    updated_at                       timestamptz   NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT charge_categories_maintenance_fkey FOREIGN KEY (tenant_id, maintenance_provider_contact_id)
        REFERENCES contacts (tenant_id, id)
);
CREATE INDEX charge_categories_name_idx ON charge_categories (tenant_id, name, id);
SELECT enable_tenant_isolation('charge_categories');
