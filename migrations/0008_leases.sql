-- Leases: the contract between owner and lessees on an estate, with its co-lessees,
-- guarantors and rent history.

-- Equality on uuid inside a GiST exclusion constraint (a trusted extension shipped with
-- PostgreSQL's contrib modules).
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE leases (
    tenant_id              uuid          NOT NULL REFERENCES tenants (id),
    id                     uuid          NOT NULL,
    estate_id              uuid          NOT NULL,
    lease_type_id          uuid          NOT NULL,
    start_date             date          NOT NULL,
    end_date               date          NOT NULL,
    rent_amount            numeric(12, 2) NOT NULL CHECK (rent_amount > 0),
    charges_amount         numeric(12, 2) NOT NULL DEFAULT 0 CHECK (charges_amount >= 0),
    charges_mode           text          NOT NULL DEFAULT 'PROVISION'
        CHECK (charges_mode IN ('PROVISION', 'FORFAIT')),
    payment_day            smallint      NOT NULL DEFAULT 1 CHECK (payment_day BETWEEN 1 AND 28),
    deposit_amount         numeric(12, 2) NOT NULL DEFAULT 0 CHECK (deposit_amount >= 0),
    has_revision_clause    boolean       NOT NULL,
    irl_reference_quarter  text          CHECK (irl_reference_quarter ~ '^[0-9]{4}-Q[1-4]$'),
    revision_date          date,
    in_zone_tendue         boolean       NOT NULL DEFAULT false,
    special_clauses        text,
    status                 text          NOT NULL DEFAULT 'DRAFT' CHECK (status IN
        ('DRAFT', 'PENDING_SIGNATURE', 'ACTIVE', 'NOTICE_GIVEN', 'TERMINATED')),
    created_at             timestamptz   NOT NULL,
    updated_at             timestamptz   NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT leases_estate_id_fkey FOREIGN KEY (tenant_id, estate_id)
        REFERENCES estates (tenant_id, id),
    CONSTRAINT leases_lease_type_id_fkey FOREIGN KEY (tenant_id, lease_type_id)
        REFERENCES lease_types (tenant_id, id),
    CONSTRAINT leases_dates CHECK (end_date > start_date),
    -- One estate is never let twice for the same days: a lease awaiting signature, active or
    -- under notice holds it until its end date (under notice, the end date moves earlier to
    -- the notice's end, and the next lessee may sign for the days after). Checked by the index
    -- itself, so two concurrent creations cannot both pass.
    CONSTRAINT leases_no_overlap EXCLUDE USING gist (
        tenant_id WITH =,
        estate_id WITH =,
        daterange(start_date, end_date, '[]') WITH &&
    ) WHERE (status IN ('PENDING_SIGNATURE', 'ACTIVE', 'NOTICE_GIVEN'))
);
CREATE INDEX leases_estate_idx ON leases (tenant_id, estate_id, start_date);
CREATE INDEX leases_start_idx ON leases (tenant_id, start_date, id);
CREATE INDEX leases_type_idx ON leases (tenant_id, lease_type_id);
SELECT enable_tenant_isolation('leases');

-- The co-lessees, in the order the lease names them. A lessee on a lease cannot be deleted.
CREATE TABLE lease_lessees (
    tenant_id  uuid     NOT NULL REFERENCES tenants (id),
    lease_id   uuid     NOT NULL,
    lessee_id  uuid     NOT NULL,
    position   smallint NOT NULL,
    PRIMARY KEY (tenant_id, lease_id, lessee_id),
    CONSTRAINT lease_lessees_lease_id_fkey FOREIGN KEY (tenant_id, lease_id)
        REFERENCES leases (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT lease_lessees_lessee_id_fkey FOREIGN KEY (tenant_id, lessee_id)
        REFERENCES lessees (tenant_id, id)
);
-- A lessee's leases (the lessee portal, the lessee_id filter).
CREATE INDEX lease_lessees_lessee_idx ON lease_lessees (tenant_id, lessee_id, lease_id);
SELECT enable_tenant_isolation('lease_lessees');

-- Guarantors: contacts of kind GUARANTOR.
CREATE TABLE lease_guarantors (
    tenant_id   uuid     NOT NULL REFERENCES tenants (id),
    lease_id    uuid     NOT NULL,
    contact_id  uuid     NOT NULL,
    position    smallint NOT NULL,
    PRIMARY KEY (tenant_id, lease_id, contact_id),
    CONSTRAINT lease_guarantors_lease_id_fkey FOREIGN KEY (tenant_id, lease_id)
        REFERENCES leases (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT lease_guarantors_contact_id_fkey FOREIGN KEY (tenant_id, contact_id)
        REFERENCES contacts (tenant_id, id)
);
CREATE INDEX lease_guarantors_contact_idx ON lease_guarantors (tenant_id, contact_id);
SELECT enable_tenant_isolation('lease_guarantors');

-- Every change of rent or charges: the amounts before and after, why, and from when.
CREATE TABLE lease_rent_history (
    tenant_id                uuid          NOT NULL REFERENCES tenants (id),
    id                       uuid          NOT NULL,
    lease_id                 uuid          NOT NULL,
    reason                   text          NOT NULL
        CHECK (reason IN ('INITIAL', 'CHANGE', 'INDEX_REVISION')),
    comment                  text,
    rent_amount              numeric(12, 2) NOT NULL,
    charges_amount           numeric(12, 2) NOT NULL,
    previous_rent_amount     numeric(12, 2),
    previous_charges_amount  numeric(12, 2),
    effective_date           date          NOT NULL,
    -- For an index revision: the revision date claimed and the quarters compared.
    revision_date            date,
    index_quarter            text,
    index_value              numeric(8, 2),
    reference_value          numeric(8, 2),
    created_at               timestamptz   NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT lease_rent_history_lease_id_fkey FOREIGN KEY (tenant_id, lease_id)
        REFERENCES leases (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX lease_rent_history_lease_idx
    ON lease_rent_history (tenant_id, lease_id, effective_date, created_at);
-- At most one index revision per lease and revision date, whatever the concurrency.
CREATE UNIQUE INDEX lease_rent_history_one_revision
    ON lease_rent_history (tenant_id, lease_id, revision_date) WHERE reason = 'INDEX_REVISION';
SELECT enable_tenant_isolation('lease_rent_history');
