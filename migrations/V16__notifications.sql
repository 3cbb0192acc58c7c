-- What happened that an account cares about: its model scored or overtaken, results posted, a challenge opened or
-- settled, a payment, a deadline near. Addressed to an address (lower-case), signed in or not yet. dedupe_key makes
-- each notification at most once (a chain event is keyed by its transaction hash and log index), so the indexer, the
-- evaluation workers and the deadline sweep of any server may all write without coordinating.
CREATE SEQUENCE notification_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE notification (
    id          BIGINT PRIMARY KEY,
    recipient   TEXT        NOT NULL,
    kind        TEXT        NOT NULL,
    bounty_id   BIGINT      REFERENCES bounty (id) ON DELETE CASCADE,
    title       TEXT        NOT NULL,
    body        TEXT        NOT NULL,
    link        TEXT        NOT NULL,
    dedupe_key  TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    read_at     TIMESTAMPTZ,
    CONSTRAINT notification_once UNIQUE (recipient, dedupe_key)
);
CREATE INDEX notification_recipient ON notification (recipient, id DESC);
CREATE INDEX notification_unread ON notification (recipient) WHERE read_at IS NULL;

-- An account's webhooks. The secret signs every delivery (HMAC-SHA256); it is shown to the owner once, at creation,
-- and kept here because the server needs it to sign.
CREATE SEQUENCE webhook_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE webhook (
    id          BIGINT PRIMARY KEY,
    owner       TEXT        NOT NULL,
    url         TEXT        NOT NULL,
    secret      TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_owner ON webhook (owner);

-- The outbox: one row per (webhook, notification), written in the transaction that makes the notification, so a
-- restart loses nothing. Senders in any server lease a due row with FOR UPDATE SKIP LOCKED (as evaluation_job);
-- a lease not finished by lease_expires_at is taken again, so a delivery is sent at least once (receivers dedupe
-- on the delivery id). Failures wait run_after, doubling each attempt, until max attempts.
CREATE SEQUENCE webhook_delivery_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE webhook_delivery (
    id               BIGINT PRIMARY KEY,
    webhook_id       BIGINT      NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
    notification_id  BIGINT      NOT NULL REFERENCES notification (id) ON DELETE CASCADE,
    status           TEXT        NOT NULL CHECK (status IN ('PENDING', 'SENDING', 'DELIVERED', 'FAILED')),
    attempts         INTEGER     NOT NULL DEFAULT 0,
    run_after        TIMESTAMPTZ NOT NULL,
    lease_owner      TEXT,
    lease_expires_at TIMESTAMPTZ,
    response_status  INTEGER,
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ,
    CONSTRAINT webhook_delivery_once UNIQUE (webhook_id, notification_id)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (run_after) WHERE status = 'PENDING';
CREATE INDEX webhook_delivery_leased ON webhook_delivery (lease_expires_at) WHERE status = 'SENDING';
CREATE INDEX webhook_delivery_webhook ON webhook_delivery (webhook_id, id DESC);
