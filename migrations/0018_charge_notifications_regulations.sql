-- Charge notifications (meter anomalies, expenses over their category's threshold, reviews to
-- send) and regulations (adjustments of a review's balance for one lease).

CREATE TABLE charge_notifications (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id),
    id           uuid        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN
        ('CONSUMPTION_ALERT', 'OVER_THRESHOLD', 'REVIEW_NOTICE', 'REGULARIZATION_REMINDER')),
    entity_type  text        NOT NULL,
    entity_id    uuid        NOT NULL,
    message      text        NOT NULL,
    read         boolean     NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX charge_notifications_created_idx ON charge_notifications (tenant_id, created_at, id);
SELECT enable_tenant_isolation('charge_notifications');

CREATE TABLE charge_regulations (
    tenant_id   uuid          NOT NULL REFERENCES tenants (id),
    id          uuid          NOT NULL,
    review_id   uuid          NOT NULL,
    lease_id    uuid          NOT NULL,
    kind        text          NOT NULL CHECK (kind IN ('FREEZE_EXCEPTION', 'LEGAL_EXCEPTION', 'CORRECTION')),
    amount      numeric(12, 2) NOT NULL,
    reason      text          NOT NULL,
    created_at  timestamptz   NOT NULL,
    updated_at  timestamptz   NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT charge_regulations_review_id_fkey FOREIGN KEY (tenant_id, review_id)
        REFERENCES charge_reviews (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT charge_regulations_lease_id_fkey FOREIGN KEY (tenant_id, lease_id)
        REFERENCES leases (tenant_id, id)
);
CREATE INDEX charge_regulations_review_idx ON charge_regulations (tenant_id, review_id, created_at);
CREATE INDEX charge_regulations_created_idx ON charge_regulations (tenant_id, created_at, id);
SELECT enable_tenant_isolation('charge_regulations');
