-- Parties: owners, contacts and lessees. Every key and index starts with tenant_id.

CREATE TABLE owners (
    tenant_id             uuid        NOT NULL REFERENCES tenants (id),
    id                    uuid        NOT NULL,
    kind                  text        NOT NULL CHECK (kind IN ('PERSON', 'COMPANY')),
    first_name            text,
    last_name             text,
    company_name          text,
    siret                 text        CHECK (siret ~ '^[0-9]{14}$'),
    email                 text,
    phone                 text,
    address_street        text,
    address_postal_code   text,
    address_city          text,
    address_country       text        CHECK (address_country ~ '^[A-Z]{2}$'),
    iban                  text,
    external_reference_id text,
    notes                 text,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT owners_address_complete CHECK (
        (address_street IS NULL) = (address_city IS NULL)
        AND (address_street IS NULL) = (address_postal_code IS NULL)
        AND (address_street IS NULL) = (address_country IS NULL))
);
CREATE INDEX owners_email_idx ON owners (tenant_id, email);
CREATE INDEX owners_created_idx ON owners (tenant_id, created_at, id);
CREATE INDEX owners_last_name_idx ON owners (tenant_id, last_name, id);
SELECT enable_tenant_isolation('owners');

CREATE TABLE contacts (
    tenant_id           uuid        NOT NULL REFERENCES tenants (id),
    id                  uuid        NOT NULL,
    kind                text        NOT NULL
        CHECK (kind IN ('GUARANTOR', 'AGENT', 'SERVICE_PROVIDER', 'SYNDIC', 'OTHER')),
    first_name          text,
    last_name           text,
    company_name        text,
    email               text,
    phone               text,
    address_street      text,
    address_postal_code text,
    address_city        text,
    address_country     text        CHECK (address_country ~ '^[A-Z]{2}$'),
    notes               text,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT contacts_address_complete CHECK (
        (address_street IS NULL) = (address_city IS NULL)
        AND (address_street IS NULL) = (address_postal_code IS NULL)
        AND (address_street IS NULL) = (address_country IS NULL))
);
CREATE INDEX contacts_email_idx ON contacts (tenant_id, email);
CREATE INDEX contacts_created_idx ON contacts (tenant_id, created_at, id);
SELECT enable_tenant_isolation('contacts');

CREATE TABLE lessees (
    tenant_id           uuid        NOT NULL REFERENCES tenants (id),
    id                  uuid        NOT NULL,
    first_name          text        NOT NULL,
    last_name           text        NOT NULL,
    birth_date          date,
    email               text,
    phone               text,
    address_street      text,
    address_postal_code text,
    address_city        text,
    address_country     text        CHECK (address_country ~ '^[A-Z]{2}$'),
    notes               text,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT lessees_address_complete CHECK (
        (address_street IS NULL) = (address_city IS NULL)
        AND (address_street IS NULL) = (address_postal_code IS NULL)
        AND (address_street IS NULL) = (address_country IS NULL))
);
CREATE INDEX lessees_email_idx ON lessees (tenant_id, email);
CREATE INDEX lessees_created_idx ON lessees (tenant_id, created_at, id);
CREATE INDEX lessees_last_name_idx ON lessees (tenant_id, last_name, id);
SELECT enable_tenant_isolation('lessees');
