-- Rent regulation reference data: countries and their rent index, and the index series.
-- Platform data, the same for every tenant (no tenant_id, no policy): read by tenants, added to
-- only by the operator (`faireplace index add IRL 2026-Q3 VALUE`).

CREATE TABLE country_references (
    code       text PRIMARY KEY CHECK (code ~ '^[A-Z]{2}$'),
    name       text NOT NULL,
    currency   text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    rent_index text NOT NULL
);

INSERT INTO country_references (code, name, currency, rent_index)
VALUES ('FR', 'France', 'EUR', 'IRL');

CREATE TABLE rent_indices (
    index_code   text          NOT NULL,
    quarter      text          NOT NULL CHECK (quarter ~ '^[0-9]{4}-Q[1-4]$'),
    value        numeric(8, 2) NOT NULL CHECK (value > 0),
    published_on date,
    created_at   timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (index_code, quarter)
);

-- IRL for mainland France (base 100 = 1998-Q4), 2015-Q1 to 2025-Q4, from INSEE's releases and
-- the sources listed in shared/data/SOURCES.md; published_on only where a source states it.
INSERT INTO rent_indices (index_code, quarter, value, published_on) VALUES
    ('IRL', '2015-Q1', 125.19, NULL),
    ('IRL', '2015-Q2', 125.25, NULL),
    ('IRL', '2015-Q3', 125.26, NULL),
    ('IRL', '2015-Q4', 125.28, '2016-01-14'),
    ('IRL', '2016-Q1', 125.26, NULL),
    ('IRL', '2016-Q2', 125.25, NULL),
    ('IRL', '2016-Q3', 125.33, NULL),
    ('IRL', '2016-Q4', 125.50, '2017-01-12'),
    ('IRL', '2017-Q1', 125.90, NULL),
    ('IRL', '2017-Q2', 126.19, NULL),
    ('IRL', '2017-Q3', 126.46, '2017-10-12'),
    ('IRL', '2017-Q4', 126.82, '2018-01-12'),
    ('IRL', '2018-Q1', 127.22, NULL),
    ('IRL', '2018-Q2', 127.77, NULL),
    ('IRL', '2018-Q3', 128.45, '2018-10-11'),
    ('IRL', '2018-Q4', 129.03, '2019-01-15'),
    ('IRL', '2019-Q1', 129.38, '2019-04-11'),
    ('IRL', '2019-Q2', 129.72, NULL),
    ('IRL', '2019-Q3', 129.99, NULL),
    ('IRL', '2019-Q4', 130.26, '2020-01-15'),
    ('IRL', '2020-Q1', 130.57, NULL),
    ('IRL', '2020-Q2', 130.57, NULL),
    ('IRL', '2020-Q3', 130.59, '2020-10-15'),
    ('IRL', '2020-Q4', 130.52, '2021-01-15'),
    ('IRL', '2021-Q1', 130.69, '2021-04-15'),
    ('IRL', '2021-Q2', 131.12, '2021-07-13'),
    ('IRL', '2021-Q3', 131.67, '2021-10-15'),
    ('IRL', '2021-Q4', 132.62, '2022-01-14'),
    ('IRL', '2022-Q1', 133.93, '2022-04-15'),
    ('IRL', '2022-Q2', 135.84, '2022-07-13'),
    ('IRL', '2022-Q3', 136.27, '2022-10-14'),
    ('IRL', '2022-Q4', 137.26, '2023-01-13'),
    ('IRL', '2023-Q1', 138.61, '2023-04-14'),
    ('IRL', '2023-Q2', 140.59, '2023-07-13'),
    ('IRL', '2023-Q3', 141.03, '2023-10-13'),
    ('IRL', '2023-Q4', 142.06, '2024-01-16'),
    ('IRL', '2024-Q1', 143.46, '2024-04-12'),
    ('IRL', '2024-Q2', 145.17, NULL),
    ('IRL', '2024-Q3', 144.51, '2024-10-15'),
    ('IRL', '2024-Q4', 144.64, '2025-01-15'),
    ('IRL', '2025-Q1', 145.47, NULL),
    ('IRL', '2025-Q2', 146.68, NULL),
    ('IRL', '2025-Q3', 145.77, '2025-10-15'),
    ('IRL', '2025-Q4', 145.78, NULL);
