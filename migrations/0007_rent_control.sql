-- Rent control reference data: zones and their reference rents (platform data, read by every
-- tenant; loaded by the operator with `faireplace rent-control load FILE.csv`).

CREATE TABLE rent_control_zones (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    city       text        NOT NULL,
    -- The published sector as text, e.g. "1" for Paris secteur 1.
    code       text        NOT NULL,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT rent_control_zones_city_code_key UNIQUE (city, code)
);

CREATE TABLE reference_rents (
    id                  uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    zone_id             uuid          NOT NULL REFERENCES rent_control_zones (id) ON DELETE CASCADE,
    -- 1, 2, 3, and 4 for four rooms or more.
    rooms               smallint      NOT NULL CHECK (rooms BETWEEN 1 AND 4),
    construction_period text          NOT NULL CHECK (construction_period IN
        ('BEFORE_1946', 'FROM_1946_TO_1970', 'FROM_1971_TO_1990', 'AFTER_1990')),
    furnished           boolean       NOT NULL,
    reference_m2        numeric(6, 2) NOT NULL CHECK (reference_m2 > 0),
    increased_m2        numeric(6, 2) NOT NULL CHECK (increased_m2 >= reference_m2),
    reduced_m2          numeric(6, 2) NOT NULL CHECK (reduced_m2 <= reference_m2),
    valid_from          date          NOT NULL,
    valid_to            date          CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CONSTRAINT reference_rents_cell_key UNIQUE (zone_id, rooms, construction_period, furnished, valid_from)
);
CREATE INDEX reference_rents_lookup_idx
    ON reference_rents (zone_id, rooms, construction_period, furnished, valid_from DESC);

-- An estate's zone must exist. NOT VALID: rows written before this constraint are not checked
-- (the column was free until now); every new or changed row is.
ALTER TABLE estates ADD CONSTRAINT estates_rent_control_zone_id_fkey
    FOREIGN KEY (rent_control_zone_id) REFERENCES rent_control_zones (id) NOT VALID;

-- The Paris sample of shared/data/paris-reference-rents-sample.csv (sources in SOURCES.md):
-- the 2025 arrete for secteur 1 and one cell of every other secteur, and 2024 for secteur 1.
INSERT INTO rent_control_zones (city, code, name) VALUES
    ('Paris', '1', 'Paris secteur 1'),
    ('Paris', '2', 'Paris secteur 2'),
    ('Paris', '3', 'Paris secteur 3'),
    ('Paris', '4', 'Paris secteur 4'),
    ('Paris', '5', 'Paris secteur 5'),
    ('Paris', '6', 'Paris secteur 6'),
    ('Paris', '7', 'Paris secteur 7'),
    ('Paris', '8', 'Paris secteur 8'),
    ('Paris', '9', 'Paris secteur 9'),
    ('Paris', '10', 'Paris secteur 10'),
    ('Paris', '11', 'Paris secteur 11'),
    ('Paris', '12', 'Paris secteur 12'),
    ('Paris', '13', 'Paris secteur 13'),
    ('Paris', '14', 'Paris secteur 14');

INSERT INTO reference_rents (zone_id, rooms, construction_period, furnished, reference_m2,
    increased_m2, reduced_m2, valid_from, valid_to)
SELECT z.id, v.rooms, v.period, v.furnished, v.reference, v.increased, v.reduced,
       v.valid_from::date, v.valid_to::date
  FROM (VALUES
    ('Paris', '1', 1, 'BEFORE_1946', false, 34.4, 41.3, 24.1, '2025-07-01', NULL),
    ('Paris', '1', 1, 'FROM_1946_TO_1970', false, 35.0, 42.0, 24.5, '2025-07-01', NULL),
    ('Paris', '1', 1, 'FROM_1971_TO_1990', false, 33.5, 40.2, 23.5, '2025-07-01', NULL),
    ('Paris', '1', 1, 'AFTER_1990', false, 36.7, 44.0, 25.7, '2025-07-01', NULL),
    ('Paris', '1', 2, 'BEFORE_1946', false, 30.6, 36.7, 21.4, '2025-07-01', NULL),
    ('Paris', '1', 2, 'FROM_1946_TO_1970', false, 31.0, 37.2, 21.7, '2025-07-01', NULL),
    ('Paris', '1', 2, 'FROM_1971_TO_1990', false, 28.8, 34.6, 20.2, '2025-07-01', NULL),
    ('Paris', '1', 2, 'AFTER_1990', false, 31.3, 37.6, 21.9, '2025-07-01', NULL),
    ('Paris', '1', 3, 'BEFORE_1946', false, 29.0, 34.8, 20.3, '2025-07-01', NULL),
    ('Paris', '1', 3, 'FROM_1946_TO_1970', false, 28.6, 34.3, 20.0, '2025-07-01', NULL),
    ('Paris', '1', 3, 'FROM_1971_TO_1990', false, 28.7, 34.4, 20.1, '2025-07-01', NULL),
    ('Paris', '1', 3, 'AFTER_1990', false, 30.2, 36.2, 21.1, '2025-07-01', NULL),
    ('Paris', '1', 4, 'BEFORE_1946', false, 30.4, 36.5, 21.3, '2025-07-01', NULL),
    ('Paris', '1', 4, 'FROM_1946_TO_1970', false, 27.0, 32.4, 18.9, '2025-07-01', NULL),
    ('Paris', '1', 4, 'FROM_1971_TO_1990', false, 27.3, 32.8, 19.1, '2025-07-01', NULL),
    ('Paris', '1', 4, 'AFTER_1990', false, 31.5, 37.8, 22.1, '2025-07-01', NULL),
    ('Paris', '1', 1, 'BEFORE_1946', true, 39.2, 47.0, 27.4, '2025-07-01', NULL),
    ('Paris', '1', 1, 'FROM_1946_TO_1970', true, 39.9, 47.9, 27.9, '2025-07-01', NULL),
    ('Paris', '1', 1, 'FROM_1971_TO_1990', true, 38.2, 45.8, 26.7, '2025-07-01', NULL),
    ('Paris', '1', 1, 'AFTER_1990', true, 41.8, 50.2, 29.3, '2025-07-01', NULL),
    ('Paris', '1', 2, 'BEFORE_1946', true, 34.9, 41.9, 24.4, '2025-07-01', NULL),
    ('Paris', '1', 2, 'FROM_1946_TO_1970', true, 35.3, 42.4, 24.7, '2025-07-01', NULL),
    ('Paris', '1', 2, 'FROM_1971_TO_1990', true, 32.8, 39.4, 23.0, '2025-07-01', NULL),
    ('Paris', '1', 2, 'AFTER_1990', true, 35.7, 42.8, 25.0, '2025-07-01', NULL),
    ('Paris', '1', 3, 'BEFORE_1946', true, 33.1, 39.7, 23.2, '2025-07-01', NULL),
    ('Paris', '1', 3, 'FROM_1946_TO_1970', true, 32.6, 39.1, 22.8, '2025-07-01', NULL),
    ('Paris', '1', 3, 'FROM_1971_TO_1990', true, 32.7, 39.2, 22.9, '2025-07-01', NULL),
    ('Paris', '1', 3, 'AFTER_1990', true, 34.4, 41.3, 24.1, '2025-07-01', NULL),
    ('Paris', '1', 4, 'BEFORE_1946', true, 34.7, 41.6, 24.3, '2025-07-01', NULL),
    ('Paris', '1', 4, 'FROM_1946_TO_1970', true, 30.8, 37.0, 21.6, '2025-07-01', NULL),
    ('Paris', '1', 4, 'FROM_1971_TO_1990', true, 31.1, 37.3, 21.8, '2025-07-01', NULL),
    ('Paris', '1', 4, 'AFTER_1990', true, 35.9, 43.1, 25.1, '2025-07-01', NULL),
    ('Paris', '2', 1, 'BEFORE_1946', false, 35.1, 42.1, 24.6, '2025-07-01', NULL),
    ('Paris', '2', 1, 'BEFORE_1946', true, 40.0, 48.0, 28.0, '2025-07-01', NULL),
    ('Paris', '3', 1, 'BEFORE_1946', false, 30.5, 36.6, 21.4, '2025-07-01', NULL),
    ('Paris', '3', 1, 'BEFORE_1946', true, 34.8, 41.8, 24.4, '2025-07-01', NULL),
    ('Paris', '4', 1, 'BEFORE_1946', false, 34.0, 40.8, 23.8, '2025-07-01', NULL),
    ('Paris', '4', 1, 'BEFORE_1946', true, 38.8, 46.6, 27.2, '2025-07-01', NULL),
    ('Paris', '5', 1, 'BEFORE_1946', false, 32.3, 38.8, 22.6, '2025-07-01', NULL),
    ('Paris', '5', 1, 'BEFORE_1946', true, 36.8, 44.2, 25.8, '2025-07-01', NULL),
    ('Paris', '6', 1, 'BEFORE_1946', false, 31.3, 37.6, 21.9, '2025-07-01', NULL),
    ('Paris', '6', 1, 'BEFORE_1946', true, 35.7, 42.8, 25.0, '2025-07-01', NULL),
    ('Paris', '7', 1, 'BEFORE_1946', false, 30.4, 36.5, 21.3, '2025-07-01', NULL),
    ('Paris', '7', 1, 'BEFORE_1946', true, 34.7, 41.6, 24.3, '2025-07-01', NULL),
    ('Paris', '8', 1, 'BEFORE_1946', false, 29.7, 35.6, 20.8, '2025-07-01', NULL),
    ('Paris', '8', 1, 'BEFORE_1946', true, 33.9, 40.7, 23.7, '2025-07-01', NULL),
    ('Paris', '9', 1, 'BEFORE_1946', false, 28.9, 34.7, 20.2, '2025-07-01', NULL),
    ('Paris', '9', 1, 'BEFORE_1946', true, 32.9, 39.5, 23.0, '2025-07-01', NULL),
    ('Paris', '10', 1, 'BEFORE_1946', false, 31.2, 37.4, 21.8, '2025-07-01', NULL),
    ('Paris', '10', 1, 'BEFORE_1946', true, 35.6, 42.7, 24.9, '2025-07-01', NULL),
    ('Paris', '11', 1, 'BEFORE_1946', false, 30.5, 36.6, 21.4, '2025-07-01', NULL),
    ('Paris', '11', 1, 'BEFORE_1946', true, 34.8, 41.8, 24.4, '2025-07-01', NULL),
    ('Paris', '12', 1, 'BEFORE_1946', false, 32.0, 38.4, 22.4, '2025-07-01', NULL),
    ('Paris', '12', 1, 'BEFORE_1946', true, 36.5, 43.8, 25.6, '2025-07-01', NULL),
    ('Paris', '13', 1, 'BEFORE_1946', false, 28.4, 34.1, 19.9, '2025-07-01', NULL),
    ('Paris', '13', 1, 'BEFORE_1946', true, 32.4, 38.9, 22.7, '2025-07-01', NULL),
    ('Paris', '14', 1, 'BEFORE_1946', false, 26.5, 31.8, 18.6, '2025-07-01', NULL),
    ('Paris', '14', 1, 'BEFORE_1946', true, 30.2, 36.2, 21.1, '2025-07-01', NULL),
    ('Paris', '1', 1, 'BEFORE_1946', false, 33.4, 40.1, 23.4, '2024-07-01', '2025-06-30'),
    ('Paris', '1', 1, 'FROM_1946_TO_1970', false, 34.6, 41.5, 24.2, '2024-07-01', '2025-06-30'),
    ('Paris', '1', 1, 'FROM_1971_TO_1990', false, 33.3, 40.0, 23.3, '2024-07-01', '2025-06-30'),
    ('Paris', '1', 1, 'AFTER_1990', false, 35.7, 42.8, 25.0, '2024-07-01', '2025-06-30'),
    ('Paris', '1', 2, 'BEFORE_1946', false, 29.6, 35.5, 20.7, '2024-07-01', '2025-06-30'),
    ('Paris', '1', 2, 'FROM_1946_TO_1970', false, 29.8, 35.8, 20.9, '2024-07-01', '2025-06-30'),
    ('Paris', '1', 2, 'FROM_1971_TO_1990', false, 28.4, 34.1, 19.9, '2024-07-01', '2025-06-30'),
    ('Paris', '1', 2, 'AFTER_1990', false, 30.8, 37.0, 21.6, '2024-07-01', '2025-06-30'),
    ('Paris', '1', 3, 'BEFORE_1946', false, 28.0, 33.6, 19.6, '2024-07-01', '2025-06-30'),
    ('Paris', '1', 3, 'FROM_1946_TO_1970', false, 27.8, 33.4, 19.5, '2024-07-01', '2025-06-30'),
    ('Paris', '1', 3, 'FROM_1971_TO_1990', false, 28.4, 34.1, 19.9, '2024-07-01', '2025-06-30'),
    ('Paris', '1', 3, 'AFTER_1990', false, 29.8, 35.8, 20.9, '2024-07-01', '2025-06-30'),
    ('Paris', '1', 4, 'BEFORE_1946', false, 29.4, 35.3, 20.6, '2024-07-01', '2025-06-30'),
    ('Paris', '1', 4, 'FROM_1946_TO_1970', false, 25.7, 30.8, 18.0, '2024-07-01', '2025-06-30'),
    ('Paris', '1', 4, 'FROM_1971_TO_1990', false, 26.1, 31.3, 18.3, '2024-07-01', '2025-06-30'),
    ('Paris', '1', 4, 'AFTER_1990', false, 30.6, 36.7, 21.4, '2024-07-01', '2025-06-30')
  ) AS v (city, zone, rooms, period, furnished, reference, increased, reduced, valid_from, valid_to)
  JOIN rent_control_zones z ON z.city = v.city AND z.code = v.zone;
