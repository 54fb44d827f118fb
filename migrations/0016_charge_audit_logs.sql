-- Audit log of the charge entities: every change with the entity before and after, the key that
-- made it and when.

CREATE TABLE charge_audit_logs (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id),
    id           uuid        NOT NULL,
    entity_type  text        NOT NULL,
    entity_id    uuid        NOT NULL,
    action       text        NOT NULL CHECK (action IN ('CREATE', 'UPDATE', 'DELETE', 'VALIDATE')),
    before       jsonb,
    after        jsonb,
    -- The API key that made the change (no foreign key: a revoked or deleted key stays named).
    key_id       uuid,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX charge_audit_logs_entity_idx
    ON charge_audit_logs (tenant_id, entity_type, entity_id, created_at);
CREATE INDEX charge_audit_logs_created_idx ON charge_audit_logs (tenant_id, created_at, id);
SELECT enable_tenant_isolation('charge_audit_logs');
