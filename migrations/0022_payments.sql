-- Payments through Stripe: the events already processed, the payments logged for each tenant,
-- and the answers kept for Idempotency-Key replays.

-- Every Stripe event processed, whatever its type: Stripe delivers at least once, so an event
-- id found here is acknowledged again and changes nothing. A platform table (an event names its
-- tenant only in metadata, and some name none), hence no row-level security. Written in the
-- same transaction as what the event changed.
CREATE TABLE stripe_events (
    event_id      text        PRIMARY KEY,
    event_type    text        NOT NULL,
    -- The tenant the event was for, when it named one that exists. Not named tenant_id: a
    -- tenant_id column marks a tenant table, which must be under row-level security (checked
    -- by a test), and this one is not.
    for_tenant_id uuid        REFERENCES tenants (id),
    -- What processing it did: CREDITED, LOGGED, PENDING, ALREADY_CREDITED, REJECTED,
    -- UNKNOWN_TENANT, NO_TENANT or IGNORED (for operators reading the table).
    outcome       text        NOT NULL,
    processed_at  timestamptz NOT NULL
);

-- The payments of a tenant as Stripe reported them.
CREATE TABLE payments (
    tenant_id          uuid        NOT NULL REFERENCES tenants (id),
    id                 uuid        NOT NULL,
    provider           text        NOT NULL DEFAULT 'STRIPE' CHECK (provider IN ('STRIPE')),
    kind               text        NOT NULL CHECK (kind IN
        ('CHECKOUT_COMPLETED', 'PAYMENT_SUCCEEDED', 'PAYMENT_FAILED')),
    event_id           text        NOT NULL REFERENCES stripe_events (event_id),
    session_id         text,
    payment_intent_id  text,
    package_id         text,
    -- The credits granted (CREDITED checkouts only).
    credits            bigint      CHECK (credits > 0),
    amount_cents       bigint,
    currency           text,
    -- CREDITED, PENDING (completed, the money not there yet) or REJECTED (paid, not credited:
    -- see failure_message) for checkouts; SUCCEEDED or FAILED for payment intents.
    status             text        NOT NULL CHECK (status IN
        ('CREDITED', 'PENDING', 'REJECTED', 'SUCCEEDED', 'FAILED')),
    failure_message    text,
    created_at         timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK (kind <> 'CHECKOUT_COMPLETED' OR session_id IS NOT NULL),
    CHECK (status <> 'CREDITED' OR credits IS NOT NULL)
);
-- A session is credited once, whichever of checkout.session.completed and
-- checkout.session.async_payment_succeeded comes (or comes again under another event id).
CREATE UNIQUE INDEX payments_session_credited_once ON payments (tenant_id, session_id)
    WHERE kind = 'CHECKOUT_COMPLETED' AND status = 'CREDITED';
CREATE INDEX payments_created_idx ON payments (tenant_id, created_at, id);
SELECT enable_tenant_isolation('payments');

-- The first answer to a POST sent with an Idempotency-Key, replayed to a retry with the same
-- key and body. A key is bound to its request for 24 hours; after that it may be reused
-- for another request (the old row is then overwritten).
CREATE TABLE idempotency_keys (
    tenant_id        uuid        NOT NULL REFERENCES tenants (id),
    key              text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    -- SHA-256 (hex) of the method, path and body of the request.
    request_hash     text        NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
    response_status  integer     NOT NULL CHECK (response_status BETWEEN 100 AND 599),
    response_body    jsonb       NOT NULL,
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
SELECT enable_tenant_isolation('idempotency_keys');
