-- Meters: the meter tree of a place, readings with their consumption and anomalies, and the
-- meters a lease is billed from.

CREATE TABLE meters (
    tenant_id        uuid          NOT NULL REFERENCES tenants (id),
    id               uuid          NOT NULL,
    estate_id        uuid,
    place_id         uuid,
    parent_meter_id  uuid,
    meter_type       text          NOT NULL CHECK (meter_type IN
        ('ELECTRICITY', 'GAS', 'WATER_HOT', 'WATER_COLD', 'HEATING', 'COOLING')),
    billing_type     text          NOT NULL CHECK (billing_type IN
        ('INDIVIDUAL', 'COLLECTIVE', 'SHARED', 'INCLUDED')),
    serial_number    text,
    unit             text          NOT NULL,
    -- The largest value the meter displays before it rolls over to 0.
    max_value        numeric(16, 3) CHECK (max_value > 0),
    location         text,
    installed_on     date,
    active           boolean       NOT NULL DEFAULT true,
    created_at       timestamptz   NOT NULL,
    updated_at       timestamptz   NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT meters_estate_id_fkey FOREIGN KEY (tenant_id, estate_id)
        REFERENCES estates (tenant_id, id),
    CONSTRAINT meters_place_id_fkey FOREIGN KEY (tenant_id, place_id)
        REFERENCES places (tenant_id, id),
    -- A meter with sub-meters is kept until they move or go.
    CONSTRAINT meters_parent_meter_id_fkey FOREIGN KEY (tenant_id, parent_meter_id)
        REFERENCES meters (tenant_id, id),
    CONSTRAINT meters_site CHECK ((estate_id IS NULL) <> (place_id IS NULL)),
    CONSTRAINT meters_not_own_parent CHECK (parent_meter_id IS DISTINCT FROM id)
);
CREATE INDEX meters_created_idx ON meters (tenant_id, created_at, id);
CREATE INDEX meters_parent_idx ON meters (tenant_id, parent_meter_id);
CREATE INDEX meters_estate_idx ON meters (tenant_id, estate_id);
SELECT enable_tenant_isolation('meters');

CREATE TABLE meter_readings (
    tenant_id       uuid          NOT NULL REFERENCES tenants (id),
    id              uuid          NOT NULL,
    meter_id        uuid          NOT NULL,
    value           numeric(16, 3) NOT NULL CHECK (value >= 0),
    read_at         timestamptz   NOT NULL,
    source          text          NOT NULL CHECK (source IN ('MANUAL', 'AUTOMATIC', 'PHOTO', 'ESTIMATED')),
    photo_media_id  uuid,
    rollover        boolean       NOT NULL DEFAULT false,
    -- Since the previous reading (null for the first), and whether it strays from the average.
    consumption     numeric(16, 3),
    anomaly         boolean       NOT NULL DEFAULT false,
    created_at      timestamptz   NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT meter_readings_meter_id_fkey FOREIGN KEY (tenant_id, meter_id)
        REFERENCES meters (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT meter_readings_photo_media_id_fkey FOREIGN KEY (tenant_id, photo_media_id)
        REFERENCES media (tenant_id, id),
    CONSTRAINT meter_readings_photo CHECK (source <> 'PHOTO' OR photo_media_id IS NOT NULL),
    CONSTRAINT meter_readings_one_per_instant UNIQUE (tenant_id, meter_id, read_at)
);
CREATE INDEX meter_readings_anomaly_idx ON meter_readings (tenant_id, read_at, id) WHERE anomaly;
SELECT enable_tenant_isolation('meter_readings');

CREATE TABLE lease_meters (
    tenant_id         uuid        NOT NULL REFERENCES tenants (id),
    lease_id          uuid        NOT NULL,
    meter_id          uuid        NOT NULL,
    start_reading_id  uuid,
    end_reading_id    uuid,
    created_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, lease_id, meter_id),
    CONSTRAINT lease_meters_lease_id_fkey FOREIGN KEY (tenant_id, lease_id)
        REFERENCES leases (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT lease_meters_meter_id_fkey FOREIGN KEY (tenant_id, meter_id)
        REFERENCES meters (tenant_id, id),
    CONSTRAINT lease_meters_start_reading_id_fkey FOREIGN KEY (tenant_id, start_reading_id)
        REFERENCES meter_readings (tenant_id, id),
    CONSTRAINT lease_meters_end_reading_id_fkey FOREIGN KEY (tenant_id, end_reading_id)
        REFERENCES meter_readings (tenant_id, id)
);
SELECT enable_tenant_isolation('lease_meters');

-- The meter of a RELEVE_DIRECT lease charge now exists to point at (NOT VALID: rows written
-- before meters existed are not re-checked).
ALTER TABLE lease_charges ADD CONSTRAINT lease_charges_meter_id_fkey
    FOREIGN KEY (tenant_id, meter_id) REFERENCES meters (tenant_id, id) NOT VALID;
