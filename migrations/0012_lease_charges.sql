-- Lease charges (what a lease pays for a service) and freeze periods (when they may not change).

CREATE TABLE lease_charges (
    tenant_id            uuid          NOT NULL REFERENCES tenants (id),
    id                   uuid          NOT NULL,
    lease_id             uuid          NOT NULL,
    service_id           uuid,
    category_id          uuid          NOT NULL,
    billing_mode         text          NOT NULL
        CHECK (billing_mode IN ('PROVISION', 'FORFAIT', 'RELEVE_DIRECT')),
    distribution_key_id  uuid,
    monthly_amount       numeric(12, 2) NOT NULL DEFAULT 0 CHECK (monthly_amount >= 0),
    -- The meter of a RELEVE_DIRECT charge (meters come with their own migration).
    meter_id             uuid,
    active               boolean       NOT NULL DEFAULT true,
    created_at           timestamptz   NOT NULL,
    updated_at           timestamptz   NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT lease_charges_lease_id_fkey FOREIGN KEY (tenant_id, lease_id)
        REFERENCES leases (tenant_id, id) ON DELETE CASCADE,
    -- A service goes only when no active charge uses it; the inactive ones forget it.
    CONSTRAINT lease_charges_service_id_fkey FOREIGN KEY (tenant_id, service_id)
        REFERENCES place_services (tenant_id, id) ON DELETE SET NULL (service_id),
    CONSTRAINT lease_charges_category_id_fkey FOREIGN KEY (tenant_id, category_id)
        REFERENCES charge_categories (tenant_id, id),
    CONSTRAINT lease_charges_distribution_key_id_fkey FOREIGN KEY (tenant_id, distribution_key_id)
        REFERENCES distribution_keys (tenant_id, id),
    CONSTRAINT lease_charges_meter CHECK ((billing_mode = 'RELEVE_DIRECT') = (meter_id IS NOT NULL))
);
CREATE INDEX lease_charges_lease_idx ON lease_charges (tenant_id, lease_id, created_at, id);
CREATE INDEX lease_charges_service_idx ON lease_charges (tenant_id, service_id) WHERE active;
SELECT enable_tenant_isolation('lease_charges');

CREATE TABLE freeze_periods (
    tenant_id        uuid        NOT NULL REFERENCES tenants (id),
    id               uuid        NOT NULL,
    scope            text        NOT NULL CHECK (scope IN ('PLACE', 'ESTATE', 'LEASE')),
    scope_id         uuid        NOT NULL,
    start_date       date        NOT NULL,
    end_date         date        NOT NULL,
    reason           text        NOT NULL,
    legal_reference  text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT freeze_periods_dates CHECK (end_date >= start_date)
);
CREATE INDEX freeze_periods_scope_idx ON freeze_periods (tenant_id, scope_id, start_date);
CREATE INDEX freeze_periods_start_idx ON freeze_periods (tenant_id, start_date, id);
SELECT enable_tenant_isolation('freeze_periods');
