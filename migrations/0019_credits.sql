-- Credits: a tenant's balance and the ledger of its movements. The balance never goes negative
-- (a CHECK, and spending is one conditional UPDATE), and every movement writes its ledger line
-- in the same transaction, so the ledger always sums to the balance.

CREATE TABLE credit_balances (
    tenant_id   uuid        PRIMARY KEY REFERENCES tenants (id),
    balance     bigint      NOT NULL DEFAULT 0 CHECK (balance >= 0),
    updated_at  timestamptz NOT NULL
);
SELECT enable_tenant_isolation('credit_balances');

CREATE TABLE credit_transactions (
    tenant_id      uuid        NOT NULL REFERENCES tenants (id),
    id             uuid        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('PURCHASE', 'CONSUMPTION', 'REFUND', 'ADJUSTMENT')),
    amount         bigint      NOT NULL CHECK (amount <> 0),
    balance_after  bigint      NOT NULL CHECK (balance_after >= 0),
    reference      text,
    created_at     timestamptz NOT NULL,
    -- The order of the movements: taken while the balance row is locked, so it is the order in
    -- which they changed the balance (timestamps of concurrent ones may be equal).
    seq            bigint      GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX credit_transactions_seq_idx ON credit_transactions (tenant_id, seq);
SELECT enable_tenant_isolation('credit_transactions');
