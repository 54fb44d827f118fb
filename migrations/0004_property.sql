-- Property: types, places, estates and what is attached to them; media files.

-- System types: the platform's catalog, copied into every tenant so that every reference stays
-- inside one tenant (composite foreign keys) while tenants add their own next to them.
CREATE TABLE property_type_catalog (
    kind text NOT NULL CHECK (kind IN ('ESTATE', 'ROOM', 'EQUIPMENT')),
    code text NOT NULL,
    name text NOT NULL,
    PRIMARY KEY (kind, code)
);

INSERT INTO property_type_catalog (kind, code, name) VALUES
    ('ESTATE', 'FLAT', 'Flat'),
    ('ESTATE', 'HOUSE', 'House'),
    ('ESTATE', 'STUDIO', 'Studio'),
    ('ESTATE', 'PARKING', 'Parking space'),
    ('ESTATE', 'CELLAR', 'Cellar'),
    ('ESTATE', 'SHOP', 'Shop'),
    ('ESTATE', 'OFFICE', 'Office'),
    ('ROOM', 'LIVING_ROOM', 'Living room'),
    ('ROOM', 'BEDROOM', 'Bedroom'),
    ('ROOM', 'KITCHEN', 'Kitchen'),
    ('ROOM', 'BATHROOM', 'Bathroom'),
    ('ROOM', 'WC', 'WC'),
    ('ROOM', 'HALL', 'Hall'),
    ('ROOM', 'BALCONY', 'Balcony'),
    ('ROOM', 'DINING_ROOM', 'Dining room'),
    ('ROOM', 'OFFICE', 'Study'),
    ('ROOM', 'LAUNDRY', 'Laundry'),
    ('ROOM', 'STORAGE', 'Storage room'),
    ('ROOM', 'TERRACE', 'Terrace'),
    ('ROOM', 'GARDEN', 'Garden'),
    ('EQUIPMENT', 'BOILER', 'Boiler'),
    ('EQUIPMENT', 'WATER_HEATER', 'Water heater'),
    ('EQUIPMENT', 'HOB', 'Hob'),
    ('EQUIPMENT', 'OVEN', 'Oven'),
    ('EQUIPMENT', 'MICROWAVE', 'Microwave oven'),
    ('EQUIPMENT', 'FRIDGE', 'Fridge'),
    ('EQUIPMENT', 'FREEZER', 'Freezer'),
    ('EQUIPMENT', 'DISHWASHER', 'Dishwasher'),
    ('EQUIPMENT', 'WASHING_MACHINE', 'Washing machine'),
    ('EQUIPMENT', 'DRYER', 'Tumble dryer'),
    ('EQUIPMENT', 'EXTRACTOR_HOOD', 'Extractor hood'),
    ('EQUIPMENT', 'SMOKE_DETECTOR', 'Smoke detector'),
    ('EQUIPMENT', 'RADIATOR', 'Radiator'),
    ('EQUIPMENT', 'AIR_CONDITIONER', 'Air conditioner'),
    ('EQUIPMENT', 'HEAT_PUMP', 'Heat pump'),
    ('EQUIPMENT', 'VMC', 'Mechanical ventilation (VMC)'),
    ('EQUIPMENT', 'INTERCOM', 'Intercom');

CREATE TABLE property_types (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id),
    id         uuid        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('ESTATE', 'ROOM', 'EQUIPMENT')),
    code       text        NOT NULL,
    name       text        NOT NULL,
    is_system  boolean     NOT NULL DEFAULT false,
    is_active  boolean     NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT property_types_code_key UNIQUE (tenant_id, kind, code),
    -- Lets a reference pin the kind: an estate's type is an ESTATE type.
    CONSTRAINT property_types_kind_id_key UNIQUE (tenant_id, kind, id)
);
SELECT enable_tenant_isolation('property_types');

-- Copies the catalog into a tenant (idempotent). Runs with the caller's rights, so the server
-- can only seed the tenant of its current transaction.
CREATE FUNCTION seed_property_types(p_tenant uuid) RETURNS void
    LANGUAGE sql
    AS $$
        INSERT INTO property_types (tenant_id, id, kind, code, name, is_system)
        SELECT p_tenant, gen_random_uuid(), c.kind, c.code, c.name, true
          FROM property_type_catalog c
        ON CONFLICT (tenant_id, kind, code) DO NOTHING
    $$;

-- Tenants created before this migration get the catalog too. Row-level security binds the
-- owner running migrations, so it is lifted for the length of this transaction only.
ALTER TABLE tenants NO FORCE ROW LEVEL SECURITY;
ALTER TABLE property_types NO FORCE ROW LEVEL SECURITY;
SELECT seed_property_types(id) FROM tenants;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
ALTER TABLE property_types FORCE ROW LEVEL SECURITY;

CREATE TABLE places (
    tenant_id           uuid        NOT NULL REFERENCES tenants (id),
    id                  uuid        NOT NULL,
    name                text        NOT NULL,
    address_street      text        NOT NULL,
    address_postal_code text        NOT NULL,
    address_city        text        NOT NULL,
    address_country     text        NOT NULL CHECK (address_country ~ '^[A-Z]{2}$'),
    construction_year   integer,
    is_coownership      boolean     NOT NULL DEFAULT false,
    total_tantiemes     bigint      CHECK (total_tantiemes > 0),
    syndic_contact_id   uuid,
    heating_type        text        CHECK (heating_type IN ('COLLECTIVE', 'INDIVIDUAL')),
    has_elevator        boolean     NOT NULL DEFAULT false,
    floors_count        integer     CHECK (floors_count >= 0),
    notes               text,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT places_syndic_contact_id_fkey FOREIGN KEY (tenant_id, syndic_contact_id)
        REFERENCES contacts (tenant_id, id)
);
CREATE INDEX places_created_idx ON places (tenant_id, created_at, id);
CREATE INDEX places_name_idx ON places (tenant_id, name, id);
SELECT enable_tenant_isolation('places');

-- Generated references: one counter per tenant and purpose.
CREATE TABLE tenant_counters (
    tenant_id uuid   NOT NULL REFERENCES tenants (id),
    name      text   NOT NULL,
    value     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, name)
);
SELECT enable_tenant_isolation('tenant_counters');

CREATE TABLE estates (
    tenant_id            uuid        NOT NULL REFERENCES tenants (id),
    id                   uuid        NOT NULL,
    place_id             uuid,
    owner_id             uuid        NOT NULL,
    type_id              uuid        NOT NULL,
    type_kind            text        NOT NULL DEFAULT 'ESTATE' CHECK (type_kind = 'ESTATE'),
    reference            text        NOT NULL,
    address_street       text,
    address_postal_code  text,
    address_city         text,
    address_country      text        CHECK (address_country ~ '^[A-Z]{2}$'),
    floor                integer,
    door                 text,
    surface_m2           numeric(12, 2) CHECK (surface_m2 > 0),
    rooms_count          integer     CHECK (rooms_count >= 0),
    is_furnished         boolean     NOT NULL DEFAULT false,
    tantiemes            bigint      CHECK (tantiemes >= 0),
    construction_period  text        CHECK (construction_period IN
        ('BEFORE_1946', 'FROM_1946_TO_1970', 'FROM_1971_TO_1990', 'AFTER_1990')),
    rent_control_zone_id uuid,
    status               text        NOT NULL DEFAULT 'VACANT'
        CHECK (status IN ('VACANT', 'OCCUPIED', 'UNAVAILABLE')),
    notes                text,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT estates_reference_key UNIQUE (tenant_id, reference),
    CONSTRAINT estates_place_id_fkey FOREIGN KEY (tenant_id, place_id) REFERENCES places (tenant_id, id),
    CONSTRAINT estates_owner_id_fkey FOREIGN KEY (tenant_id, owner_id) REFERENCES owners (tenant_id, id),
    CONSTRAINT estates_type_id_fkey FOREIGN KEY (tenant_id, type_kind, type_id)
        REFERENCES property_types (tenant_id, kind, id),
    CONSTRAINT estates_address_complete CHECK (
        (address_street IS NULL) = (address_city IS NULL)
        AND (address_street IS NULL) = (address_postal_code IS NULL)
        AND (address_street IS NULL) = (address_country IS NULL)),
    CONSTRAINT estates_address_somewhere CHECK (place_id IS NOT NULL OR address_street IS NOT NULL),
    CONSTRAINT estates_tantiemes_in_place CHECK (tantiemes IS NULL OR place_id IS NOT NULL)
);
-- Serves a place's estates in reference order (the list's default), id breaking ties.
CREATE INDEX estates_place_idx ON estates (tenant_id, place_id, reference, id);
CREATE INDEX estates_owner_idx ON estates (tenant_id, owner_id);
CREATE INDEX estates_type_idx ON estates (tenant_id, type_id);
CREATE INDEX estates_created_idx ON estates (tenant_id, created_at, id);
SELECT enable_tenant_isolation('estates');

CREATE TABLE rooms (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id),
    id         uuid        NOT NULL,
    estate_id  uuid        NOT NULL,
    type_id    uuid        NOT NULL,
    type_kind  text        NOT NULL DEFAULT 'ROOM' CHECK (type_kind = 'ROOM'),
    name       text        NOT NULL,
    surface_m2 numeric(10, 2) CHECK (surface_m2 > 0),
    floor      integer,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    -- Lets equipment and inventory require a room of their own estate.
    CONSTRAINT rooms_estate_id_id_key UNIQUE (tenant_id, estate_id, id),
    CONSTRAINT rooms_estate_id_fkey FOREIGN KEY (tenant_id, estate_id)
        REFERENCES estates (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT rooms_type_id_fkey FOREIGN KEY (tenant_id, type_kind, type_id)
        REFERENCES property_types (tenant_id, kind, id)
);
CREATE INDEX rooms_estate_idx ON rooms (tenant_id, estate_id, created_at);
CREATE INDEX rooms_type_idx ON rooms (tenant_id, type_id);
SELECT enable_tenant_isolation('rooms');

CREATE TABLE equipment (
    tenant_id      uuid        NOT NULL REFERENCES tenants (id),
    id             uuid        NOT NULL,
    estate_id      uuid        NOT NULL,
    room_id        uuid,
    type_id        uuid        NOT NULL,
    type_kind      text        NOT NULL DEFAULT 'EQUIPMENT' CHECK (type_kind = 'EQUIPMENT'),
    name           text        NOT NULL,
    brand          text,
    model          text,
    serial_number  text,
    installed_on   date,
    warranty_until date,
    condition      text        NOT NULL DEFAULT 'GOOD'
        CHECK (condition IN ('NEW', 'GOOD', 'FAIR', 'POOR', 'OUT_OF_ORDER')),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT equipment_estate_id_fkey FOREIGN KEY (tenant_id, estate_id)
        REFERENCES estates (tenant_id, id) ON DELETE CASCADE,
    -- The room must be of the same estate; deleting the room keeps the equipment.
    CONSTRAINT equipment_room_id_fkey FOREIGN KEY (tenant_id, estate_id, room_id)
        REFERENCES rooms (tenant_id, estate_id, id) ON DELETE SET NULL (room_id),
    CONSTRAINT equipment_type_id_fkey FOREIGN KEY (tenant_id, type_kind, type_id)
        REFERENCES property_types (tenant_id, kind, id)
);
CREATE INDEX equipment_estate_idx ON equipment (tenant_id, estate_id, created_at);
CREATE INDEX equipment_type_idx ON equipment (tenant_id, type_id);
SELECT enable_tenant_isolation('equipment');

CREATE TABLE inventory_items (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id),
    id         uuid        NOT NULL,
    estate_id  uuid        NOT NULL,
    room_id    uuid,
    label      text        NOT NULL,
    category   text        CHECK (category IN ('BEDDING', 'WINDOW_BLACKOUT', 'HOB',
        'OVEN_OR_MICROWAVE', 'FRIDGE_WITH_FREEZER', 'TABLEWARE', 'KITCHEN_UTENSILS',
        'TABLE_AND_SEATS', 'STORAGE_SHELVES', 'LIGHTS', 'CLEANING_EQUIPMENT')),
    quantity   integer     NOT NULL DEFAULT 1 CHECK (quantity >= 0),
    condition  text        CHECK (condition IN ('NEW', 'GOOD', 'FAIR', 'POOR', 'OUT_OF_ORDER')),
    notes      text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT inventory_items_estate_id_fkey FOREIGN KEY (tenant_id, estate_id)
        REFERENCES estates (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT inventory_items_room_id_fkey FOREIGN KEY (tenant_id, estate_id, room_id)
        REFERENCES rooms (tenant_id, estate_id, id) ON DELETE SET NULL (room_id)
);
CREATE INDEX inventory_items_estate_idx ON inventory_items (tenant_id, estate_id, created_at);
SELECT enable_tenant_isolation('inventory_items');

CREATE TABLE estate_keys (
    tenant_id      uuid        NOT NULL REFERENCES tenants (id),
    id             uuid        NOT NULL,
    estate_id      uuid        NOT NULL,
    kind           text        NOT NULL
        CHECK (kind IN ('DOOR', 'MAILBOX', 'BADGE', 'GARAGE', 'REMOTE', 'OTHER')),
    label          text        NOT NULL,
    quantity       integer     NOT NULL DEFAULT 1 CHECK (quantity > 0),
    holder_kind    text        CHECK (holder_kind IN ('OWNER', 'LESSEE', 'AGENCY', 'CONTACT')),
    holder_id      uuid,
    handed_over_at timestamptz,
    returned_at    timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT estate_keys_estate_id_id_key UNIQUE (tenant_id, estate_id, id),
    CONSTRAINT estate_keys_estate_id_fkey FOREIGN KEY (tenant_id, estate_id)
        REFERENCES estates (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX estate_keys_estate_idx ON estate_keys (tenant_id, estate_id, created_at);
SELECT enable_tenant_isolation('estate_keys');

-- Every hand-over of a key, appended, never changed.
CREATE TABLE key_handovers (
    tenant_id      uuid        NOT NULL REFERENCES tenants (id),
    id             uuid        NOT NULL,
    key_id         uuid        NOT NULL,
    holder_kind    text,
    holder_id      uuid,
    handed_over_at timestamptz,
    returned_at    timestamptz,
    recorded_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT key_handovers_key_id_fkey FOREIGN KEY (tenant_id, key_id)
        REFERENCES estate_keys (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX key_handovers_key_idx ON key_handovers (tenant_id, key_id, recorded_at);
SELECT enable_tenant_isolation('key_handovers');

-- Uploaded files: content-addressed blobs, described here.
CREATE TABLE media (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id),
    id           uuid        NOT NULL,
    entity_type  text        NOT NULL,
    entity_id    uuid        NOT NULL,
    category     text,
    filename     text        NOT NULL,
    content_type text        NOT NULL,
    size         bigint      NOT NULL CHECK (size >= 0),
    sha256       text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX media_entity_idx ON media (tenant_id, entity_type, entity_id, created_at);
CREATE INDEX media_sha256_idx ON media (sha256);
SELECT enable_tenant_isolation('media');

CREATE TABLE energy_diagnoses (
    tenant_id          uuid          NOT NULL REFERENCES tenants (id),
    id                 uuid          NOT NULL,
    estate_id          uuid          NOT NULL,
    energy_class       text          NOT NULL CHECK (energy_class IN ('A', 'B', 'C', 'D', 'E', 'F', 'G')),
    ghg_class          text          NOT NULL CHECK (ghg_class IN ('A', 'B', 'C', 'D', 'E', 'F', 'G')),
    energy_kwh_m2_year numeric(10, 2) NOT NULL CHECK (energy_kwh_m2_year >= 0),
    ghg_kg_m2_year     numeric(10, 2) NOT NULL CHECK (ghg_kg_m2_year >= 0),
    performed_on       date          NOT NULL,
    valid_until        date          NOT NULL,
    estimated_cost_min numeric(14, 2),
    estimated_cost_max numeric(14, 2),
    ademe_number       text,
    media_id           uuid,
    created_at         timestamptz   NOT NULL,
    updated_at         timestamptz   NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT energy_diagnoses_estate_id_fkey FOREIGN KEY (tenant_id, estate_id)
        REFERENCES estates (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT energy_diagnoses_media_id_fkey FOREIGN KEY (tenant_id, media_id)
        REFERENCES media (tenant_id, id) ON DELETE SET NULL (media_id)
);
CREATE INDEX energy_diagnoses_estate_idx ON energy_diagnoses (tenant_id, estate_id, performed_on DESC, created_at DESC);
SELECT enable_tenant_isolation('energy_diagnoses');

CREATE TABLE estate_diagnostics (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id),
    id           uuid        NOT NULL,
    estate_id    uuid        NOT NULL,
    type         text        NOT NULL CHECK (type IN ('LEAD', 'ASBESTOS', 'ELECTRICITY', 'GAS',
        'RISKS', 'NOISE', 'COOWNERSHIP_RULES', 'OTHER')),
    performed_on date        NOT NULL,
    valid_until  date,
    lead_found   boolean,
    media_id     uuid,
    notes        text,
    is_active    boolean     NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT estate_diagnostics_estate_id_fkey FOREIGN KEY (tenant_id, estate_id)
        REFERENCES estates (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT estate_diagnostics_media_id_fkey FOREIGN KEY (tenant_id, media_id)
        REFERENCES media (tenant_id, id) ON DELETE SET NULL (media_id)
);
-- One active diagnostic per type and estate, whatever the concurrency.
CREATE UNIQUE INDEX estate_diagnostics_one_active ON estate_diagnostics (tenant_id, estate_id, type)
    WHERE is_active;
CREATE INDEX estate_diagnostics_estate_idx ON estate_diagnostics (tenant_id, estate_id, created_at);
SELECT enable_tenant_isolation('estate_diagnostics');
